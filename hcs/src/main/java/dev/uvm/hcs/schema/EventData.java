package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code EventData}: one typed value of an {@link ErrorEvent}. */
public record EventData(
        @JsonProperty("Type") String type,
        @JsonProperty("Value") String value) {
}
