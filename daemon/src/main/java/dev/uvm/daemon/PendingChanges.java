package dev.uvm.daemon;

import dev.uvm.config.ConfigChange;
import dev.uvm.config.TakesEffect;
import dev.uvm.config.VmConfig;
import dev.uvm.core.lifecycle.LifecycleListener;
import dev.uvm.vm.RunningVm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Config changes that wait for a VM's next boot (memory, processors, kernel, ...), as
 * {@code key: old -> new}, for {@code uvm list}. A reload adds them; the VM's next boot clears them.
 *
 * <p>Concurrency: {@link #record} runs on the config watcher's thread, {@link #bootFinished} on
 * the event loop, {@link #of} on client threads; the map and its lists are concurrent.
 */
final class PendingChanges implements LifecycleListener {
    private final Map<String, List<String>> byVm = new ConcurrentHashMap<>();

    /** Records the changes that take effect at a VM's next boot. */
    void record(List<ConfigChange> changes) {
        for (ConfigChange c : changes) {
            if (c.effect() == TakesEffect.NEXT_BOOT && c.vm() != null) {
                byVm.computeIfAbsent(c.vm(), k -> new CopyOnWriteArrayList<>())
                        .add(c.key().keyName() + ": " + c.oldValue() + " -> " + c.newValue());
            }
        }
    }

    /** The changes that wait for the next boot of {@code vm}. */
    List<String> of(String vm) {
        return new ArrayList<>(byVm.getOrDefault(vm, List.of()));
    }

    @Override
    public void bootFinished(VmConfig vm, RunningVm instance, long millis) {
        byVm.remove(vm.name());
    }
}
