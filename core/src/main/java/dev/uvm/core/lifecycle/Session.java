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

    private final long id = IDS.incrementAndGet();
    private final Kind kind;
    private final Consumer<VmLost> onVmLost;

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
        this.kind = kind;
        this.onVmLost = onVmLost;
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
