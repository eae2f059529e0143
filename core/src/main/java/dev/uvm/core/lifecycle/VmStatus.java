package dev.uvm.core.lifecycle;

/**
 * A snapshot of one VM for {@code uvm list}, taken on the event loop.
 *
 * @param idleDeadlineMillis epoch ms when the idle timer fires, or -1 when none is armed
 * @param uptimeMillis       ms since the VM became ready, or -1 when it is not up
 * @param hostResidentBytes  host memory the VM holds (VMM resident set, HCS working set), -1 when unknown
 * @param retryAtMillis      after repeated boot failures, epoch ms before which no boot is tried; -1 if none
 */
public record VmStatus(String name, VmState state, int foregroundSessions, int backgroundSessions,
                       long uptimeMillis, long vmmPid, long hostResidentBytes, long memoryBytes,
                       long idleTimeoutMillis, long idleDeadlineMillis, String lastStopReason, String lastError,
                       long retryAtMillis) {
    /** This snapshot with the VM's host memory, measured off the event loop. */
    public VmStatus withHostResidentBytes(long bytes) {
        return new VmStatus(name, state, foregroundSessions, backgroundSessions, uptimeMillis, vmmPid, bytes,
                memoryBytes, idleTimeoutMillis, idleDeadlineMillis, lastStopReason, lastError, retryAtMillis);
    }
}
