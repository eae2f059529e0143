package dev.uvm.hcs.raw;

/** {@code HCS_EVENT_TYPE} values and {@code HCS_EVENT_OPTIONS} flags (ComputeDefs.h). */
public final class HcsEventType {

    public static final int INVALID = 0x00000000;
    /** EventData is a SystemExitStatus document. */
    public static final int SYSTEM_EXITED = 0x00000001;
    /** EventData is a CrashReport document. */
    public static final int SYSTEM_CRASH_INITIATED = 0x00000002;
    /** EventData is a CrashReport document. */
    public static final int SYSTEM_CRASH_REPORT = 0x00000003;
    public static final int SYSTEM_RDP_ENHANCED_MODE_STATE_CHANGED = 0x00000004;
    public static final int SYSTEM_SILO_JOB_CREATED = 0x00000005;
    public static final int SYSTEM_GUEST_CONNECTION_CLOSED = 0x00000006;
    public static final int PROCESS_EXITED = 0x00010000;
    /** The event's Operation field names the completed operation. */
    public static final int OPERATION_CALLBACK = 0x01000000;
    /** The client lost the HCS service; treat it as terminal. */
    public static final int SERVICE_DISCONNECT = 0x02000000;

    /** {@code HcsEventOptionNone}. */
    public static final int OPTION_NONE = 0;
    /** {@code HcsEventOptionEnableOperationCallbacks}. */
    public static final int OPTION_ENABLE_OPERATION_CALLBACKS = 1;

    private HcsEventType() {
    }

    /** The ComputeDefs.h name of an event type, or its hexadecimal value when unknown. */
    public static String name(int type) {
        return switch (type) {
            case INVALID -> "HcsEventInvalid";
            case SYSTEM_EXITED -> "HcsEventSystemExited";
            case SYSTEM_CRASH_INITIATED -> "HcsEventSystemCrashInitiated";
            case SYSTEM_CRASH_REPORT -> "HcsEventSystemCrashReport";
            case SYSTEM_RDP_ENHANCED_MODE_STATE_CHANGED -> "HcsEventSystemRdpEnhancedModeStateChanged";
            case SYSTEM_SILO_JOB_CREATED -> "HcsEventSystemSiloJobCreated";
            case SYSTEM_GUEST_CONNECTION_CLOSED -> "HcsEventSystemGuestConnectionClosed";
            case PROCESS_EXITED -> "HcsEventProcessExited";
            case OPERATION_CALLBACK -> "HcsEventOperationCallback";
            case SERVICE_DISCONNECT -> "HcsEventServiceDisconnect";
            default -> String.format("0x%08X", type);
        };
    }
}
