package dev.uvm.core.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.config.IdleAction;
import dev.uvm.config.VmConfig;
import dev.uvm.vm.RunningVm;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lifecycle in virtual time: every scenario runs in milliseconds of wall time. */
class VmLifecycleTest {
    private static final long IDLE = 60_000;
    private static final long SHUTDOWN = 30_000;
    /** Every transition the code performed, across all tests; compared with the table at the end. */
    private static final Map<VmState, Set<VmState>> SEEN = new EnumMap<>(VmState.class);

    private final VirtualTime time = new VirtualTime();
    private final TestLoop loop = new TestLoop();
    private final TestLoop.Workers workers = new TestLoop.Workers();
    private final FakeDriver driver = new FakeDriver();
    private final List<String> stops = new ArrayList<>();
    private final List<String> lost = new ArrayList<>();
    /** The memory of the config each finished boot reported. */
    private final List<Long> bootedWith = new ArrayList<>();
    /** Each wake-up reported: cause, then boot or restore. */
    private final List<String> wakeUps = new ArrayList<>();
    private VmLifecycle vm;

    @BeforeEach
    void setUp() {
        vm = lifecycle(VmConfig.defaults("default").withIdleTimeout(IDLE));
    }

    private VmLifecycle lifecycle(VmConfig config) {
        return new VmLifecycle(config, driver, loop, workers, time, new LifecycleListener() {
            @Override
            public void transition(VmConfig vm, VmState from, VmState to, long millis, String why) {
                SEEN.computeIfAbsent(from, k -> EnumSet.noneOf(VmState.class)).add(to);
            }

            @Override
            public void stopped(VmConfig vm, StopReason reason, boolean forced, long stopMillis) {
                stops.add(reason.label() + (forced ? ",forced" : ""));
            }

            @Override
            public void bootFinished(VmConfig vm, RunningVm instance, long millis) {
                bootedWith.add(vm.memoryBytes());
            }

            @Override
            public void wakingUp(VmConfig vm, Session.Cause cause, boolean restore) {
                wakeUps.add(cause.label() + (restore ? ",restore" : ",boot"));
            }
        });
    }

    private Session session() {
        return new Session(Session.Kind.FOREGROUND, why -> lost.add(why.message()));
    }

    private CompletableFuture<RunningVm> open(Session s) {
        return loop.onLoop(() -> vm.open(s));
    }

    private void close(Session s) {
        loop.run(() -> vm.close(s));
    }

    /** Runs worker tasks and loop events until nothing is left. */
    private void settle() {
        do {
            loop.drain();
        } while (workers.runAll() > 0);
        loop.drain();
    }

    private void advance(long millis) {
        time.advance(millis);
        settle();
    }

    private Session running() {
        Session s = session();
        open(s);
        settle();
        assertEquals(VmState.RUNNING, vm.state());
        return s;
    }

