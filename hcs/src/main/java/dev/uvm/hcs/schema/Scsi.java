package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * {@code Scsi}: one SCSI controller of {@code Devices.Scsi}, keyed there by a controller name such as
 * "0". A Linux guest sees its disks as {@code /dev/sd*} (hv_storvsc), in LUN order.
 *
 * @param attachments disks keyed by LUN as a string
 */
public record Scsi(@JsonProperty("Attachments") Map<String, ScsiAttachment> attachments) {
}
