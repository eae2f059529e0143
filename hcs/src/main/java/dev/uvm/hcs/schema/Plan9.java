package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code Plan9}: the 9p file-sharing device; {@code shares} may be null to add them later. */
public record Plan9(
        @JsonProperty("Shares") List<Plan9Share> shares) {

    /** The device with no shares, written as {@code {}}. */
    public static Plan9 empty() {
        return new Plan9(null);
    }
}
