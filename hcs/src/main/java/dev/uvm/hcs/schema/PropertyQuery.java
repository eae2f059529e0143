package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code System_PropertyQuery}: which optional parts of {@link Properties} to return. */
public record PropertyQuery(
        @JsonProperty("PropertyTypes") List<String> propertyTypes) {

    public static final String STATISTICS = "Statistics";
    public static final String MEMORY = "Memory";
    public static final String PROCESS_LIST = "ProcessList";
    public static final String TERMINATE_ON_LAST_HANDLE_CLOSED = "TerminateOnLastHandleClosed";
    public static final String GUEST_CONNECTION = "GuestConnection";

    public static PropertyQuery of(String... propertyTypes) {
        return new PropertyQuery(List.of(propertyTypes));
    }
}
