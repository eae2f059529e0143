package dev.uvm.core.lifecycle;

import java.util.PriorityQueue;

/** {@link Timers} in virtual time: nothing happens until the test advances the clock. */
final class VirtualTime implements Timers {
    private record Task(long at, long seq, Runnable run, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    VirtualTime() {
        this(1_000_000);
    }

    /** Starts the clock at {@code startMillis} since the epoch (for calendar-based schedules). */
    VirtualTime(long startMillis) {
        now = startMillis;
    }

    @Override
    public long nowMillis() {
        return now;
    }

    @Override
    public Cancellable schedule(String description, long delayMillis, Runnable task) {
        boolean[] cancelled = {false};
        queue.add(new Task(now + delayMillis, seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Moves the clock forward, running every timer that falls due on the way, in order. */
    void advance(long millis) {
        long target = now + millis;
        while (!queue.isEmpty() && queue.peek().at <= target) {
            Task t = queue.poll();
            now = t.at;
            if (!t.cancelled[0]) {
                t.run.run();
            }
        }
        now = target;
    }

    int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled[0]).count();
    }
}
