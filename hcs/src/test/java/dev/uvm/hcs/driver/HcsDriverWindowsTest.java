package dev.uvm.hcs.driver;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uvm.config.GuestKernel;
import dev.uvm.config.IdleAction;
import dev.uvm.config.MemoryReclaim;
import dev.uvm.config.VmConfig;
import dev.uvm.hcs.ComputeSystem;
import dev.uvm.hcs.schema.SystemQuery;
import dev.uvm.vm.BootException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * HcsDriver against the real computecore.dll. Until the hvsocket listener exists, a boot on Windows
 * must fail saying so, and must leave no compute system behind. Needs Hyper-V, an elevated shell (or
 * "Hyper-V Administrators") and a kernel and initrd: {@code -Duvm.hcs.test.kernel=...
 * -Duvm.hcs.test.initrd=...}, as for hcs-binding's WindowsHcsTest.
 */
@Tag("windows")
@EnabledOnOs(value = OS.WINDOWS, disabledReason = "needs Windows with Hyper-V and the Host Compute Service (computecore.dll)")
class HcsDriverWindowsTest {

    @Test
    void boot_withTheHvSocketTransport_failsNamingTheMissingListener_andLeavesNoSystem() {
        String kernel = System.getProperty("uvm.hcs.test.kernel");
        String initrd = System.getProperty("uvm.hcs.test.initrd");
        assumeTrue(kernel != null && initrd != null, "set uvm.hcs.test.kernel and uvm.hcs.test.initrd");
        String name = "windows-test-" + UUID.randomUUID().toString().substring(0, 8);
        VmConfig config = new VmConfig(name, 512L << 20, 1, GuestKernel.file(Path.of(kernel)), Path.of(initrd), "", 60_000, 60_000,
                30_000, 0, MemoryReclaim.DISABLED, null, VmConfig.DEFAULT_RECLAIM_IDLE_CPU_PERCENT, VmConfig.DEFAULT_RECLAIM_IDLE_WINDOW_MILLIS, IdleAction.SHUTDOWN, List.of(), List.of(), VmConfig.DEFAULT_DISK_BYTES);
        HcsDriver driver = new HcsDriver(Path.of("unused-image-folder"), Path.of("unused-disks"), new HvSocketAgentTransport());

        BootException e = assertThrows(BootException.class, () -> driver.boot(config));

        assertTrue(e.getMessage().contains("hvsocket guest agent listener is not implemented"), e.getMessage());
        assertTrue(ComputeSystem.enumerate(SystemQuery.ids(HcsDriver.systemId(name)), Duration.ofSeconds(30))
                .isEmpty(), "the compute system of the failed boot is gone");
    }
}
