package dev.uvm.hcs.driver;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.config.DaemonConfig;
import dev.uvm.config.UvmConfig;
import dev.uvm.config.VmConfig;
import dev.uvm.core.lifecycle.LifecycleListener;
import dev.uvm.core.lifecycle.QuartzTimers;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.Session;
import dev.uvm.core.lifecycle.StopReason;
import dev.uvm.core.lifecycle.ThreadEventLoop;
import dev.uvm.core.lifecycle.VmState;
import dev.uvm.core.lifecycle.VmStatus;
import dev.uvm.hcs.testing.DoubleControl;
import dev.uvm.hcs.testing.NoLeaks;
import dev.uvm.vm.RunningVm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's real lifecycle (event loop thread, worker pool, Quartz timers, short real timeouts)
 * driving HcsDriver on the computecore double, with fake guest agents. Nothing here asserts a
 * duration: waits are Awaitility's, bounded generously.
 */
@ExtendWith(NoLeaks.class)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "runs against the Linux build of the computecore double")
class HcsLifecycleE2ETest {
    private static final String ID = "uvm-default";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private final DoubleControl control = DoubleControl.get();
    private final List<String> stops = new CopyOnWriteArrayList<>();
    private final List<String> exits = new CopyOnWriteArrayList<>();
    private final List<String> lost = new CopyOnWriteArrayList<>();
    private FakeGuests guests;
    private ThreadEventLoop loop;
    private ExecutorService workers;
    private QuartzTimers timers;
    private Scheduler scheduler;

    @BeforeEach
    void setUp() {
        guests = FakeGuests.overHvSocket(tmp);
        loop = new ThreadEventLoop("hcs-e2e-loop");
        workers = Executors.newCachedThreadPool();
        timers = new QuartzTimers();
    }

    /** Stops whatever still runs, so that NoLeaks (which runs after this) sees every handle closed. */
    @AfterEach
    void tearDown() throws Exception {
        if (scheduler != null) {
            scheduler.shutdown(null, StopReason.DAEMON_STOP, /* force= */ true).join();
            await().atMost(WAIT).until(() -> scheduler.allStopped().join());
        }
        loop.close();
        workers.shutdownNow();
        timers.close();
    }

    private void start(VmConfig vm) throws Exception {
        UvmConfig config = new UvmConfig(null, DaemonConfig.defaults(), Map.of(vm.name(), vm));
        HcsDriver driver = new HcsDriver(TestVms.image(tmp.resolve("image")), tmp.resolve("disks"), guests);
        scheduler = new Scheduler(config, driver, loop, workers, timers, new LifecycleListener() {
            @Override
            public void transition(VmConfig which, VmState from, VmState to, long millis, String why) {
                if (to == VmState.STOPPED && from != VmState.STOPPED) {
                    exits.add(why);
                }
            }

            @Override
            public void stopped(VmConfig which, StopReason reason, boolean forced, long stopMillis) {
                stops.add(reason.label() + (forced ? ",forced" : ""));
            }
        });
    }

    private Session session() {
        return new Session(Session.Kind.FOREGROUND, why -> lost.add(why.message()));
    }

    private RunningVm ready(CompletableFuture<RunningVm> opened) throws Exception {
        return opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private VmStatus status() {
        return scheduler.list().join().get(0);
    }

    @Test
    void firstSessions_shareOneCreateAndStart_runACommand_idleTeardownShutsDownGracefully() throws Exception {
        start(TestVms.config(/* idle= */ 200, /* boot= */ 20_000, /* shutdown= */ 20_000));
        Session first = session();
        Session second = session();

        CompletableFuture<RunningVm> a = scheduler.open("default", first);
        CompletableFuture<RunningVm> b = scheduler.open("default", second);
        RunningVm vm = ready(a);
        GuestCommand echo = GuestCommand.run(vm.agent(), "echo", "hello");
        scheduler.close("default", first);
        scheduler.close("default", second);
        await().atMost(WAIT).until(() -> status().state() == VmState.STOPPED && !stops.isEmpty());

        assertSame(vm, ready(b));
        assertEquals("hello\n", echo.stdout());
        List<String> calls = control.calls(ID);
        assertEquals(1, calls.stream().filter("HcsCreateComputeSystem"::equals).count(), calls.toString());
        assertEquals(1, calls.stream().filter("HcsStartComputeSystem"::equals).count(), calls.toString());
        assertTrue(calls.contains("HcsShutDownComputeSystem"), calls.toString());
        assertFalse(calls.contains("HcsTerminateComputeSystem"), calls.toString());
        assertEquals("HcsCloseComputeSystem", calls.get(calls.size() - 1));
        assertEquals(List.of("idle"), stops);
        assertTrue(exits.get(0).contains("GracefulExit"), exits.toString());
        assertEquals(1, guests.lastAgent().powerOffsReceived.get());
        assertEquals(List.of(), lost);
    }

    @Test
    void guestIgnoresShutdown_idleTeardownShutsDownThenTerminatesAfterShutdownTimeout_stoppedForced()
            throws Exception {
        control.ignoreShutdown(true);
        guests.ignorePowerOff = true;
        start(TestVms.config(/* idle= */ 100, /* boot= */ 20_000, /* shutdown= */ 300));
        Session only = session();

        ready(scheduler.open("default", only));
        scheduler.close("default", only);
        await().atMost(WAIT).until(() -> status().state() == VmState.STOPPED && !stops.isEmpty());

        List<String> calls = control.calls(ID);
        int shutdown = calls.indexOf("HcsShutDownComputeSystem");
        int terminate = calls.indexOf("HcsTerminateComputeSystem");
        assertTrue(shutdown >= 0 && shutdown < terminate, calls.toString());
        assertEquals("HcsCloseComputeSystem", calls.get(calls.size() - 1));
        assertEquals(List.of("idle,forced"), stops);
        assertTrue(exits.get(0).contains("ForcedExit"), exits.toString());
        assertEquals(1, guests.lastAgent().powerOffsReceived.get());
    }

    @Test
    void crashWithLiveSession_sessionToldTheVmExitedUnexpectedly_namingUnexpectedExit() throws Exception {
        start(TestVms.config(/* idle= */ 60_000, /* boot= */ 20_000, /* shutdown= */ 20_000));
        Session live = session();
        ready(scheduler.open("default", live));

        control.crash(ID);
        await().atMost(WAIT).until(() -> !lost.isEmpty() && status().state() == VmState.STOPPED);

        assertTrue(lost.get(0).startsWith("VM default exited unexpectedly: "), lost.get(0));
        assertTrue(lost.get(0).contains("UnexpectedExit"), lost.get(0));
        assertEquals(List.of("crash"), stops);
        assertTrue(status().lastError().contains("UnexpectedExit"), status().lastError());
        assertEquals("HcsCloseComputeSystem", control.calls(ID).get(control.calls(ID).size() - 1));
    }

    @Test
    void agentNeverConnects_sessionFailsWithTheBootTimeoutMessage_andNoSystemIsLeft() throws Exception {
        guests.boot = FakeGuests.Boot.NEVER_CONNECTS;
        start(TestVms.config(/* idle= */ 60_000, /* boot= */ 300, /* shutdown= */ 20_000));

        ExecutionException e = assertThrows(ExecutionException.class, () -> ready(scheduler.open("default", session())));

        assertTrue(e.getCause().getMessage().contains("the guest agent did not connect"), e.getCause().getMessage());
        assertEquals(VmState.FAILED, status().state());
        assertEquals(0, control.systemCount());
    }
}