    @Test
    void concurrentFirstSessions_shareOneBoot() throws Exception {
        List<CompletableFuture<RunningVm>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            waiting.add(open(session()));
        }
        assertEquals(VmState.STARTING, vm.state());
        waiting.forEach(f -> assertFalse(f.isDone()));
        settle();
        assertEquals(1, driver.booted.size());
        for (CompletableFuture<RunningVm> f : waiting) {
            assertSame(driver.booted.get(0), f.get());
        }
        assertEquals(VmState.RUNNING, vm.state());
        assertEquals(20, vm.sessionCount());
    }

    @Test
    void bootFinished_carriesTheConfigTheBootUsed_notOneReloadedDuringIt() {
        VmConfig before = loop.onLoop(() -> vm.config());
        VmConfig bigger = before.withMemory(2L << 30);
        Session s = session();
        open(s);
        loop.run(() -> vm.reconfigure(bigger));
        settle();
        assertEquals(List.of(before.memoryBytes()), bootedWith);
        loop.run(() -> vm.shutdown(StopReason.SHUTDOWN, true));
        settle();
        running();
        assertEquals(List.of(before.memoryBytes(), bigger.memoryBytes()), bootedWith);
    }

    @Test
    void lastSessionClosed_armsIdleTimer_andStopsCleanlyAfterTimeout() {
        Session a = running();
        Session b = session();
        open(b);
        close(a);
        assertEquals(VmState.RUNNING, vm.state());
        close(b);
        assertEquals(VmState.IDLE, vm.state());
        assertEquals(time.nowMillis() + IDLE, loop.onLoop(() -> vm.status()).idleDeadlineMillis());
        advance(IDLE - 1);
        assertEquals(VmState.IDLE, vm.state());
        advance(1);
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(1, driver.booted.get(0).powerOffRequests);
        assertEquals(0, driver.booted.get(0).kills);
        assertEquals(List.of("idle"), stops);
    }

    @Test
    void newSession_beforeDeadline_cancelsIdleTimer() {
        close(running());
        advance(IDLE / 2);
        Session s = session();
        assertTrue(open(s).isDone());
        assertEquals(VmState.RUNNING, vm.state());
        advance(IDLE * 10);
        assertEquals(VmState.RUNNING, vm.state());
        assertEquals(1, driver.booted.size());
        assertEquals(0, time.pending());
    }

    @Test
    void idleTimeoutFired_staleGeneration_ignored() {
        Session s = running();
        close(s);
        Session t = session();
        open(t);
        close(t);
        loop.run(() -> vm.idleTimerFired(1));
        assertEquals(VmState.IDLE, vm.state());
        advance(IDLE);
        assertEquals(VmState.STOPPED, vm.state());
    }

    @Test
    void sessionAtExactDeadline_queuedBeforeTimer_keepsVmRunning() {
        close(running());
        time.advance(IDLE - 1);
        Session s = session();
        loop.execute(() -> vm.open(s));
        time.advance(1);
        settle();
        assertEquals(VmState.RUNNING, vm.state());
        assertEquals(1, driver.booted.size());
    }

    @Test
    void sessionAtExactDeadline_queuedAfterTimer_waitsForStopThenBootsAgain() throws Exception {
        close(running());
        time.advance(IDLE);
        Session s = session();
        CompletableFuture<CompletableFuture<RunningVm>> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(vm.open(s)));
        loop.drain();
        assertEquals(VmState.STOPPING, vm.state());
        assertFalse(f.get().isDone());
        settle();
        assertEquals(VmState.RUNNING, vm.state());
        assertEquals(2, driver.booted.size());
        assertSame(driver.booted.get(1), f.get().get());
        assertEquals(List.of("idle"), stops);
    }

    @Test
    void bootFailure_failsEveryWaiterWithCause_andNextSessionRetries() throws Exception {
        driver.failuresLeft = 1;
        driver.failNextBoots = "VM default failed to boot: kernel file /nope does not exist";
        List<CompletableFuture<RunningVm>> waiting = List.of(open(session()), open(session()), open(session()));
        settle();
        assertEquals(VmState.FAILED, vm.state());
        for (CompletableFuture<RunningVm> w : waiting) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, w::get);
            assertTrue(e.getCause().getMessage().contains("kernel file /nope does not exist"), e.getMessage());
        }
        assertEquals(0, vm.sessionCount());
        CompletableFuture<RunningVm> retry = open(session());
        settle();
        assertEquals(VmState.RUNNING, vm.state());
        assertSame(driver.booted.get(0), retry.get());
    }

    @Test
    void crashWhileSessionsLive_tellsSessionsAndStops_nextSessionBootsNewVm() {
        running();
        running();
        driver.booted.get(0).exited.complete("QEMU (pid 1) was killed by signal 9");
        settle();
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(2, lost.size());
        assertTrue(lost.get(0).contains("exited unexpectedly: QEMU (pid 1) was killed by signal 9"), lost.get(0));
        assertEquals(List.of("crash"), stops);
        assertEquals(0, vm.sessionCount());
        running();
        assertEquals(2, driver.booted.size());
    }

    @Test
    void crashWhileIdle_stopsAndCancelsTimer() {
        close(running());
        driver.booted.get(0).exited.complete("exited with status 1");
        settle();
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(0, time.pending());
    }

    @Test
    void guestIgnoresPowerOff_forcedAfterShutdownTimeout() {
        driver.guestsIgnorePowerOff = true;
        close(running());
        advance(IDLE);
        assertEquals(VmState.STOPPING, vm.state());
        advance(SHUTDOWN - 1);
        assertEquals(0, driver.booted.get(0).kills);
        advance(1);
        assertEquals(1, driver.booted.get(0).kills);
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(List.of("idle,forced"), stops);
    }

    @Test
    void idleTimeoutZero_stopsAtOnce() {
        vm = lifecycle(VmConfig.defaults("default").withIdleTimeout(0));
        close(running());
        advance(0);
        assertEquals(VmState.STOPPED, vm.state());
    }

    @Test
    void idleTimeoutNegative_neverStops() {
        vm = lifecycle(VmConfig.defaults("default").withIdleTimeout(-1));
        close(running());
        advance(30L * 24 * 3600 * 1000);
        assertEquals(VmState.IDLE, vm.state());
        assertEquals(-1, loop.onLoop(() -> vm.status()).idleDeadlineMillis());
    }

    @Test
    void reconfigure_lowerIdleTimeout_rearmsFromLastSessionEnd() {
        close(running());
        advance(10_000);
        loop.run(() -> vm.reconfigure(VmConfig.defaults("default").withIdleTimeout(15_000)));
        assertEquals(VmState.IDLE, vm.state());
        advance(4_999);
        assertEquals(VmState.IDLE, vm.state());
        advance(1);
        assertEquals(VmState.STOPPED, vm.state());
    }

    @Test
    void reconfigure_deadlineAlreadyPassed_stopsAtOnce() {
        close(running());
        advance(10_000);
        loop.run(() -> vm.reconfigure(VmConfig.defaults("default").withIdleTimeout(5_000)));
        advance(0);
        assertEquals(VmState.STOPPED, vm.state());
    }

    @Test
    void shutdownRequested_detachesSessionsWithMessage() {
        running();
        loop.run(() -> vm.shutdown(StopReason.SHUTDOWN, false));
        assertEquals(VmState.STOPPING, vm.state());
        assertEquals(1, lost.size());
        assertTrue(lost.get(0).contains("shut down"), lost.get(0));
        settle();
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(List.of("shutdown"), stops);
    }

    @Test
    void forcedShutdown_killsWithoutPowerOff() {
        running();
        loop.run(() -> vm.shutdown(StopReason.SHUTDOWN, true));
        settle();
        assertEquals(0, driver.booted.get(0).powerOffRequests);
        assertEquals(1, driver.booted.get(0).kills);
        assertEquals(List.of("shutdown,forced"), stops);
    }

    @Test
    void shutdownDuringBoot_failsWaiters_thenStopsTheBootedVm() {
        CompletableFuture<RunningVm> w = open(session());
        loop.run(() -> vm.shutdown(StopReason.SHUTDOWN, false));
        assertTrue(w.isCompletedExceptionally());
        settle();
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(1, driver.booted.get(0).powerOffRequests);
    }

    @Test
    void allWaitersLeaveDuringBoot_vmGoesIdleAndIsReclaimed() {
        Session s = session();
        open(s);
        close(s);
        assertEquals(VmState.STARTING, vm.state());
        settle();
        assertEquals(VmState.IDLE, vm.state());
        advance(IDLE);
        assertEquals(VmState.STOPPED, vm.state());
    }

    @Test
    void removedVm_stopsWhenIdle_andRefusesSessions() {
        close(running());
        loop.run(() -> vm.remove());
        settle();
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(List.of("config"), stops);
        assertTrue(open(session()).isCompletedExceptionally());
    }

    @Test
    void adoptedVm_isIdle_reclaimedByIdleTimer_andServesSessionsMeanwhile() throws Exception {
        FakeDriver.FakeVm leftOver = new FakeDriver.FakeVm(77, false);
        loop.run(() -> vm.adopt(leftOver));
        assertEquals(VmState.IDLE, vm.state());
        Session s = session();
        assertSame(leftOver, open(s).get());
        assertEquals(0, driver.booted.size(), "adoption boots nothing");
        close(s);
        advance(IDLE);
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(1, leftOver.powerOffRequests);
    }

    @Test
    void repeatedBootFailures_backOff_andSessionsFailFastMeanwhile() throws Exception {
        driver.failuresLeft = 3;
        driver.failNextBoots = "VM default failed to boot: kernel panic";
        open(session());
        settle();
        CompletableFuture<RunningVm> second = open(session());
        settle();
        assertTrue(second.isCompletedExceptionally());
        assertEquals(VmLifecycle.FIRST_BACKOFF_MILLIS + time.nowMillis(),
                loop.onLoop(() -> vm.status()).retryAtMillis());
        CompletableFuture<RunningVm> refused = open(session());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, refused::get);
        assertTrue(e.getCause().getMessage().contains("failed to boot 2 times in a row"), e.getMessage());
        assertTrue(e.getCause().getMessage().contains("kernel panic"), e.getMessage());
        assertEquals(VmState.FAILED, vm.state());
        advance(VmLifecycle.FIRST_BACKOFF_MILLIS);
        open(session());
        settle();
        assertEquals(2 * VmLifecycle.FIRST_BACKOFF_MILLIS + time.nowMillis(),
                loop.onLoop(() -> vm.status()).retryAtMillis(), "the delay doubles");
        advance(2 * VmLifecycle.FIRST_BACKOFF_MILLIS);
        CompletableFuture<RunningVm> ok = open(session());
        settle();
        assertSame(driver.booted.get(0), ok.get());
        assertEquals(-1, loop.onLoop(() -> vm.status()).retryAtMillis());
    }

    // ---- idleAction = suspend ----

    private void suspending() {
        vm = lifecycle(VmConfig.defaults("default").withIdleTimeout(IDLE)
                .withSchedules(IdleAction.SUSPEND, List.of(), List.of()));
    }

    /** Runs a session, ends it and lets the idle timeout save the VM. */
    private void suspended() {
        suspending();
        close(running());
        advance(IDLE);
        assertEquals(VmState.SUSPENDED, vm.state());
    }

    @Test
    void idleTimeout_withSuspend_savesVm_andNextSessionRestoresIt() throws Exception {
        suspended();
        assertEquals(1, driver.saved.size());
        assertEquals(0, driver.booted.get(0).powerOffRequests, "a saved VM is not powered off");
        assertTrue(stops.isEmpty(), "a suspend is not a stop");
        VmStatus st = loop.onLoop(() -> vm.status());
        assertEquals(VmState.SUSPENDED, st.state());
        assertEquals(0, st.vmmPid());
        CompletableFuture<RunningVm> f = open(session());
        assertEquals(VmState.RESTORING, vm.state());
        settle();
        assertEquals(VmState.RUNNING, vm.state());
        assertSame(driver.restored.get(0), f.get());
        assertEquals(1, driver.booted.size(), "restored, not booted cold");
    }

    @Test
    void concurrentFirstSessions_onSuspendedVm_shareOneRestore() throws Exception {
        suspended();
        List<CompletableFuture<RunningVm>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            waiting.add(open(session()));
        }
        settle();
        assertEquals(1, driver.restored.size());
        for (CompletableFuture<RunningVm> f : waiting) {
            assertSame(driver.restored.get(0), f.get());
        }
    }

    @Test
    void wakeUps_nameTheirCause_once_andEverySessionThatWaitedKnowsIt() throws Exception {
        Session first = new Session(Session.Kind.BACKGROUND, Session.Cause.PORT, why -> { });
        Session second = session();
        open(first);
        open(second);
        settle();
        Session third = session();
        open(third);
        assertEquals(List.of("port,boot"), wakeUps, "one boot, woken by the port's connection");
        assertTrue(first.waitedForVm() && second.waitedForVm(), "both waited for the boot");
        assertFalse(third.waitedForVm(), "the VM was up for the third");
        close(first);
        close(second);
        close(third);
        suspended();
        wakeUps.clear();
        Session prewarm = new Session(Session.Kind.BACKGROUND, Session.Cause.PREWARM, why -> { });
        open(prewarm);
        settle();
        assertEquals(List.of("prewarm,restore"), wakeUps);
    }

    @Test
    void restoreFails_bootsColdInstead_andTheSessionSucceeds() throws Exception {
        suspended();
        driver.failRestore = "saved state is corrupt";
        CompletableFuture<RunningVm> f = open(session());
        settle();
        assertEquals(VmState.RUNNING, vm.state());
        assertSame(driver.booted.get(1), f.get());
        assertEquals(0, driver.restored.size());
    }

    @Test
    void saveFails_vmIsForcedDown_andCountedAsIdleStop() {
        suspending();
        driver.failSave = "disk full";
        close(running());
        advance(IDLE);
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(List.of("idle,forced"), stops);
        assertEquals(1, driver.booted.get(0).kills);
        open(session());
        assertEquals(VmState.STARTING, vm.state(), "nothing was saved: the next session boots cold");
    }

    @Test
    void suspendUnsupported_shutsDownInstead() {
        suspending();
        driver.suspendUnsupported = "it has a hostShare";
        close(running());
        advance(IDLE);
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(1, driver.booted.get(0).powerOffRequests);
        assertTrue(driver.saved.isEmpty());
    }

    @Test
    void shutdownWhileSuspended_discardsSavedState_andNextSessionBootsCold() {
        suspended();
        loop.run(() -> vm.shutdown(StopReason.SHUTDOWN, false));
        settle();
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(List.of("saved state discarded (shutdown)"), driver.discarded);
        open(session());
        assertEquals(VmState.STARTING, vm.state());
    }

    @Test
    void daemonStopWhileSuspended_keepsSavedState() {
        suspended();
        loop.run(() -> vm.shutdown(StopReason.DAEMON_STOP, true));
        settle();
        assertEquals(VmState.SUSPENDED, vm.state());
        assertTrue(driver.discarded.isEmpty());
    }

    @Test
    void removedWhileSuspended_keepsSavedState_andAddedBack_restoresIt() throws Exception {
        suspended();
        VmConfig config = loop.onLoop(() -> vm.config());
        loop.run(() -> vm.remove());
        settle();
        assertEquals(VmState.SUSPENDED, vm.state(), "a config edit never costs the saved state");
        assertTrue(driver.discarded.isEmpty());
        assertTrue(open(session()).isCompletedExceptionally(), "a removed VM takes no sessions");

        loop.run(() -> vm.readd(config));
        CompletableFuture<RunningVm> f = open(session());
        settle();
        assertEquals(VmState.RUNNING, vm.state());
        assertSame(driver.restored.get(0), f.get());
        assertEquals(1, driver.booted.size(), "restored, not booted cold");
    }

    @Test
    void removedWhileSaving_keepsTheStateOnceSaved() {
        suspending();
        close(running());
        time.advance(IDLE);
        loop.drain();
        assertEquals(VmState.SUSPENDING, vm.state());
        loop.run(() -> vm.remove());
        settle();
        assertEquals(VmState.SUSPENDED, vm.state());
        assertTrue(driver.discarded.isEmpty());
    }

    @Test
    void terminateOfARemovedSuspendedVm_discardsItsState() {
        suspended();
        loop.run(() -> vm.remove());
        loop.run(() -> vm.shutdown(StopReason.SHUTDOWN, false));
        settle();
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(List.of("saved state discarded (shutdown)"), driver.discarded);
    }

    @Test
    void memoryChangedWhileSuspended_restoresWithTheSavedSettings_andTheChangeAppliesAtTheNextColdBoot() {
        suspended();
        VmConfig saved = loop.onLoop(() -> vm.config());
        VmConfig bigger = saved.withMemory(2L << 30);
        loop.run(() -> vm.reconfigure(bigger));
        Session s = session();
        open(s);
        settle();
        assertEquals(VmState.RUNNING, vm.state(), "restored");
        assertEquals(List.of(saved.memoryBytes()), driver.restoredWith, "with the settings the state was saved with");
        assertTrue(driver.discarded.isEmpty());

        loop.run(() -> vm.shutdown(StopReason.SHUTDOWN, true));
        settle();
        running();
        assertEquals(List.of(saved.memoryBytes(), bigger.memoryBytes()), bootedWith, "the next cold boot has the change");
    }

    @Test
    void sessionArrivesWhileSaving_isServedByTheRestoreThatFollows() throws Exception {
        suspending();
        close(running());
        time.advance(IDLE);
        loop.drain();
        assertEquals(VmState.SUSPENDING, vm.state());
        CompletableFuture<RunningVm> f = open(session());
        assertFalse(f.isDone());
        settle();
        assertEquals(VmState.RUNNING, vm.state());
        assertSame(driver.restored.get(0), f.get());
    }

    @Test
    void shutdownWhileSaving_discardsTheStateOnceSaved() {
        suspending();
        close(running());
        time.advance(IDLE);
        loop.drain();
        loop.run(() -> vm.shutdown(StopReason.SHUTDOWN, false));
        assertEquals(VmState.SUSPENDING, vm.state());
        settle();
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(1, driver.discarded.size());
    }

    @Test
    void allWaitersLeaveDuringRestore_vmGoesIdle_andIsSavedAgain() {
        suspended();
        Session s = session();
        open(s);
        close(s);
        assertEquals(VmState.RESTORING, vm.state());
        settle();
        assertEquals(VmState.IDLE, vm.state());
        advance(IDLE);
        assertEquals(VmState.SUSPENDED, vm.state());
        assertEquals(2, driver.saved.size());
    }

    @Test
    void shutdownDuringRestore_stopsTheRestoredVm() {
        suspended();
        CompletableFuture<RunningVm> w = open(session());
        loop.run(() -> vm.shutdown(StopReason.SHUTDOWN, false));
        assertTrue(w.isCompletedExceptionally());
        settle();
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(1, driver.restored.get(0).powerOffRequests);
    }

    @Test
    void shutdownDuringRestore_restoreFails_endsStoppedWithoutColdBoot() {
        suspended();
        driver.failRestore = "QEMU refused the saved state";
        open(session());
        loop.run(() -> vm.shutdown(StopReason.SHUTDOWN, false));
        settle();
        assertEquals(VmState.STOPPED, vm.state());
        assertEquals(1, driver.booted.size());
    }

    @Test
    void savedVmFoundAfterDaemonRestart_isSuspended_andRestoredBySession() throws Exception {
        suspending();
        loop.run(() -> vm.adoptSuspended());
        assertEquals(VmState.SUSPENDED, vm.state());
        CompletableFuture<RunningVm> f = open(session());
        settle();
        assertSame(driver.restored.get(0), f.get());
        assertTrue(driver.booted.isEmpty());
    }

    @Test
    void touchedOutsideLoop_isRejected() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> vm.open(session()));
    }

    @AfterAll
    static void transitionTable_andCode_agree() {
        for (VmState from : VmState.values()) {
            Set<VmState> seen = SEEN.getOrDefault(from, EnumSet.noneOf(VmState.class));
            assertEquals(from.successors(), seen, "transitions from " + from
                    + ": the table (left) and what the code did across these tests (right) differ");
        }
    }
}
