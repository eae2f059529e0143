package dev.uvm.daemon.observe;

import dev.uvm.core.lifecycle.WarmUp;
import dev.uvm.metrics.UvmMetrics;

/** Exports prewarm and keepAlive state as metrics. */
public final class WarmUpMetrics implements WarmUp.Listener {
    private final UvmMetrics metrics;

    public WarmUpMetrics(UvmMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void prewarmFired(String vm) {
        metrics.vm(vm).prewarmed();
    }

    @Override
    public void status(String vm, WarmUp.Status status) {
        metrics.vm(vm).warmUp(status.keepAliveActive(), status.nextKeepAliveMillis(), status.nextPrewarmMillis());
    }
}
