package dev.uvm.hcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uvm.hcs.schema.HcsJson;
import dev.uvm.hcs.testing.DoubleControl;
import dev.uvm.hcs.testing.NoLeaks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scheduler-facing facade against the double. */
@ExtendWith(NoLeaks.class)
class UtilityVmTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DoubleControl control = DoubleControl.get();

    private static LinuxUtilityVmSpec.Builder spec() {
        return LinuxUtilityVmSpec.builder()
                .kernel("C:\\ProgramData\\uvm\\vmlinux")
                .initrd("C:\\ProgramData\\uvm\\initrd.img")
                .commandLine("console=ttyS0 panic=-1 quiet")
                .memoryMb(1024)
                .processors(2);
    }

    @Test
    void lifecycle_startStatisticsShutdown_exitsGracefully() throws Exception {
        CompletableFuture<ExitEvent> heard = new CompletableFuture<>();
        try (UtilityVm vm = UtilityVm.create("uvm-facade", spec().build())) {
            vm.onExit(heard::complete);
            vm.start(WAIT);
            control.workingSetBytes("uvm-facade", 300L << 20);

            VmStatistics statistics = vm.statistics();
            boolean exited = vm.shutdown(WAIT);

            assertEquals(1024L << 20, statistics.memoryCommitBytes());
            assertEquals(300L << 20, statistics.privateWorkingSetBytes());
            assertFalse(statistics.uptime().isNegative());
            assertTrue(exited);
            assertEquals(ExitEvent.Reason.GRACEFUL, heard.get(10, TimeUnit.SECONDS).reason());
        }
    }

    @Test
    void shutdown_guestIgnoresIt_returnsFalse_thenTerminateGivesForcedExit() {
        control.ignoreShutdown(true);
        try (UtilityVm vm = UtilityVm.create("uvm-stubborn", spec().build())) {
            vm.start(WAIT);

            assertFalse(vm.shutdown(Duration.ofMillis(50)));
            vm.terminate(WAIT);

            assertTrue(vm.hasExited());
            assertEquals(ExitEvent.Reason.FORCED, vm.awaitExit(Duration.ZERO).orElseThrow().reason());
            vm.terminate(WAIT); // terminating a stopped VM is success
        }
    }

    @Test
    void terminate_neverStartedVm_exits() {
        try (UtilityVm vm = UtilityVm.create("uvm-unstarted", spec().build())) {
            vm.terminate(WAIT);

            assertTrue(vm.hasExited());
        }
    }

    @Test
    void statistics_stoppedVm_omittedCountersReadAsZero() {
        try (UtilityVm vm = UtilityVm.create("uvm-stats-stopped", spec().build())) {
            vm.start(WAIT);
            vm.terminate(WAIT);

            VmStatistics statistics = vm.statistics();

            assertEquals(0, statistics.memoryCommitBytes());
            assertEquals(Duration.ZERO, statistics.uptime());
        }
    }

    @Test
    void nonAsciiIdAndPaths_travelAsUtf16Unchanged() throws Exception {
        String id = "uvm-Łódź-日本-\uD83D\uDE00";
        String kernel = "C:\\Users\\Zoë\\虚拟机\\vmlinux";
        String share = "D:\\Données\\ソース";
        try (UtilityVm vm = UtilityVm.create(id, spec().kernel(kernel)
                .plan9Share(Plan9ShareSpec.of("src", share, true)).build())) {
            JsonNode config = HcsJson.mapper().readTree(control.configuration(id));

            assertEquals(kernel, config.at("/VirtualMachine/Chipset/LinuxKernelDirect/KernelFilePath").asText());
            assertEquals(share, config.at("/VirtualMachine/Devices/Plan9/Shares/0/Path").asText());
            assertEquals(id, vm.system().properties(null, WAIT).id());
            assertEquals(id, ComputeSystem.enumerate(null, WAIT).get(0).id());
        }
    }

    @Test
    void addPlan9Share_runningVm_attachesShare() {
        try (UtilityVm vm = UtilityVm.create("uvm-9p", spec().plan9Share(Plan9ShareSpec.of("a", "C:\\a", false)).build())) {
            vm.start(WAIT);

            vm.addPlan9Share(Plan9ShareSpec.of("b", "C:\\b", true), WAIT);

            assertEquals(2, control.plan9Shares("uvm-9p"));
            vm.terminate(WAIT);
        }
    }

    @Test
    void close_runningVm_terminatesItBecauseOfLastHandle() {
        UtilityVm vm = UtilityVm.create("uvm-close", spec().build());
        vm.start(WAIT);

        vm.close();

        assertEquals(0, control.systemCount());
    }

    @Test
    void manyVms_inParallel_leaveNoHandlesOrDocuments() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ExitEvent.Reason>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String id = "uvm-parallel-" + i;
                boolean graceful = i % 2 == 0;
                results.add(pool.submit(() -> {
                    try (UtilityVm vm = UtilityVm.create(id, spec().build())) {
                        vm.start(WAIT);
                        vm.statistics();
                        if (!graceful || !vm.shutdown(WAIT)) {
                            vm.terminate(WAIT);
                        }
                        return vm.awaitExit(WAIT).orElseThrow().reason();
                    }
                }));
            }
            for (int i = 0; i < results.size(); i++) {
                assertEquals(i % 2 == 0 ? ExitEvent.Reason.GRACEFUL : ExitEvent.Reason.FORCED,
                        results.get(i).get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, control.systemCount());
    }
}
