package dev.uvm.core.lifecycle;

import java.util.concurrent.Executor;

/**
 * The single thread that owns all lifecycle state. Everything else (socket handlers, timers,
 * boot workers, the config watcher) posts work with {@link #execute}.
 */
public interface EventLoop extends Executor {
    /** Whether the calling thread is the loop's owner thread. */
    boolean inEventLoop();
}
