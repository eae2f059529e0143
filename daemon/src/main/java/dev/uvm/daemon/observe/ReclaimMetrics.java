package dev.uvm.daemon.observe;

import dev.uvm.core.reclaim.MemoryReclaimer;
import dev.uvm.metrics.UvmMetrics;

/** Exports what {@code autoMemoryReclaim} judged and returned as metrics. */
public final class ReclaimMetrics implements MemoryReclaimer.Listener {
    private final UvmMetrics metrics;

    public ReclaimMetrics(UvmMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void guestActivity(String vm, double busyShare, boolean idle) {
        metrics.vm(vm).guestActivity(busyShare, idle);
    }

    @Override
    public void reclaimStarted(String vm, String mode) {
        metrics.vm(vm).reclaimStarted(mode);
    }

    @Override
    public void reclaimFinished(String vm, long returnedBytes, long millisSinceIdle) {
        metrics.vm(vm).reclaimFinished(returnedBytes, millisSinceIdle);
    }
}
