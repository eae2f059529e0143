package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code SystemExitStatus}: the EventData of HcsEventSystemExited and the result of
 * HcsWaitForComputeSystemExit, for example
 * {@code {"Status":0,"ExitType":"GracefulExit","Attribution":[{"SystemExit":{"Detail":"Shutdown","Initiator":"GuestOS"}}]}}.
 *
 * @param status an HRESULT
 * @param attribution AttributionRecord objects (schema 2.4), kept as JSON
 */
public record SystemExitStatus(
        @JsonProperty("Status") int status,
        @JsonProperty("ExitType") ExitType exitType,
        @JsonProperty("Attribution") List<JsonNode> attribution) {
}
