package dev.uvm.core.lifecycle;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A client's claim on a VM: while it is held the VM stays up. Identity is by object.
 */
public final class Session {
    private static final AtomicLong IDS = new AtomicLong();

    /** What kind of work holds the VM. */
    public enum Kind { FOREGROUND, BACKGROUND }

    /** What opened the session, which is what woke the VM if it was down (a metric label). */
    public enum Cause {
        /** A client: {@code uvm run}, a shell, a job, a distribution request. */
        SESSION,
        /** A connection to a forwarded or declared port. */
        PORT,
        /** A {@code prewarm} schedule. */
        PREWARM,
        /** A {@code keepAlive} window. */
        KEEP_ALIVE;

        /** The metric label: {@code session}, {@code port}, {@code prewarm}, {@code keep_alive}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final long id = IDS.incrementAndGet();
    private final Kind kind;
    private final Cause cause;
    private final Consumer<VmLost> onVmLost;
    /** Set on the event loop when the session had to wait for a boot or restore; read after open completes. */
    private volatile boolean waitedForVm;

    /**
     * Why the VM went away under a session.
     *
     * @param message what to tell the session's client
     * @param reason  the stop: {@link StopReason#CRASH} when the VM exited on its own, otherwise the
     *                reason of the shutdown that was asked for ({@code uvm shutdown}, a config change,
     *                the daemon stopping)
     */
    public record VmLost(String message, StopReason reason) {
        /** Whether the VM was shut down on purpose rather than lost to a crash. */
        public boolean requested() {
            return reason != StopReason.CRASH;
        }
    }

    /**
     * @param onVmLost called on the event loop when the VM goes away under the session (shutdown,
     *                 crash); it must not block
     */
    public Session(Kind kind, Consumer<VmLost> onVmLost) {
        this(kind, Cause.SESSION, onVmLost);
    }

    /** A session opened for {@code cause}. */
    public Session(Kind kind, Cause cause, Consumer<VmLost> onVmLost) {
        this.kind = kind;
        this.cause = cause;
        this.onVmLost = onVmLost;
    }

    public Cause cause() {
        return cause;
    }

    /**
     * Whether the VM was not up when this session arrived, so that opening it waited for a boot or a
     * restore (its own or one already under way). Meaningful once the open has completed.
     */
    public boolean waitedForVm() {
        return waitedForVm;
    }

    void waitingForVm() {
        waitedForVm = true;
    }

    public long id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    void vmLost(VmLost lost) {
        onVmLost.accept(lost);
    }

    @Override
    public String toString() {
        return "session " + id;
    }
}
