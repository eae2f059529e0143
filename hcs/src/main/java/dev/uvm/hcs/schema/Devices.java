package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * {@code Devices}. A present {@code Plan9} (even empty) creates the file-sharing device, which must
 * exist at creation for shares to be added later with HcsModifyComputeSystem.
 *
 * @param comPorts serial ports keyed by port number as a string: "0" is COM1 (ttyS0 in the guest)
 * @param scsi SCSI controllers keyed by name, or null for none
 */
public record Devices(
        @JsonProperty("ComPorts") Map<String, ComPort> comPorts,
        @JsonProperty("Scsi") Map<String, Scsi> scsi,
        @JsonProperty("HvSocket") HvSocket hvSocket,
        @JsonProperty("Plan9") Plan9 plan9) {
}
