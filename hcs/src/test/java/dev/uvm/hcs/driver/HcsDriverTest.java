package dev.uvm.hcs.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uvm.config.HostShare;
import dev.uvm.config.VmConfig;
import dev.uvm.hcs.LinuxUtilityVmSpec;
import dev.uvm.hcs.UtilityVm;
import dev.uvm.hcs.testing.DoubleControl;
import dev.uvm.hcs.testing.NoLeaks;
import dev.uvm.vm.BootException;
import dev.uvm.vm.RunningVm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Booting through HcsDriver on the computecore double: the document it sends, and every way a boot fails. */
@ExtendWith(NoLeaks.class)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "runs against the Linux build of the computecore double")
class HcsDriverTest {
    private static final String ID = "uvm-default";
    private static final long BOOT = 20_000;

    @TempDir
    Path tmp;
    private final DoubleControl control = DoubleControl.get();
    private final List<RunningVm> booted = new ArrayList<>();
    private Path image;
    private FakeGuests guests;
    private HcsDriver driver;

    @BeforeEach
    void setUp() throws Exception {
        image = TestVms.image(tmp.resolve("image"));
        guests = FakeGuests.overHvSocket(tmp);
        driver = new HcsDriver(image, tmp.resolve("disks"), guests);
    }

    @AfterEach
    void killEverythingBooted() {
        booted.forEach(RunningVm::kill);
    }

    private RunningVm boot(VmConfig config) throws BootException {
        RunningVm vm = driver.boot(config);
        booted.add(vm);
        return vm;
    }

    private JsonNode document() throws Exception {
        return new ObjectMapper().readTree(control.configuration(ID));
    }

    @Test
    void boot_agentSaysReady_oneCreateAndStart_pidZero_timingsInOrder() throws Exception {
        RunningVm vm = boot(TestVms.config(60_000, BOOT, 10_000));

        assertEquals(List.of("HcsGrantVmAccess", "HcsGrantVmAccess", "HcsGrantVmAccess", "HcsCreateComputeSystem",
                "HcsGetComputeSystemProperties", "HcsStartComputeSystem"), control.calls(ID),
                "access to kernel, initrd and data disk, create, the RuntimeId for the hvsocket listener, then start");
        assertEquals(0, vm.vmmPid());
        assertTrue(vm.agent().ready().isDone());
        assertTrue(vm.timings().vmmUpNanos() <= vm.timings().kernelStartNanos());
        assertTrue(vm.timings().kernelStartNanos() <= vm.timings().readyNanos());
        assertEquals("hcs", driver.name());
        assertTrue(driver.describe().contains("computecore_double"), driver.describe());
    }

    @Test
    void boot_projectImage_documentHasImageKernelCmdlineMemoryProcessorsAndTerminateOnLastHandleClosed()
            throws Exception {
        boot(TestVms.config(60_000, BOOT, 10_000));

        JsonNode doc = document();
        JsonNode kernel = doc.at("/VirtualMachine/Chipset/LinuxKernelDirect");
        assertEquals(image.resolve("vmlinux").toString(), kernel.get("KernelFilePath").asText());
        assertEquals(image.resolve("initramfs.cpio").toString(), kernel.get("InitRdPath").asText());
        assertEquals(HcsDriver.BASE_CMDLINE + " uvm.data.new " + TestVms.IMAGE_CMDLINE + " uvm.debug",
                kernel.get("KernelCmdLine").asText(), "the first boot formats its new data disk");
        assertEquals(512, doc.at("/VirtualMachine/ComputeTopology/Memory/SizeInMB").asLong());
        assertEquals(2, doc.at("/VirtualMachine/ComputeTopology/Processor/Count").asInt());
        assertTrue(doc.get("ShouldTerminateOnLastHandleClosed").asBoolean());
        assertEquals(0, control.plan9Shares(ID));
    }

    @Test
    void boot_configuredKernel_usesItWithoutTheImageCmdline_andRoundsMemoryUpToMiB() throws Exception {
        Path kernel = Files.writeString(tmp.resolve("my-kernel"), "k");
        Path initrd = Files.writeString(tmp.resolve("my-initrd"), "i");
        boot(TestVms.withKernel(TestVms.config(60_000, BOOT, 10_000), kernel, initrd, 300 * TestVms.MIB + 1));

        JsonNode doc = document();
        assertEquals(kernel.toString(), doc.at("/VirtualMachine/Chipset/LinuxKernelDirect/KernelFilePath").asText());
        assertEquals(HcsDriver.BASE_CMDLINE + " uvm.data.new uvm.debug",
                doc.at("/VirtualMachine/Chipset/LinuxKernelDirect/KernelCmdLine").asText());
        assertEquals(302, doc.at("/VirtualMachine/ComputeTopology/Memory/SizeInMB").asLong()); // 301, even
    }

