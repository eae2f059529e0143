package dev.uvm.scheduler.lifecycle;

/**
 * A snapshot of one VM for {@code uvm list}, taken on the event loop.
 *
 * @param idleDeadlineMillis epoch ms when the idle timer fires, or -1 when none is armed
 * @param uptimeMillis       ms since the VM became ready, or -1 when it is not up
 */
public record VmStatus(String name, VmState state, int foregroundSessions, int backgroundSessions,
                       long uptimeMillis, long vmmPid, long hostResidentBytes, long memoryBytes,
                       long idleTimeoutMillis, long idleDeadlineMillis, String lastStopReason, String lastError) {
}
