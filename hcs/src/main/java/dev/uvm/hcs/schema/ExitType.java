package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code NotificationType}: why a system stopped. */
public enum ExitType {
    @JsonProperty("None") NONE,
    /** The guest shut down, or HcsShutDownComputeSystem succeeded. */
    @JsonProperty("GracefulExit") GRACEFUL_EXIT,
    /** HcsTerminateComputeSystem, or the last handle closed with ShouldTerminateOnLastHandleClosed. */
    @JsonProperty("ForcedExit") FORCED_EXIT,
    /** The VM or its worker process died. */
    @JsonProperty("UnexpectedExit") UNEXPECTED_EXIT,
    @JsonEnumDefaultValue @JsonProperty("Unknown") UNKNOWN
}
