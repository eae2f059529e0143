package dev.uvm.daemon.observe;

import dev.uvm.config.VmConfig;
import dev.uvm.metrics.UvmMetrics;
import dev.uvm.metrics.VmMetrics;
import dev.uvm.vm.BootTimings;
import dev.uvm.core.lifecycle.LifecycleListener;
import dev.uvm.vm.RunningVm;
import dev.uvm.core.lifecycle.StopReason;
import dev.uvm.core.lifecycle.VmState;
import java.util.Map;
import java.util.function.Function;

/** Feeds lifecycle events into the VM meters. Runs on the event loop; only sets numbers. */
public final class MetricsListener implements LifecycleListener {
    private final UvmMetrics metrics;
    private final Function<String, VmConfig> configs;

    /** @param configs the current config of a VM by name (for assigned memory and the idle timeout) */
    public MetricsListener(UvmMetrics metrics, Function<String, VmConfig> configs) {
        this.metrics = metrics;
        this.configs = configs;
    }

    @Override
    public void transition(String vm, VmState from, VmState to, long millis, String why) {
        VmMetrics m = metrics.vm(vm);
        m.state(to.label());
        if (from == VmState.SUSPENDED && to != VmState.SUSPENDED) {
            m.savedBytes(0);
        }
        VmConfig c = configs.apply(vm);
        if (c != null) {
            m.idleTimeout(c.vmIdleTimeoutMillis());
        }
    }

    @Override
    public void bootFinished(String vm, RunningVm instance, long millis) {
        BootTimings t = instance.timings();
        VmConfig c = configs.apply(vm);
        metrics.vm(vm).bootSucceeded(millis, Map.of("vmm_up", t.vmmUpNanos() / 1_000_000,
                "kernel_start", t.kernelStartNanos() / 1_000_000, "agent_ready", t.readyNanos() / 1_000_000),
                c == null ? 0 : c.memoryBytes());
    }

    @Override
    public void bootFailed(String vm, String error, long millis) {
        metrics.vm(vm).bootFailed();
    }

    @Override
    public void suspended(String vm, long millis, long bytes, String error) {
        metrics.vm(vm).suspended(millis, error == null ? bytes : -1);
    }

    @Override
    public void restored(String vm, RunningVm instance, long millis, String error) {
        VmConfig c = configs.apply(vm);
        metrics.vm(vm).restored(millis, error == null, c == null ? 0 : c.memoryBytes());
    }

    @Override
    public void stopped(String vm, StopReason reason, boolean forced, long stopMillis) {
        metrics.vm(vm).stopped(reason.label(), forced, stopMillis);
    }

    @Override
    public void sessionsChanged(String vm, int foreground, int background) {
        metrics.vm(vm).sessions(foreground, background);
    }

    @Override
    public void idleTimerChanged(String vm, long lastSessionEnd, long deadline) {
        VmConfig c = configs.apply(vm);
        metrics.vm(vm).idle(c == null ? 0 : c.vmIdleTimeoutMillis(), lastSessionEnd, deadline);
    }
}
