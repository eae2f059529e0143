package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code ErrorEvent}: one event HCS logged while an operation failed; the message is the useful part. */
public record ErrorEvent(
        @JsonProperty("Message") String message,
        @JsonProperty("StackTrace") String stackTrace,
        @JsonProperty("Provider") String provider,
        @JsonProperty("EventId") Integer eventId,
        @JsonProperty("Flags") Long flags,
        @JsonProperty("Source") String source,
        @JsonProperty("Data") List<EventData> data) {
}
