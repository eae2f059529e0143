package dev.uvm.core.lifecycle;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The lifecycle state of one VM.
 *
 * <p>Transition table (from -> allowed next states; {@code VmLifecycleTest} checks that the code
 * performs exactly these):
 * <pre>
 * STOPPED    -> STARTING    first session arrives
 *            -> IDLE        a restarted daemon adopted a VM its predecessor left running
 *            -> SUSPENDED   a restarted daemon found a VM its predecessor saved
 * STARTING   -> RUNNING     boot finished, sessions live
 *            -> IDLE        boot finished, every waiting session already left
 *            -> STOPPING    boot finished, but a shutdown was requested meanwhile
 *            -> FAILED      boot failed or timed out
 * RUNNING    -> IDLE        last session ended (idle timer armed)
 *            -> STOPPING    shutdown requested
 *            -> STOPPED     VM exited unexpectedly (crash)
 * IDLE       -> RUNNING     a session arrived (idle timer cancelled)
 *            -> STOPPING    idle timer fired and the VM is still idle, or shutdown requested
 *            -> SUSPENDING  idle timer fired, idleAction = suspend and the backend can save this VM
 *            -> STOPPED     VM exited unexpectedly (crash)
 * STOPPING   -> STOPPED     VM exited (clean power-off, or forced after the shutdown timeout)
 * SUSPENDING -> SUSPENDED   VM saved to disk, VMM gone
 *            -> STOPPED     the save failed; the VMM was forced down
 * SUSPENDED  -> RESTORING   a session arrived
 *            -> STOPPED     shutdown requested or VM removed: the saved state is discarded
 * RESTORING  -> RUNNING     restored, sessions live
 *            -> IDLE        restored, every waiting session already left
 *            -> STOPPING    restored, but a shutdown was requested meanwhile
 *            -> STARTING    the restore failed: cold boot instead
 *            -> STOPPED     the restore failed after a shutdown was requested
 * FAILED     -> STARTING    the next session tries again
 * </pre>
 */
public enum VmState {
    STOPPED,
    STARTING,
    RUNNING,
    IDLE,
    STOPPING,
    SUSPENDING,
    SUSPENDED,
    RESTORING,
    FAILED;

    private static final Map<VmState, Set<VmState>> TRANSITIONS = Map.of(
            STOPPED, EnumSet.of(STARTING, IDLE, SUSPENDED),
            STARTING, EnumSet.of(RUNNING, IDLE, STOPPING, FAILED),
            RUNNING, EnumSet.of(IDLE, STOPPING, STOPPED),
            IDLE, EnumSet.of(RUNNING, STOPPING, SUSPENDING, STOPPED),
            STOPPING, EnumSet.of(STOPPED),
            SUSPENDING, EnumSet.of(SUSPENDED, STOPPED),
            SUSPENDED, EnumSet.of(RESTORING, STOPPED),
            RESTORING, EnumSet.of(RUNNING, IDLE, STOPPING, STARTING, STOPPED),
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
        return this == RUNNING || this == IDLE || this == STOPPING || this == SUSPENDING;
    }

    /** Whether a boot or a restore is under way (the VMM is not ready yet). */
    public boolean isBooting() {
        return this == STARTING || this == RESTORING;
    }

    /** Lower-case name as shown by {@code uvm list} and in metrics labels. */
    public String label() {
        return name().toLowerCase();
    }
}
