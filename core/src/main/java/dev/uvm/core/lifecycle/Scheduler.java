package dev.uvm.core.lifecycle;

import dev.uvm.config.UvmConfig;
import dev.uvm.config.VmConfig;
import dev.uvm.vm.RunningVm;
import dev.uvm.vm.VmDriver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The thread-safe face of the lifecycle: every call posts to the event loop, which owns one
 * {@link VmLifecycle} per configured VM.
 */
public final class Scheduler {
    private final EventLoop loop;
    private final Executor workers;
    private final Timers timers;
    private final VmDriver driver;
    private final LifecycleListener listener;
    private final Map<String, VmLifecycle> vms = new LinkedHashMap<>();

    public Scheduler(UvmConfig config, VmDriver driver, EventLoop loop, Executor workers, Timers timers,
                     LifecycleListener listener) {
        this.loop = loop;
        this.workers = workers;
        this.timers = timers;
        this.driver = driver;
        this.listener = listener;
        onLoop(() -> {
            config.vms().values().forEach(this::add);
            return null;
        }).join();
    }

    private void add(VmConfig vm) {
        vms.put(vm.name(), new VmLifecycle(vm, driver, loop, workers, timers, listener));
        listener.transition(vm, VmState.STOPPED, VmState.STOPPED, 0, "configured");
    }

    public VmDriver driver() {
        return driver;
    }

    /** Opens a session on a VM; the future completes when the VM is ready for it. */
    public CompletableFuture<RunningVm> open(String vm, Session session) {
        return onLoop(() -> {
            VmLifecycle lc = vms.get(vm);
            if (lc == null || lc.isRemoved()) {
                return CompletableFuture.<RunningVm>failedFuture(new VmUnavailableException(
                        "no VM named '" + vm + "' is configured (known: " + String.join(", ", names()) + ")"));
            }
            return lc.open(session);
        }).thenCompose(f -> f);
    }

    /** Takes over a VM that a previous daemon left running; it is idle until a session arrives. */
    public void adopt(String vm, RunningVm instance) {
        loop.execute(() -> {
            VmLifecycle lc = vms.get(vm);
            if (lc == null) {
                workers.execute(instance::kill);
            } else {
                lc.adopt(instance);
            }
        });
    }

    /** A previous daemon saved this VM to disk; it stays suspended until a session arrives. */
    public void adoptSuspended(String vm) {
        loop.execute(() -> {
            VmLifecycle lc = vms.get(vm);
            if (lc != null) {
                lc.adoptSuspended();
            }
        });
    }

    public void close(String vm, Session session) {
        loop.execute(() -> {
            VmLifecycle lc = vms.get(vm);
            if (lc != null) {
                lc.close(session);
                dropIfRemovedAndStopped(lc);
            }
        });
    }

    /** Stops one VM ({@code vm} non-null) or all. */
    public CompletableFuture<List<String>> shutdown(String vm, StopReason reason, boolean force) {
        return onLoop(() -> {
            List<String> hit = new ArrayList<>();
            for (VmLifecycle lc : vms.values()) {
                if (vm == null || lc.name().equals(vm)) {
                    lc.shutdown(reason, force);
                    hit.add(lc.name());
                }
            }
            new ArrayList<>(vms.values()).forEach(this::dropIfRemovedAndStopped);
            return hit;
        });
    }

    /**
     * Every VM as {@code uvm list} shows it. The host memory of a running VM is measured after the
     * snapshot, on a worker: it reads /proc, or asks HCS, which must not hold up the loop.
     */
    public CompletableFuture<List<VmStatus>> list() {
        record Snapshot(VmStatus status, RunningVm instance) {
        }
        return onLoop(() -> vms.values().stream().map(lc -> new Snapshot(lc.status(), lc.instance())).toList())
                .thenApplyAsync(snapshots -> snapshots.stream().map(s -> s.instance() == null ? s.status()
                        : s.status().withHostResidentBytes(s.instance().hostResidentBytes())).toList(), workers);
    }

    /** Whether each of these VMs is stopped or failed (a shutdown of them is complete). */
    public CompletableFuture<Boolean> stopped(List<String> names) {
        return onLoop(() -> vms.values().stream().filter(lc -> names.contains(lc.name()))
                .allMatch(lc -> lc.state() == VmState.STOPPED || lc.state() == VmState.FAILED));
    }

    /**
     * A VM that is up and serving (running or idle, not starting or stopping), with its current
     * configuration and live session count.
     */
    public record Up(String name, RunningVm vm, VmConfig config, VmState state, int sessions) {
    }

    /** The VMs that are up and serving, for the memory sampler and reclaimer. */
    public CompletableFuture<List<Up>> serving() {
        return onLoop(() -> vms.values().stream()
                .filter(lc -> lc.state() == VmState.RUNNING || lc.state() == VmState.IDLE)
                .map(lc -> new Up(lc.name(), lc.instance(), lc.config(), lc.state(), lc.sessionCount()))
                .toList());
    }

    /** Applies a new config: changed VMs reconfigure, new ones appear, removed ones stop when idle. */
    public CompletableFuture<Void> reconfigure(UvmConfig config) {
        return onLoop(() -> {
            for (VmConfig vm : config.vms().values()) {
                VmLifecycle lc = vms.get(vm.name());
                if (lc == null) {
                    add(vm);
                } else if (lc.isRemoved()) {
                    lc.readd(vm);
                } else {
                    lc.reconfigure(vm);
                }
            }
            for (VmLifecycle lc : new ArrayList<>(vms.values())) {
                if (!config.vms().containsKey(lc.name()) && !lc.isRemoved()) {
                    lc.remove();
                    dropIfRemovedAndStopped(lc);
                }
            }
            return null;
        });
    }

    /** Whether every VM is stopped (for the daemon's exit). */
    public CompletableFuture<Boolean> allStopped() {
        return onLoop(() -> vms.values().stream().noneMatch(lc -> lc.state().isBooting()
                || lc.state().hasVm()));
    }

    private void dropIfRemovedAndStopped(VmLifecycle lc) {
        if (lc.isRemoved() && (lc.state() == VmState.STOPPED || lc.state() == VmState.FAILED)
                && lc.sessionCount() == 0) {
            vms.remove(lc.name());
        }
    }

    private List<String> names() {
        return vms.values().stream().filter(l -> !l.isRemoved()).map(VmLifecycle::name).toList();
    }

    private <T> CompletableFuture<T> onLoop(Supplier<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(work.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
                throw e;
            }
        });
        return f;
    }
}
