package dev.uvm.hcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.hcs.raw.HResult;
import dev.uvm.hcs.schema.PropertyQuery;
import dev.uvm.hcs.schema.SystemState;
import dev.uvm.hcs.testing.DoubleControl;
import dev.uvm.hcs.testing.NoLeaks;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ComputeSystem against the double: states, exit notification, and idempotent stop. */
@ExtendWith(NoLeaks.class)
class ComputeSystemLifecycleTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final String CONFIG = "{\"Owner\":\"uvm-test\",\"SchemaVersion\":{\"Major\":2,\"Minor\":3},"
            + "\"VirtualMachine\":{\"ComputeTopology\":{\"Memory\":{\"SizeInMB\":512},\"Processor\":{\"Count\":2}},"
            + "\"Devices\":{\"Plan9\":{}}},\"ShouldTerminateOnLastHandleClosed\":true}";

    private final DoubleControl control = DoubleControl.get();

    private static SystemState state(ComputeSystem system) {
        return system.properties(null, WAIT).state();
    }

    @Test
    void fullLifecycle_createStartPauseResumeTerminate_followsStatesAndReportsForcedExit() throws Exception {
        try (ComputeSystem system = ComputeSystem.create("life-1", CONFIG, WAIT)) {
            assertEquals(SystemState.CREATED, state(system));
            system.start(WAIT);
            assertEquals(SystemState.RUNNING, state(system));
            system.pause(WAIT);
            assertEquals(SystemState.PAUSED, state(system));
            system.resume(WAIT);
            assertEquals(SystemState.RUNNING, state(system));
            assertFalse(system.hasExited());

            system.terminate(WAIT);

            ExitEvent exit = system.exitFuture().get(10, TimeUnit.SECONDS);
            assertEquals(ExitEvent.Reason.FORCED, exit.reason());
            assertEquals("life-1", exit.systemId());
            assertEquals(SystemState.STOPPED, state(system));
            assertEquals("uvm-test", system.properties(null, WAIT).owner());
        }
    }

    @Test
    void shutdown_cooperativeGuest_gracefulExitReachesListenerOnEventThread() throws Exception {
        CompletableFuture<String> listenerThread = new CompletableFuture<>();
        try (ComputeSystem system = ComputeSystem.create("life-graceful", CONFIG, WAIT)) {
            system.onExit(event -> listenerThread.complete(Thread.currentThread().getName() + ":" + event.reason()));
            system.start(WAIT);

            system.shutdown(WAIT);

            assertEquals("hcs-events:GRACEFUL", listenerThread.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void terminateAndShutdown_stoppedSystem_succeed() {
        try (ComputeSystem system = ComputeSystem.create("life-idempotent", CONFIG, WAIT)) {
            system.start(WAIT);
            system.terminate(WAIT);

            system.terminate(WAIT);
            system.shutdown(WAIT);

            assertTrue(system.awaitExit(WAIT).isPresent());
        }
    }

    @Test
    void guestPowerOff_isGracefulExit() {
        try (ComputeSystem system = ComputeSystem.create("life-poweroff", CONFIG, WAIT)) {
            system.start(WAIT);

            assertEquals(HResult.S_OK, control.guestPowerOff("life-poweroff"));

            assertEquals(ExitEvent.Reason.GRACEFUL, system.awaitExit(WAIT).orElseThrow().reason());
        }
    }

    @Test
    void crash_isUnexpectedExitWithStatus_andCrashReportIsNotAnExit() {
        try (ComputeSystem system = ComputeSystem.create("life-crash", CONFIG, WAIT)) {
            system.start(WAIT);

            assertEquals(HResult.S_OK, control.crash("life-crash"));

            ExitEvent exit = system.awaitExit(WAIT).orElseThrow();
            assertEquals(ExitEvent.Reason.UNEXPECTED, exit.reason());
            assertEquals(HResult.HCS_E_UNEXPECTED_EXIT, exit.status());
            assertTrue(exit.unexpected());
            assertNotNull(exit.document().attribution());
        }
    }

    @Test
    void serviceDisconnect_endsObservationAsUnexpected() {
        try (ComputeSystem system = ComputeSystem.create("life-disconnect", CONFIG, WAIT)) {
            system.start(WAIT);

            control.serviceDisconnect();

            ExitEvent exit = system.awaitExit(WAIT).orElseThrow();
            assertEquals(ExitEvent.Reason.SERVICE_DISCONNECTED, exit.reason());
            assertTrue(exit.unexpected());
        }
    }

    @Test
    void close_beforeExit_completesExitFutureExceptionallyAndSkipsListeners() throws Exception {
        CompletableFuture<ExitEvent> heard = new CompletableFuture<>();
        ComputeSystem system = ComputeSystem.create("life-close", CONFIG, WAIT);
        system.onExit(heard::complete);
        CompletableFuture<ExitEvent> exit = system.exitFuture();

        system.close();

        ExecutionException closed = assertThrows(ExecutionException.class, () -> exit.get(10, TimeUnit.SECONDS));
        assertTrue(closed.getCause() instanceof IllegalStateException);
        assertTrue(system.awaitExit(Duration.ZERO).isEmpty());
        assertFalse(heard.isDone());
        assertEquals(0, control.systemCount(), "ShouldTerminateOnLastHandleClosed removes the system");
    }

    @Test
    void requests_afterClose_areRejectedWithoutCallingHcs() {
        ComputeSystem system = ComputeSystem.create("life-closed", CONFIG, WAIT);
        system.close();
        system.close();

        assertThrows(IllegalStateException.class, () -> system.start(WAIT));
        assertThrows(IllegalStateException.class, () -> system.properties(null, WAIT));
    }

    @Test
    void closeFromExitListener_doesNotDeadlock() throws Exception {
        CompletableFuture<Boolean> closedInListener = new CompletableFuture<>();
        ComputeSystem system = ComputeSystem.create("life-close-in-listener", CONFIG, WAIT);
        system.onExit(event -> {
            system.close();
            closedInListener.complete(true);
        });
        system.start(WAIT);

        system.terminate(WAIT);

        assertTrue(closedInListener.get(10, TimeUnit.SECONDS));
    }

    @Test
    void open_existingSystem_sharesItAndBothHandlesSeeTheExit() {
        try (ComputeSystem first = ComputeSystem.create("life-open", CONFIG, WAIT);
                ComputeSystem second = ComputeSystem.open("life-open", WAIT)) {
            first.start(WAIT);
            assertEquals(SystemState.RUNNING, state(second));

            second.terminate(WAIT);

            assertEquals(ExitEvent.Reason.FORCED, first.awaitExit(WAIT).orElseThrow().reason());
            assertEquals(ExitEvent.Reason.FORCED, second.awaitExit(WAIT).orElseThrow().reason());
        }
    }

    @Test
    void open_alreadyStoppedSystem_countsAsExited() {
        try (ComputeSystem first = ComputeSystem.create("life-open-stopped", CONFIG, WAIT)) {
            first.start(WAIT);
            first.terminate(WAIT);

            try (ComputeSystem second = ComputeSystem.open("life-open-stopped", WAIT)) {
                assertTrue(second.hasExited());
                assertEquals(ExitEvent.Reason.FORCED, second.awaitExit(Duration.ZERO).orElseThrow().reason());
            }
        }
    }

    @Test
    void lastHandleClosed_withoutTerminateFlag_systemSurvivesAndCanBeReopened() {
        String config = CONFIG.replace("\"ShouldTerminateOnLastHandleClosed\":true",
                "\"ShouldTerminateOnLastHandleClosed\":false");
        try (ComputeSystem system = ComputeSystem.create("life-detached", config, WAIT)) {
            system.start(WAIT);
        }
        assertEquals(1, control.systemCount());

        try (ComputeSystem again = ComputeSystem.open("life-detached", WAIT)) {
            assertEquals(SystemState.RUNNING, state(again));
            again.terminate(WAIT);
        }
        assertEquals(0, control.systemCount());
    }

    @Test
    void statistics_runningSystem_reportConfiguredMemory() {
        try (ComputeSystem system = ComputeSystem.create("life-stats", CONFIG, WAIT)) {
            system.start(WAIT);
            control.workingSetBytes("life-stats", 123L << 20);

            var statistics = system.properties(PropertyQuery.of(PropertyQuery.STATISTICS), WAIT).statistics();

            assertEquals(512L << 20, statistics.memory().memoryUsageCommitBytes());
            assertEquals(123L << 20, statistics.memory().memoryUsagePrivateWorkingSetBytes());
            assertNotNull(statistics.timestamp());
            system.terminate(WAIT);
        }
    }
}
