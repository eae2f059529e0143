package dev.uvm.core.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.config.DaemonConfig;
import dev.uvm.config.IdleAction;
import dev.uvm.config.UvmConfig;
import dev.uvm.config.VmConfig;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** prewarm and keepAlive schedules in virtual time, on a real Scheduler over the fake driver. */
class WarmUpTest {
    /** Monday 23 November 2026, 08:00:00 UTC. */
    private static final long MONDAY_8AM = LocalDateTime.of(2026, 11, 23, 8, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
    private static final long SECOND = 1_000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;

    private final VirtualTime time = new VirtualTime(MONDAY_8AM);
    private final TestLoop loop = TestLoop.synchronous();
    private final FakeDriver driver = new FakeDriver();
    private final List<String> events = new ArrayList<>();
    private Scheduler scheduler;
    private WarmUp warmUp;

    private void start(List<String> prewarm, List<String> keepAlive, long idleMillis) {
        VmConfig vm = config(prewarm, keepAlive, idleMillis);
        scheduler = new Scheduler(new UvmConfig(null, DaemonConfig.defaults(), Map.of(vm.name(), vm)), driver, loop,
                Runnable::run, time, new LifecycleListener() {
                    @Override
                    public void stopped(VmConfig vm, StopReason reason, boolean forced, long stopMillis) {
                        events.add("stopped " + reason.label());
                    }
                });
        warmUp = new WarmUp(scheduler, loop, time, new WarmUp.Listener() {
            @Override
            public void prewarmFired(String vm) {
                events.add("prewarm");
            }

            @Override
            public void keepAlive(String vm, boolean active) {
                events.add("keepAlive " + active);
            }
        }, TimeZone.getTimeZone("UTC"));
        warmUp.apply(List.of(vm));
    }

    private static VmConfig config(List<String> prewarm, List<String> keepAlive, long idleMillis) {
        return VmConfig.defaults("default").withIdleTimeout(idleMillis)
                .withSchedules(IdleAction.SHUTDOWN, prewarm, keepAlive);
    }

    private VmState state() {
        return scheduler.list().join().get(0).state();
    }

    private WarmUp.Status status() {
        return warmUp.status("default").join();
    }

    @Test
    void prewarm_bootsAtTheFireTime_thenTheIdleTimeoutRunsFromThere() {
        start(List.of("0 45 8 ? * MON-FRI"), List.of(), 10 * MINUTE);
        assertEquals(MONDAY_8AM + 45 * MINUTE, status().nextPrewarmMillis());
        time.advance(45 * MINUTE - SECOND);
        assertEquals(0, driver.booted.size());
        time.advance(SECOND);
        assertEquals(1, driver.booted.size());
        assertEquals(VmState.IDLE, state(), "the prewarm session ends once the VM is ready");
        assertEquals(MONDAY_8AM + 24 * HOUR + 45 * MINUTE, status().nextPrewarmMillis(), "Tuesday 08:45");
        time.advance(10 * MINUTE - SECOND);
        assertEquals(VmState.IDLE, state());
        time.advance(SECOND);
        assertEquals(VmState.STOPPED, state());
        assertEquals(List.of("prewarm", "stopped idle"), events);
    }

    @Test
    void keepAlive_holdsTheVmThroughTheWindow_andTheIdleTimeoutStartsWhenItCloses() {
        start(List.of(), List.of("* * 9-17 ? * MON-FRI"), MINUTE);
        assertEquals(MONDAY_8AM + HOUR, status().nextKeepAliveMillis());
        assertFalse(status().keepAliveActive());
        time.advance(HOUR - SECOND);
        assertEquals(0, driver.booted.size());
        time.advance(SECOND);
        assertEquals(1, driver.booted.size(), "booted as the window opens at 09:00:00");
        assertTrue(status().keepAliveActive());
        assertEquals(VmState.RUNNING, state());
        time.advance(9 * HOUR - SECOND);
        assertEquals(VmState.RUNNING, state(), "held at 17:59:59 although no user session ran");
        time.advance(SECOND);
        assertEquals(VmState.IDLE, state(), "released at 18:00:00");
        assertFalse(status().keepAliveActive());
        assertEquals(MONDAY_8AM + 25 * HOUR, status().nextKeepAliveMillis(), "Tuesday 09:00");
        time.advance(MINUTE);
        assertEquals(VmState.STOPPED, state());
        assertEquals(List.of("keepAlive true", "keepAlive false", "stopped idle"), events);
        assertEquals(1, driver.booted.size());
    }

    @Test
    void keepAlive_vmShutDownOnPurpose_staysDownUntilTheNextWindow() {
        start(List.of(), List.of("* * 9-17 ? * MON-FRI"), MINUTE);
        time.advance(2 * HOUR);
        assertEquals(VmState.RUNNING, state());
        scheduler.shutdown("default", StopReason.SHUTDOWN, false).join();
        time.advance(HOUR);
        assertEquals(VmState.STOPPED, state(), "not booted again inside the same window");
        assertEquals(1, driver.booted.size());
        time.advance(22 * HOUR); // Tuesday 09:00
        assertEquals(2, driver.booted.size(), "the next window boots it again");
        assertEquals(VmState.RUNNING, state());
    }

    @Test
    void keepAlive_crashedVm_isBootedAgainAfterTheRetryDelay() {
        start(List.of(), List.of("* * 9-17 ? * MON-FRI"), MINUTE);
        time.advance(HOUR + MINUTE);
        driver.booted.get(0).exited.complete("crashed: killed by signal 9");
        time.advance(SECOND);
        assertEquals(1, driver.booted.size());
        time.advance(WarmUp.RETRY_MILLIS);
        assertEquals(2, driver.booted.size());
        assertEquals(VmState.RUNNING, state());
    }

    @Test
    void keepAlive_bootFailures_retryEveryTenSecondsNotEverySecond() {
        driver.failNextBoots = "no kernel";
        driver.failuresLeft = 1_000;
        start(List.of(), List.of("* * 9-17 ? * MON-FRI"), MINUTE);
        time.advance(HOUR);
        int first = 1_000 - driver.failuresLeft;
        time.advance(MINUTE);
        int attempts = 1_000 - driver.failuresLeft - first;
        assertTrue(attempts <= 6, attempts + " boot attempts in one minute");
        assertTrue(attempts >= 1, "keeps trying");
    }

    @Test
    void configChange_removingKeepAlive_releasesTheVm() {
        start(List.of(), List.of("* * 9-17 ? * MON-FRI"), MINUTE);
        time.advance(HOUR);
        assertEquals(VmState.RUNNING, state());
        warmUp.apply(List.of(config(List.of(), List.of(), MINUTE)));
        assertEquals(VmState.IDLE, state());
        assertEquals(WarmUp.Status.NONE, status());
        time.advance(MINUTE);
        assertEquals(VmState.STOPPED, state());
    }

    @Test
    void userSessionsDuringTheWindow_doNotEndIt() {
        start(List.of(), List.of("* * 9-17 ? * MON-FRI"), MINUTE);
        time.advance(HOUR);
        Session user = new Session(Session.Kind.FOREGROUND, r -> { });
        scheduler.open("default", user).join();
        scheduler.close("default", user);
        time.advance(HOUR);
        assertEquals(VmState.RUNNING, state());
        assertEquals(1, driver.booted.size());
    }
}
