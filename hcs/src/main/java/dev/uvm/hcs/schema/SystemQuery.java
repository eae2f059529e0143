package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code SystemQuery} for HcsEnumerateComputeSystems; null or empty lists do not filter. */
public record SystemQuery(
        @JsonProperty("Ids") List<String> ids,
        @JsonProperty("Names") List<String> names,
        @JsonProperty("Types") List<String> types,
        @JsonProperty("Owners") List<String> owners) {

    public static SystemQuery ids(String... ids) {
        return new SystemQuery(List.of(ids), null, null, null);
    }
}
