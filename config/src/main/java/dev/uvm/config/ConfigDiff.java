package dev.uvm.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What changed between two configurations, per VM and for the daemon, and when each change takes
 * effect ({@link ConfigKey#effect()}): timeouts and {@code autoMemoryReclaim} at once, VM hardware
 * ({@code memory}, {@code processors}, {@code kernel}, {@code hostShare}, ...) at the VM's next boot,
 * {@code socket}, {@code stateDir}, {@code backend}, {@code metricsAddress} and {@code socketGroup}
 * only after a daemon restart. Added and removed VMs apply at once.
 *
 * <p>Values are compared in their config-syntax form ({@link ConfigKey#valueIn(VmConfig)}), so
 * {@code 1GB} and {@code 1024MB} are equal, and the mount point of an absent share is not a change.
 */
public final class ConfigDiff {
    private final List<ConfigChange> changes;

    private ConfigDiff(List<ConfigChange> changes) {
        this.changes = List.copyOf(changes);
    }

    /** The changes that turn {@code old} into {@code neu}: daemon first, then VMs in {@code neu}'s order, then removed VMs. */
    public static ConfigDiff between(UvmConfig old, UvmConfig neu) {
        Objects.requireNonNull(old, "old");
        Objects.requireNonNull(neu, "neu");
        List<ConfigChange> changes = new ArrayList<>();
        for (ConfigKey key : ConfigKey.of(ConfigKey.Scope.DAEMON)) {
            String before = key.valueIn(old.daemon());
            String after = key.valueIn(neu.daemon());
            if (!Objects.equals(before, after)) {
                changes.add(new ConfigChange(ConfigChange.Kind.VALUE_CHANGED, null, key, before, after, key.effect()));
            }
        }
        for (VmConfig vm : neu.vms().values()) {
            VmConfig previous = old.vm(vm.name());
            if (previous == null) {
                changes.add(new ConfigChange(ConfigChange.Kind.VM_ADDED, vm.name(), null, null, null,
                        TakesEffect.IMMEDIATELY));
                continue;
            }
            for (ConfigKey key : ConfigKey.of(ConfigKey.Scope.VM)) {
                String before = key.valueIn(previous);
                String after = key.valueIn(vm);
                if (!Objects.equals(before, after)) {
                    changes.add(new ConfigChange(ConfigChange.Kind.VALUE_CHANGED, vm.name(), key, before, after,
                            key.effect()));
                }
            }
        }
        for (String name : old.vms().keySet()) {
            if (neu.vm(name) == null) {
                changes.add(new ConfigChange(ConfigChange.Kind.VM_REMOVED, name, null, null, null,
                        TakesEffect.IMMEDIATELY));
            }
        }
        return new ConfigDiff(changes);
    }

    /** Every change, daemon first. */
    public List<ConfigChange> changes() {
        return changes;
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** Changes to {@code [daemon]} keys. */
    public List<ConfigChange> daemonChanges() {
        return changes.stream().filter(ConfigChange::isDaemon).toList();
    }

    /** Changes per VM (added, removed or changed), in the order of {@link #changes()}. */
    public Map<String, List<ConfigChange>> vmChanges() {
        return changes.stream().filter(c -> !c.isDaemon())
                .collect(Collectors.groupingBy(ConfigChange::vm, LinkedHashMap::new, Collectors.toList()));
    }

    /** Changes to one VM; empty if it did not change. */
    public List<ConfigChange> changesOf(String vm) {
        return changes.stream().filter(c -> vm.equals(c.vm())).toList();
    }

    public List<String> addedVms() {
        return names(ConfigChange.Kind.VM_ADDED);
    }

    public List<String> removedVms() {
        return names(ConfigChange.Kind.VM_REMOVED);
    }

    /** Whether some change only applies after the daemon restarts. */
    public boolean needsDaemonRestart() {
        return changes.stream().anyMatch(c -> c.effect() == TakesEffect.DAEMON_RESTART);
    }

    /** Whether {@code vm} has changes that wait for its next boot. */
    public boolean waitsForNextBoot(String vm) {
        return changesOf(vm).stream().anyMatch(c -> c.effect() == TakesEffect.NEXT_BOOT);
    }

    /** One change per line, for logs and {@code uvm config} output; {@code no changes} when empty. */
    @Override
    public String toString() {
        if (changes.isEmpty()) {
            return "no changes";
        }
        return changes.stream().map(ConfigChange::toString).collect(Collectors.joining("\n"));
    }

    private List<String> names(ConfigChange.Kind kind) {
        return changes.stream().filter(c -> c.kind() == kind).map(ConfigChange::vm).toList();
    }
}
