package dev.uvm.scheduler.lifecycle;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The lifecycle state of one VM.
 *
 * <p>Transition table (from -> allowed next states; {@code VmLifecycleTest} checks that the code
 * performs exactly these):
 * <pre>
 * STOPPED  -> STARTING                            first session arrives
 *          -> IDLE      a restarted daemon adopted a VM its predecessor left running
 * STARTING -> RUNNING   boot finished, sessions live
 *          -> IDLE      boot finished, every waiting session already left
 *          -> STOPPING  boot finished, but a shutdown was requested meanwhile
 *          -> FAILED    boot failed or timed out
 * RUNNING  -> IDLE      last session ended (idle timer armed)
 *          -> STOPPING  shutdown requested
 *          -> STOPPED   VM exited unexpectedly (crash)
 * IDLE     -> RUNNING   a session arrived (idle timer cancelled)
 *          -> STOPPING  idle timer fired and the VM is still idle, or shutdown requested
 *          -> STOPPED   VM exited unexpectedly (crash)
 * STOPPING -> STOPPED   VM exited (clean power-off, or forced after the shutdown timeout)
 * FAILED   -> STARTING  the next session tries again
 * </pre>
 */
public enum VmState {
    STOPPED,
    STARTING,
    RUNNING,
    IDLE,
    STOPPING,
    FAILED;

    private static final Map<VmState, Set<VmState>> TRANSITIONS = Map.of(
            STOPPED, EnumSet.of(STARTING, IDLE),
            STARTING, EnumSet.of(RUNNING, IDLE, STOPPING, FAILED),
            RUNNING, EnumSet.of(IDLE, STOPPING, STOPPED),
            IDLE, EnumSet.of(RUNNING, STOPPING, STOPPED),
            STOPPING, EnumSet.of(STOPPED),
            FAILED, EnumSet.of(STARTING));

    /** The states this one may move to. */
    public Set<VmState> successors() {
        return TRANSITIONS.get(this);
    }

    public boolean canMoveTo(VmState next) {
        return TRANSITIONS.get(this).contains(next);
    }

    /** Whether a VMM process exists in this state. */
    public boolean hasVm() {
        return this == RUNNING || this == IDLE || this == STOPPING;
    }

    /** Lower-case name as shown by {@code uvm list} and in metrics labels. */
    public String label() {
        return name().toLowerCase();
    }
}
