package dev.uvm.core.lifecycle;

/**
 * Time as the lifecycle sees it: a clock and one-shot timers. Production uses the wall clock and
 * Quartz; tests use {@code VirtualTime}, so a full idle cycle runs in milliseconds.
 * A timer's task only posts an event to the loop; it never touches state itself.
 */
public interface Timers {
    /** Milliseconds since the epoch. */
    long nowMillis();

    /** Runs {@code task} once after {@code delayMillis}; the handle cancels it. */
    Cancellable schedule(String description, long delayMillis, Runnable task);

    /** A scheduled task that can be cancelled (cancelling a fired or cancelled task does nothing). */
    interface Cancellable {
        void cancel();
    }
}
