package dev.uvm.scheduler.lifecycle;

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
    private final Consumer<String> onVmLost;

    /**
     * @param onVmLost called on the event loop when the VM goes away under the session (shutdown,
     *                 crash); it must not block
     */
    public Session(Kind kind, Consumer<String> onVmLost) {
        this.kind = kind;
        this.onVmLost = onVmLost;
    }

    public long id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    void vmLost(String reason) {
        onVmLost.accept(reason);
    }

    @Override
    public String toString() {
        return "session " + id;
    }
}
