package dev.uvm.hcs;

import dev.uvm.hcs.schema.Chipset;
import dev.uvm.hcs.schema.ComPort;
import dev.uvm.hcs.schema.ComputeSystemConfig;
import dev.uvm.hcs.schema.Devices;
import dev.uvm.hcs.schema.HvSocket;
import dev.uvm.hcs.schema.HvSocketServiceConfig;
import dev.uvm.hcs.schema.HvSocketSystemConfig;
import dev.uvm.hcs.schema.LinuxKernelDirect;
import dev.uvm.hcs.schema.Plan9;
import dev.uvm.hcs.schema.Plan9Share;
import dev.uvm.hcs.schema.SchemaVersion;
import dev.uvm.hcs.schema.Scsi;
import dev.uvm.hcs.schema.ScsiAttachment;
import dev.uvm.hcs.schema.Topology;
import dev.uvm.hcs.schema.VirtualMachine;
import dev.uvm.hcs.schema.VirtualMachineMemory;
import dev.uvm.hcs.schema.VirtualMachineProcessor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Turns a {@link LinuxUtilityVmSpec} into the HcsCreateComputeSystem document, following what WSL
 * sends: schema 2.3, StopOnReset, UTC clock, overcommitted memory with deferred commit and cold
 * discard hints (so an idle VM gives memory back), hvsocket for SYSTEM and Administrators with the
 * spec's services in the ServiceTable, the spec's disks on SCSI controller "0" (as WSL attaches its
 * ext4.vhdx), and a Plan9 device. No GuestConnection, so Start does not wait for a GCS agent in the guest.
 */
final class UtilityVmDocument {

    static final String OWNER = "uvm";

    private UtilityVmDocument() {
    }

    static ComputeSystemConfig build(LinuxUtilityVmSpec spec) {
        VirtualMachine vm = new VirtualMachine(
                /* stopOnReset= */ true,
                new Chipset(/* useUtc= */ true,
                        new LinuxKernelDirect(spec.kernelPath(), spec.initrdPath(), spec.kernelCommandLine())),
                new Topology(
                        new VirtualMachineMemory(evenMegabytes(spec.memoryMb()), true, true, true),
                        new VirtualMachineProcessor(spec.processorCount())),
                new Devices(
                        spec.consolePipe() == null ? null : Map.of("0", new ComPort(spec.consolePipe(), null)),
                        scsi(spec.scsiDisks()),
                        new HvSocket(new HvSocketSystemConfig(HvSocketSystemConfig.SYSTEM_AND_ADMINISTRATORS,
                                HvSocketSystemConfig.SYSTEM_AND_ADMINISTRATORS, serviceTable(spec.hvSocketServices()))),
                        spec.plan9Share() == null ? Plan9.empty() : new Plan9(List.of(share(spec.plan9Share())))));
        return new ComputeSystemConfig(OWNER, SchemaVersion.V2_3, null, vm, spec.terminateOnLastHandleClosed());
    }

    /** Controller "0" with the disks at LUN 0, 1, ...; null (no controller) without disks. */
    static Map<String, Scsi> scsi(List<ScsiDiskSpec> disks) {
        if (disks.isEmpty()) {
            return null;
        }
        Map<String, ScsiAttachment> attachments = new LinkedHashMap<>();
        for (ScsiDiskSpec disk : disks) {
            attachments.put(Integer.toString(attachments.size()), new ScsiAttachment(ScsiAttachment.VIRTUAL_DISK,
                    disk.path(), disk.readOnly(), disk.sparse() ? Boolean.TRUE : null));
        }
        return Map.of("0", new Scsi(attachments));
    }

    /** SYSTEM and Administrators may bind and connect each service; null without services. */
    static Map<String, HvSocketServiceConfig> serviceTable(List<UUID> services) {
        if (services.isEmpty()) {
            return null;
        }
        Map<String, HvSocketServiceConfig> table = new LinkedHashMap<>();
        for (UUID service : services) {
            table.put(service.toString().toUpperCase(Locale.ROOT), new HvSocketServiceConfig(
                    HvSocketSystemConfig.SYSTEM_AND_ADMINISTRATORS, HvSocketSystemConfig.SYSTEM_AND_ADMINISTRATORS,
                    false));
        }
        return table;
    }

    static Plan9Share share(Plan9ShareSpec share) {
        return new Plan9Share(share.name(), share.name(), share.hostPath(), share.port(),
                share.readOnly() ? Plan9Share.READ_ONLY : 0, null);
    }

    /** HCS assigns memory in 2 MiB units. */
    static long evenMegabytes(long memoryMb) {
        return memoryMb + (memoryMb & 1);
    }
}
