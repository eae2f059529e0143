package dev.uvm.core.lifecycle;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventLoop} on one dedicated thread. A task that throws is a bug in uvm: it is logged
 * and the daemon exits with {@link #EXIT_INTERNAL_ERROR}, since the lifecycle state can no longer
 * be trusted (service managers restart it, and restart recovery cleans up).
 */
public final class ThreadEventLoop implements EventLoop, AutoCloseable {
    /** Exit status of the daemon after an internal error on the loop thread (EX_SOFTWARE). */
    public static final int EXIT_INTERNAL_ERROR = 70;
    private static final Logger log = LoggerFactory.getLogger(ThreadEventLoop.class);
    private static final Runnable POISON = () -> { };

    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;

    public ThreadEventLoop(String name) {
        thread = new Thread(this::run, name);
        thread.start();
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
    }

    @Override
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        while (true) {
            Runnable task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (task == POISON) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.error("internal error in the lifecycle event loop; exiting with status {}",
                        EXIT_INTERNAL_ERROR, e);
                Runtime.getRuntime().halt(EXIT_INTERNAL_ERROR);
            }
        }
    }

    /** Runs the tasks already queued, then stops the thread. */
    @Override
    public void close() throws InterruptedException {
        queue.add(POISON);
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
