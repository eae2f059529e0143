package dev.uvm.daemon.observe;

import dev.uvm.config.VmConfig;
import dev.uvm.core.lifecycle.LifecycleListener;
import dev.uvm.core.lifecycle.Session;
import dev.uvm.core.lifecycle.StopReason;
import dev.uvm.core.lifecycle.VmState;
import dev.uvm.metrics.UvmMetrics;
import dev.uvm.metrics.VmMetrics;
import dev.uvm.vm.BootTimings;
import dev.uvm.vm.RunningVm;
import java.util.Map;

/**
 * Feeds lifecycle events into the VM meters. Runs on the event loop; only sets numbers. Boot and
 * restore meters record the memory of the configuration the boot used, the idle gauges the
 * configuration in force.
 */
public final class MetricsListener implements LifecycleListener {
    private final UvmMetrics metrics;

    public MetricsListener(UvmMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void transition(VmConfig vm, VmState from, VmState to, long millis, String why) {
        VmMetrics m = metrics.vm(vm.name());
        m.state(to.label());
        if (from == VmState.SUSPENDED && to != VmState.SUSPENDED) {
            m.savedBytes(0);
        }
        m.idleTimeout(vm.vmIdleTimeoutMillis());
    }

    @Override
    public void bootFinished(VmConfig vm, RunningVm instance, long millis) {
        BootTimings t = instance.timings();
        metrics.vm(vm.name()).bootSucceeded(millis, Map.of("vmm_up", t.vmmUpNanos() / 1_000_000,
                "kernel_start", t.kernelStartNanos() / 1_000_000, "agent_ready", t.readyNanos() / 1_000_000),
                vm.memoryBytes());
        sampleHostMemory(vm, instance);
    }

    /**
     * The VMM's host memory at once, rather than at the sampler's next round (up to
     * {@link MemorySampler#INTERVAL_MILLIS} later, reading 0 until then); measured on a worker, as
     * reading it may ask HCS.
     */
    private void sampleHostMemory(VmConfig vm, RunningVm instance) {
        java.util.concurrent.ForkJoinPool.commonPool().execute(() ->
                metrics.vm(vm.name()).memory(instance.hostResidentBytes(), -1, -1, -1));
    }

    @Override
    public void bootFailed(VmConfig vm, String error, long millis) {
        metrics.vm(vm.name()).bootFailed();
    }

    @Override
    public void suspended(VmConfig vm, long millis, long bytes, String error) {
        metrics.vm(vm.name()).suspended(millis, error == null ? bytes : -1);
    }

    @Override
    public void restored(VmConfig vm, RunningVm instance, long millis, String error) {
        metrics.vm(vm.name()).restored(millis, error == null, vm.memoryBytes());
        if (instance != null) {
            sampleHostMemory(vm, instance);
        }
    }

    @Override
    public void stopped(VmConfig vm, StopReason reason, boolean forced, long stopMillis) {
        metrics.vm(vm.name()).stopped(reason.label(), forced, stopMillis);
    }

    @Override
    public void sessionsChanged(VmConfig vm, int foreground, int background) {
        metrics.vm(vm.name()).sessions(foreground, background);
    }

    @Override
    public void idleTimerChanged(VmConfig vm, long lastSessionEnd, long deadline) {
        metrics.vm(vm.name()).idle(vm.vmIdleTimeoutMillis(), lastSessionEnd, deadline);
    }

    @Override
    public void wakingUp(VmConfig vm, Session.Cause cause, boolean restore) {
        metrics.vm(vm.name()).wokeUp(cause.label(), restore);
    }
}
