package dev.uvm.hcs;

import dev.uvm.hcs.raw.HResult;
import dev.uvm.hcs.schema.ExitType;
import dev.uvm.hcs.schema.HcsJson;
import dev.uvm.hcs.schema.SystemExitStatus;

/**
 * A compute system stopped, or this process lost the HCS service and can no longer observe it.
 *
 * @param systemId the system's id
 * @param reason why it stopped
 * @param status the HRESULT from the exit document ({@code S_OK} for a normal exit)
 * @param document the parsed SystemExitStatus, or null when HCS sent none or it was unreadable
 */
public record ExitEvent(String systemId, Reason reason, int status, SystemExitStatus document) {

    /** Why the system stopped. */
    public enum Reason {
        /** The guest shut down (GracefulExit). */
        GRACEFUL,
        /** It was terminated (ForcedExit). */
        FORCED,
        /** The VM or its worker died (UnexpectedExit). */
        UNEXPECTED,
        /** HcsEventServiceDisconnect: the HCS service went away; the system's fate is unknown. */
        SERVICE_DISCONNECTED,
        /** HCS reported no exit type, or one this binding does not know. */
        UNKNOWN
    }

    /** Reads the EventData of HcsEventSystemExited; a missing or unreadable document gives {@link Reason#UNKNOWN}. */
    static ExitEvent fromDocument(String systemId, String json) {
        if (json == null) {
            return new ExitEvent(systemId, Reason.UNKNOWN, HResult.S_OK, null);
        }
        try {
            SystemExitStatus status = HcsJson.read(json, SystemExitStatus.class);
            return new ExitEvent(systemId, reasonOf(status.exitType()), status.status(), status);
        } catch (RuntimeException unreadable) {
            return new ExitEvent(systemId, Reason.UNKNOWN, HResult.S_OK, null);
        }
    }

    static ExitEvent serviceDisconnected(String systemId) {
        return new ExitEvent(systemId, Reason.SERVICE_DISCONNECTED, HResult.HCS_E_SERVICE_DISCONNECT, null);
    }

    static ExitEvent fromExitType(String systemId, ExitType exitType) {
        return new ExitEvent(systemId, reasonOf(exitType), HResult.S_OK, null);
    }

    private static Reason reasonOf(ExitType type) {
        if (type == null) {
            return Reason.UNKNOWN;
        }
        return switch (type) {
            case GRACEFUL_EXIT -> Reason.GRACEFUL;
            case FORCED_EXIT -> Reason.FORCED;
            case UNEXPECTED_EXIT -> Reason.UNEXPECTED;
            case NONE, UNKNOWN -> Reason.UNKNOWN;
        };
    }

    /** True when nobody asked for the stop: a crash or a lost HCS service. */
    public boolean unexpected() {
        return reason == Reason.UNEXPECTED || reason == Reason.SERVICE_DISCONNECTED;
    }

    @Override
    public String toString() {
        return "ExitEvent(" + systemId + ", " + reason + ", " + HResult.describe(status) + ")";
    }
}
