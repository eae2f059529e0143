package dev.uvm.hcs.driver;

import dev.uvm.config.HostShare;
import dev.uvm.config.VmConfig;
import dev.uvm.hcs.ComputeSystem;
import dev.uvm.hcs.HcsLibrary;
import dev.uvm.hcs.HcsUnavailableException;
import dev.uvm.hcs.LinuxUtilityVmSpec;
import dev.uvm.hcs.Plan9ShareSpec;
import dev.uvm.hcs.ScsiDiskSpec;
import dev.uvm.vm.BootException;
import dev.uvm.vm.BootKernel;
import dev.uvm.vm.GuestImage;
import dev.uvm.vm.RunningVm;
import dev.uvm.vm.VmDriver;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots Linux utility VMs through the Host Compute Service (computecore.dll), as WSL 2 does; a VM
 * is ready when its guest agent has connected over the {@link AgentTransport} and sent READY.
 *
 * <p>Each VM is the compute system {@code uvm-<name>}: LinuxKernelDirect with the project's guest
 * image (or the configured kernel and initrd), the configured memory and processors,
 * ShouldTerminateOnLastHandleClosed (so a crashed daemon leaks no VM), and a Plan9 share when
 * {@code hostShare} is set.
 */
public final class HcsDriver implements VmDriver {
    /**
     * Kernel parameters every HCS guest gets, before the image's and the config's: {@code uvm.agent=vsock}
     * makes the agent connect over AF_VSOCK at once (there is no virtio-serial port to look for) and
     * the guest's init load the Hyper-V drivers (VMBus, hvsocket, SCSI) that Debian's kernel has as modules.
     */
    static final String BASE_CMDLINE = "quiet panic=-1 uvm.agent=vsock";
    /** The Plan9 share name (the guest's {@code aname}) of {@code hostShare}. */
    static final String SHARE_NAME = "uvmshare";
    private static final long MIB = 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(HcsDriver.class);

    private final GuestImage image;
    private final Path disksDir;
    private final AgentTransport transport;

    /**
     * @param imageDir  the guest image folder ({@code vmlinux*}, {@code initramfs*}, {@code cmdline}),
     *                  used when the config names no kernel or initrd
     * @param disksDir  where the VMs' data disks are ({@code <stateDir>/disks})
     * @param transport how guest agents reach the host: {@link HvSocketAgentTransport} on Windows,
     *                  {@link UnixSocketAgentTransport} against a computecore library on Linux
     */
    public HcsDriver(Path imageDir, Path disksDir, AgentTransport transport) {
        this.image = new GuestImage(imageDir);
        this.disksDir = disksDir;
        this.transport = transport;
    }

    /** The compute system id of the VM with this configured name. */
    public static String systemId(String vmName) {
        return "uvm-" + vmName;
    }

    @Override
    public String name() {
        return "hcs";
    }

    @Override
    public String describe() {
        try {
            return "computecore library " + HcsLibrary.get().name() + "; guest agent over " + transport.describe();
        } catch (HcsUnavailableException e) {
            return "unavailable: " + e.getMessage();
        }
    }

    @Override
    public RunningVm boot(VmConfig config) throws BootException {
        Path disk = HcsDataDisk.of(disksDir, config.name());
        boolean newDisk = HcsDataDisk.prepare(disk, config.diskBytes());
        LinuxUtilityVmSpec spec = spec(config, disk, newDisk);
        grantAccess(systemId(config.name()), spec, disk);
        HcsRunningVm vm = new HcsBoot(config, systemId(config.name()), spec, transport).run();
        if (newDisk) {
            HcsDataDisk.formatted(disk);
        }
        log.info("VM {}: HCS system {} ready (created and started in {} ms, agent ready {} ms)", config.name(),
                systemId(config.name()), vm.timings().vmmUpNanos() / 1_000_000,
                vm.timings().readyNanos() / 1_000_000);
        return vm;
    }

    /**
     * Saving is not wired: the binding declares HcsSaveComputeSystem, but a restore means creating
     * the compute system again from the saved state (RestoreState in its document), which neither
     * the binding nor its test double support yet. {@code idleAction = suspend} shuts down instead.
     */
    @Override
    public String suspendUnsupported(VmConfig config) {
        return "the HCS backend cannot save and restore VMs yet (see hcs/README.md)";
    }

    @Override
    public String guestKernel() {
        return image.summary(false);
    }

    /**
     * The VM's worker process runs as a per-VM account, which must be able to open the boot files
     * and the data disk (on Windows, start fails with E_ACCESSDENIED otherwise).
     */
    private static void grantAccess(String systemId, LinuxUtilityVmSpec spec, Path disk) throws BootException {
        try {
            ComputeSystem.grantVmAccess(systemId, spec.kernelPath());
            if (spec.initrdPath() != null) {
                ComputeSystem.grantVmAccess(systemId, spec.initrdPath());
            }
            ComputeSystem.grantVmAccess(systemId, disk.toString());
        } catch (RuntimeException e) {
            throw new BootException("cannot let VM " + systemId + " open its files: " + e.getMessage(), e);
        }
    }

    /** The utility VM a config asks for, with its data disk (new: blank, for the guest to format). */
    LinuxUtilityVmSpec spec(VmConfig config, Path dataDisk, boolean newDisk) throws BootException {
        BootKernel bootKernel = image.kernel(config, false);
        Path kernel = bootKernel.file();
        Path initrd = image.initrd(config, bootKernel);
        String cmdline = image.cmdline(config);
        LinuxUtilityVmSpec.Builder spec = LinuxUtilityVmSpec.builder()
                .kernel(kernel.toString())
                .initrd(initrd.toString())
                .commandLine((BASE_CMDLINE + (newDisk ? " " + HcsDataDisk.NEW_DISK_PARAMETER : "") + " "
                        + cmdline.strip()).strip())
                .memoryMb(Math.max(1, (config.memoryBytes() + MIB - 1) / MIB))
                .processors(config.processors())
                .terminateOnLastHandleClosed(true)
                .hvSocketService(HvSocketAgentTransport.AGENT_SERVICE)
                .scsiDisk(new ScsiDiskSpec(dataDisk.toString(), false, true));
        HostShare share = config.hostShare();
        if (share != null) {
            spec.plan9Share(Plan9ShareSpec.of(SHARE_NAME, share.hostPath().toString(), share.readOnly()));
        }
        return spec.build();
    }
}
