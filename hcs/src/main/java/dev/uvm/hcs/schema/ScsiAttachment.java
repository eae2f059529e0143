package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code Attachment}: a disk on a SCSI controller, as WSL attaches its ext4.vhdx.
 *
 * @param type {@value #VIRTUAL_DISK} for a VHD/VHDX file
 * @param path the host path of the file; the VM's worker process must be able to open it
 * @param readOnly whether the guest may only read
 * @param alwaysAllowSparseFiles let HCS open a VHDX whose file is NTFS-sparse (WSL's {@code sparseVhd}):
 *        what the guest trims (ext4 mounted with {@code discard}) is then given back to the host volume
 */
public record ScsiAttachment(
        @JsonProperty("Type") String type,
        @JsonProperty("Path") String path,
        @JsonProperty("ReadOnly") Boolean readOnly,
        @JsonProperty("AlwaysAllowSparseFiles") Boolean alwaysAllowSparseFiles) {

    public static final String VIRTUAL_DISK = "VirtualDisk";
}
