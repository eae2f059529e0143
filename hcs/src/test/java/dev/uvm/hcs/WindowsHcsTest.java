package dev.uvm.hcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uvm.hcs.schema.Properties;
import dev.uvm.hcs.schema.SystemQuery;
import dev.uvm.hcs.schema.SystemState;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The binding against the real computecore.dll. Needs Windows 10 2004 / Server 2022 or later on
 * x64 with Hyper-V (or Virtual Machine Platform), run as an administrator or a member of
 * "Hyper-V Administrators". Tests that boot a VM also need a Linux kernel and initrd, given as
 * {@code -Duvm.hcs.test.kernel=C:\...\vmlinux -Duvm.hcs.test.initrd=C:\...\initrd.img}, in a
 * directory the VM worker can read. See README.md.
 */
@Tag("windows")
@EnabledOnOs(value = OS.WINDOWS, disabledReason = "needs Windows with Hyper-V and the Host Compute Service (computecore.dll)")
class WindowsHcsTest {

    private static final Duration WAIT = Duration.ofMinutes(2);

    private static String id() {
        return "uvm-test-" + UUID.randomUUID();
    }

    private static LinuxUtilityVmSpec bootableSpec() {
        String kernel = System.getProperty("uvm.hcs.test.kernel");
        String initrd = System.getProperty("uvm.hcs.test.initrd");
        assumeTrue(kernel != null && initrd != null,
                "set -Duvm.hcs.test.kernel and -Duvm.hcs.test.initrd to boot a Linux utility VM");
        return LinuxUtilityVmSpec.builder().kernel(kernel).initrd(initrd)
                .commandLine("panic=-1 quiet").memoryMb(512).processors(1).build();
    }

    @Test
    void enumerate_realService_answers() {
        assertTrue(ComputeSystem.enumerate(null, WAIT).size() >= 0);
    }

    @Test
    void open_unknownId_isNotFound() {
        HcsException e = assertThrows(HcsException.class, () -> ComputeSystem.open(id(), WAIT));

        assertTrue(e.isNotFound(), e.getMessage());
    }

    @Test
    void create_malformedJson_isInvalidJson() {
        HcsException e = assertThrows(HcsException.class, () -> ComputeSystem.create(id(), "{\"VirtualMachine\":", WAIT));

        assertTrue(e.isInvalidJson(), e.getMessage());
    }

    @Test
    void utilityVm_createStartStatisticsTerminate() {
        String id = id();
        try (UtilityVm vm = UtilityVm.create(id, bootableSpec())) {
            vm.start(WAIT);
            Properties properties = vm.system().properties(null, WAIT);
            assertEquals(SystemState.RUNNING, properties.state());
            assertEquals(id, properties.id());
            assertFalse(ComputeSystem.enumerate(SystemQuery.ids(id), WAIT).isEmpty());

            VmStatistics statistics = vm.statistics();
            assertFalse(statistics.uptime().isNegative());

            vm.terminate(WAIT);
            assertTrue(vm.hasExited());
            assertEquals(ExitEvent.Reason.FORCED, vm.awaitExit(Duration.ZERO).orElseThrow().reason());
            vm.terminate(WAIT); // already stopped: still success
        }
    }

    @Test
    void utilityVm_closeWithTerminateOnLastHandle_removesIt() {
        String id = id();
        UtilityVm vm = UtilityVm.create(id, bootableSpec());
        vm.start(WAIT);

        vm.close();

        HcsException e = assertThrows(HcsException.class, () -> ComputeSystem.open(id, WAIT).close());
        assertTrue(e.isNotFound(), e.getMessage());
    }
}
