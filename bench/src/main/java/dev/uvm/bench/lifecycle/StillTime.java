package dev.uvm.bench.lifecycle;

import dev.uvm.core.lifecycle.Timers;

/**
 * Timers whose clock the benchmark moves by hand and whose timers never fire: the idle timer is
 * armed and cancelled, as in the daemon, but the VM is never stopped.
 */
final class StillTime implements Timers {
    private long now = 1_000_000;
    long scheduled;

    @Override
    public long nowMillis() {
        return now++;
    }

    @Override
    public Cancellable schedule(String description, long delayMillis, Runnable task) {
        scheduled++;
        return () -> {
        };
    }
}
