package dev.uvm.bench.lifecycle;

import dev.uvm.scheduler.lifecycle.EventLoop;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * An event loop on the calling thread: posted tasks queue up and run on {@link #drain}, so the
 * benchmark measures the lifecycle's own work, without a thread hand-off.
 */
final class DirectLoop implements EventLoop {
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public boolean inEventLoop() {
        return running;
    }

    /** Runs {@code action} as an event on the loop, then everything it posted. */
    void run(Runnable action) {
        running = true;
        try {
            action.run();
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        } finally {
            running = false;
        }
    }
}
