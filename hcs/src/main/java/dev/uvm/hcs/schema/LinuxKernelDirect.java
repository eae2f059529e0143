package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code LinuxKernelDirect} (schema 2.2, x64 only): boot a Linux kernel without firmware. Paths are
 * host (Windows) paths and must be readable by the VM's worker process.
 */
public record LinuxKernelDirect(
        @JsonProperty("KernelFilePath") String kernelFilePath,
        @JsonProperty("InitRdPath") String initRdPath,
        @JsonProperty("KernelCmdLine") String kernelCmdLine) {
}