    @Test
    void boot_hostShare_attachesAReadOnlyPlan9Share() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        boot(TestVms.withShare(TestVms.config(60_000, BOOT, 10_000), new HostShare(shared, "/mnt/host", true)));

        JsonNode share = document().at("/VirtualMachine/Devices/Plan9/Shares/0");
        assertEquals(1, control.plan9Shares(ID));
        assertEquals(HcsDriver.SHARE_NAME, share.get("Name").asText());
        assertEquals(shared.toString(), share.get("Path").asText());
        assertEquals(1, share.get("Flags").asInt() & 1, "read-only flag");
    }

    @Test
    void boot_imageWithoutKernel_failsBeforeAnyHcsCall() throws Exception {
        Files.delete(image.resolve("vmlinux"));

        BootException e = assertThrows(BootException.class, () -> boot(TestVms.config(60_000, BOOT, 10_000)));

        assertTrue(e.getMessage().contains("kernel file " + image.resolve("vmlinux") + " does not exist"), e.getMessage());
        assertEquals(List.of(), control.calls());
    }

    @Test
    void boot_createRejected_bootExceptionNamesExportAndHresult() throws Exception {
        try (UtilityVm squatter = UtilityVm.create(ID, LinuxUtilityVmSpec.builder().kernel("C:\\k").build())) {
            BootException e = assertThrows(BootException.class, () -> boot(TestVms.config(60_000, BOOT, 10_000)));

            assertTrue(e.getMessage().startsWith("VM default failed to boot: HcsCreateComputeSystem"), e.getMessage());
            assertTrue(e.getMessage().contains("HCS_E_SYSTEM_ALREADY_EXISTS"), e.getMessage());
            assertFalse(squatter.hasExited(), "the other system is left alone");
        }
    }

    @Test
    void boot_startRejected_bootExceptionNamesExportAndHresult_systemClosed() {
        guests.boot = FakeGuests.Boot.STOPPED_BEFORE_START;

        BootException e = assertThrows(BootException.class, () -> boot(TestVms.config(60_000, BOOT, 10_000)));

        assertTrue(e.getMessage().contains("HcsStartComputeSystem (system uvm-default) failed: "
                + "HCS_E_INVALID_STATE"), e.getMessage()); // what the double answers for a stopped system
        assertEquals("HcsCloseComputeSystem", last(control.calls(ID)));
        assertEquals(0, control.systemCount());
    }

    @Test
    void boot_agentNeverConnects_failsAtBootTimeout_thenTerminatesAndClosesTheSystem() {
        guests.boot = FakeGuests.Boot.NEVER_CONNECTS;

        BootException e = assertThrows(BootException.class, () -> boot(TestVms.config(60_000, 300, 10_000)));

        assertTrue(e.getMessage().contains("the guest agent did not connect"), e.getMessage());
        assertTrue(e.getMessage().contains("300 ms (bootTimeout)"), e.getMessage());
        assertEquals(List.of("HcsGrantVmAccess", "HcsGrantVmAccess", "HcsGrantVmAccess", "HcsCreateComputeSystem",
                "HcsGetComputeSystemProperties", "HcsStartComputeSystem", "HcsTerminateComputeSystem",
                "HcsCloseComputeSystem"), control.calls(ID));
        assertEquals(0, control.systemCount());
        assertFalse(Files.exists(tmp.resolve("run/default/agent.sock")), "listener socket removed");
    }

    @Test
    void boot_guestCrashesBeforeAgentConnects_failsAtOnceNamingUnexpectedExit() {
        guests.boot = FakeGuests.Boot.CRASHES;

        BootException e = assertThrows(BootException.class, () -> boot(TestVms.config(60_000, 600_000, 10_000)));

        assertTrue(e.getMessage().contains("the VM stopped before its guest agent connected"), e.getMessage());
        assertTrue(e.getMessage().contains("UnexpectedExit"), e.getMessage());
        assertEquals("HcsCloseComputeSystem", last(control.calls(ID)));
    }

    @Test
    void boot_firstBoot_createsASparseVhdx_attachedAtScsiLunZero_grantedToTheVm() throws Exception {
        boot(TestVms.config(60_000, BOOT, 10_000));

        Path disk = tmp.resolve("disks/default.vhdx");
        List<String> vhdx = Files.readAllLines(disk);
        assertEquals("vhdxfile", vhdx.get(0), "a VHDX made by CreateVirtualDisk");
        assertEquals("uvm-double size=" + TestVms.config(60_000, BOOT, 10_000).diskBytes() + " block=1048576 sparse=1",
                vhdx.get(1));
        JsonNode attachment = document().at("/VirtualMachine/Devices/Scsi/0/Attachments/0");
        assertEquals("VirtualDisk", attachment.get("Type").asText());
        assertEquals(disk.toString(), attachment.get("Path").asText());
        assertEquals(false, attachment.get("ReadOnly").asBoolean());
        assertEquals(true, attachment.get("AlwaysAllowSparseFiles").asBoolean());
        assertEquals(0, control.openDiskHandles(), "CreateVirtualDisk's handle closed");
    }

    @Test
    void boot_secondBoot_keepsTheDisk_andDoesNotAskTheGuestToFormatIt() throws Exception {
        RunningVm first = boot(TestVms.config(60_000, BOOT, 10_000));
        Path disk = tmp.resolve("disks/default.vhdx");
        Files.writeString(disk, "\nthe distributions", java.nio.file.StandardOpenOption.APPEND);
        first.kill();

        boot(TestVms.config(60_000, BOOT, 10_000));

        assertTrue(Files.readString(disk).endsWith("the distributions"), "the same file, not a new one");
        assertFalse(document().at("/VirtualMachine/Chipset/LinuxKernelDirect/KernelCmdLine").asText()
                .contains("uvm.data.new"));
    }

    @Test
    void boot_afterAFirstBootThatNeverReachedTheAgent_stillAsksTheGuestToFormatTheDisk() throws Exception {
        guests.boot = FakeGuests.Boot.CRASHES;
        assertThrows(BootException.class, () -> boot(TestVms.config(60_000, BOOT, 10_000)));
        assertTrue(Files.exists(tmp.resolve("disks/default.vhdx")), "the disk was made by the failed boot");
        guests.boot = FakeGuests.Boot.AGENT;

        RunningVm second = boot(TestVms.config(60_000, BOOT, 10_000));
        assertTrue(document().at("/VirtualMachine/Chipset/LinuxKernelDirect/KernelCmdLine").asText()
                .contains("uvm.data.new"), "the guest never saw the blank disk: it is still to format it");
        second.kill();

        boot(TestVms.config(60_000, BOOT, 10_000));
        assertFalse(document().at("/VirtualMachine/Chipset/LinuxKernelDirect/KernelCmdLine").asText()
                .contains("uvm.data.new"), "a boot reached the agent: the disk is formatted");
    }

    @Test
    void boot_documentLetsTheHostBindTheAgentService_forSystemAndAdministratorsOnly() throws Exception {
        boot(TestVms.config(60_000, BOOT, 10_000));

        JsonNode service = document().at("/VirtualMachine/Devices/HvSocket/HvSocketConfig/ServiceTable")
                .get("0000C3B5-FACB-11E6-BD58-64006A7986D3");
        assertEquals("D:P(A;;FA;;;SY)(A;;FA;;;BA)", service.get("BindSecurityDescriptor").asText());
        assertEquals("D:P(A;;FA;;;SY)(A;;FA;;;BA)", service.get("ConnectSecurityDescriptor").asText());
        assertEquals(false, service.get("AllowWildcardBinds").asBoolean());
    }

    @Test
    void boot_dataDiskCannotBeCreated_failsNamingTheFile_beforeAnySystemExists() throws Exception {
        Files.writeString(tmp.resolve("disks"), "a file where the disks folder should be");

        BootException e = assertThrows(BootException.class, () -> boot(TestVms.config(60_000, BOOT, 10_000)));

        assertTrue(e.getMessage().contains("cannot create the data disk " + tmp.resolve("disks/default.vhdx")),
                e.getMessage());
        assertEquals(List.of(), control.calls(ID));
    }

    private static String last(List<String> calls) {
        return calls.get(calls.size() - 1);
    }
}
