package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code State} of a compute system as reported in {@link Properties}. */
public enum SystemState {
    @JsonProperty("Created") CREATED,
    @JsonProperty("Running") RUNNING,
    @JsonProperty("Paused") PAUSED,
    @JsonProperty("Stopped") STOPPED,
    @JsonProperty("SavedAsTemplate") SAVED_AS_TEMPLATE,
    @JsonEnumDefaultValue @JsonProperty("Unknown") UNKNOWN
}
