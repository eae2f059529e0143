package dev.uvm.core.lifecycle;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * An event loop on the test thread: tasks queue up and run on {@link #drain}, in order, so a
 * test decides exactly which events race. A {@link #synchronous()} loop drains at once instead.
 */
public final class TestLoop implements EventLoop {
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final boolean drainAtOnce;
    private boolean running;

    public TestLoop() {
        this(false);
    }

    private TestLoop(boolean drainAtOnce) {
        this.drainAtOnce = drainAtOnce;
    }

    /** A loop that runs each task at once on the calling thread; tasks posted while one runs queue behind it. */
    public static TestLoop synchronous() {
        return new TestLoop(true);
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (drainAtOnce && !running) {
            drain();
        }
    }

    @Override
    public boolean inEventLoop() {
        return running;
    }

    public void drain() {
        running = true;
        try {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        } finally {
            running = false;
        }
    }

    /** Runs one action as if on the loop, then drains. */
    public <T> T onLoop(java.util.function.Supplier<T> action) {
        running = true;
        T result;
        try {
            result = action.get();
        } finally {
            running = false;
        }
        drain();
        return result;
    }

    public void run(Runnable action) {
        onLoop(() -> {
            action.run();
            return null;
        });
    }

    /** Worker tasks (boot, power-off, kill) queue here until the test runs them. */
    static final class Workers implements Executor {
        private final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        int runAll() {
            int n = 0;
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
                n++;
            }
            return n;
        }
    }
}
