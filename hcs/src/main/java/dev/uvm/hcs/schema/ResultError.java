package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code ResultError}: the result document of a failed operation.
 *
 * @param error an HRESULT, informational only: it may use the v1 form {@code 0xC037xxxx} while the
 *        API returned {@code 0x8037xxxx}, and the returned value is the authoritative one
 * @param attribution AttributionRecord objects (schema 2.4), kept as JSON
 */
public record ResultError(
        @JsonProperty("Error") Integer error,
        @JsonProperty("ErrorMessage") String errorMessage,
        @JsonProperty("ErrorEvents") List<ErrorEvent> errorEvents,
        @JsonProperty("Attribution") List<JsonNode> attribution) {
}
