package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code VirtualMachine_Memory}.
 *
 * @param sizeInMB guest memory in MiB; HCS requires an even number (2 MiB granularity)
 * @param allowOvercommit back guest memory with pageable host memory instead of pinned pages
 * @param enableDeferredCommit charge commit only when a page is first touched
 * @param enableColdDiscardHint let the guest return freed pages to the host
 */
public record VirtualMachineMemory(
        @JsonProperty("SizeInMB") long sizeInMB,
        @JsonProperty("AllowOvercommit") Boolean allowOvercommit,
        @JsonProperty("EnableDeferredCommit") Boolean enableDeferredCommit,
        @JsonProperty("EnableColdDiscardHint") Boolean enableColdDiscardHint) {
}
