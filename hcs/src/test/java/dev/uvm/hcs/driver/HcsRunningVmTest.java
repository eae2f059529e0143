package dev.uvm.hcs.driver;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.hcs.testing.DoubleControl;
import dev.uvm.hcs.testing.NoLeaks;
import dev.uvm.vm.RunningVm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A booted HCS VM on the double: sessions, figures, and the three ways it ends. */
@ExtendWith(NoLeaks.class)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "runs against the Linux build of the computecore double")
class HcsRunningVmTest {
    private static final String ID = "uvm-default";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private final DoubleControl control = DoubleControl.get();
    private FakeGuests guests;
    private RunningVm vm;

    @BeforeEach
    void boot() throws Exception {
        guests = FakeGuests.overUnixSocket(tmp.resolve("run"));
    }

    private RunningVm start() throws Exception {
        vm = new HcsDriver(TestVms.image(tmp.resolve("image")), tmp.resolve("disks"), guests).boot(TestVms.config(60_000, 20_000, 10_000));
        return vm;
    }

    @AfterEach
    void killIt() {
        if (vm != null) {
            vm.kill();
        }
    }

    private void awaitExited() {
        await().atMost(WAIT).until(() -> vm.exited().isDone());
    }

    @Test
    void agent_runsSessionCommandsOverTheAcceptedConnection() throws Exception {
        start();

        GuestCommand echo = GuestCommand.run(vm.agent(), "echo", "hello", "from", "hcs");
        GuestCommand missing = GuestCommand.run(vm.agent(), "no-such-command");

        assertEquals(0, echo.status());
        assertEquals("hello from hcs\n", echo.stdout());
        assertEquals(127, missing.status());
        assertTrue(missing.stderr().contains("no-such-command: No such file or directory"), missing.stderr());
    }

    @Test
    void hostResidentBytes_isThePrivateWorkingSetFromStatistics_andGuestStatsComeFromTheAgent() throws Exception {
        start();
        control.workingSetBytes(ID, 123L << 20);

        long resident = vm.hostResidentBytes();
        Map<String, Long> guest = vm.guestStats();

        assertEquals(123L << 20, resident);
        assertEquals(536_870_912L, guest.get("mem_total"));
        assertEquals(450_000_000L, guest.get("mem_available"));
    }

    @Test
    void requestPowerOff_sendsPoweroffToTheAgentAndShutsDown_exitedNamesGracefulExit() throws Exception {
        start();

        vm.requestPowerOff();
        awaitExited();

        assertEquals(1, guests.lastAgent().powerOffsReceived.get());
        assertTrue(vm.exited().join().contains("GracefulExit"), vm.exited().join());
        List<String> calls = control.calls(ID);
        assertTrue(calls.contains("HcsShutDownComputeSystem"), calls.toString());
        assertEquals("HcsCloseComputeSystem", calls.get(calls.size() - 1));
        assertEquals(-1, vm.hostResidentBytes());
    }

    @Test
    void kill_terminatesAndReturnsOnceTheExitIsHandled_exitedNamesForcedExit() throws Exception {
        start();

        vm.kill();

        assertTrue(vm.exited().isDone());
        assertTrue(vm.exited().join().contains("ForcedExit"), vm.exited().join());
        List<String> calls = control.calls(ID);
        assertEquals(List.of("HcsCreateComputeSystem", "HcsStartComputeSystem", "HcsTerminateComputeSystem",
                "HcsCloseComputeSystem"), calls.subList(calls.indexOf("HcsCreateComputeSystem"), calls.size()));
        vm.kill(); // a stopped VM: nothing to do
    }

    @Test
    void powerOffIgnored_killAfterwards_shutdownThenTerminate_exitedNamesForcedExit() throws Exception {
        control.ignoreShutdown(true);
        guests.ignorePowerOff = true;
        start();

        vm.requestPowerOff();
        await().atMost(WAIT).until(() -> control.calls(ID).contains("HcsShutDownComputeSystem"));
        vm.kill();
        awaitExited();

        List<String> calls = control.calls(ID);
        assertTrue(calls.indexOf("HcsShutDownComputeSystem") < calls.indexOf("HcsTerminateComputeSystem"),
                calls.toString());
        assertEquals("HcsCloseComputeSystem", calls.get(calls.size() - 1));
        assertTrue(vm.exited().join().contains("ForcedExit"), vm.exited().join());
    }

    @Test
    void guestCrash_exitedNamesUnexpectedExit_andTheAgentConnectionCloses() throws Exception {
        start();

        control.crash(ID);
        awaitExited();

        assertTrue(vm.exited().join().contains("UnexpectedExit"), vm.exited().join());
        await().atMost(WAIT).until(() -> vm.agent().closedFuture().isDone());
    }
}
