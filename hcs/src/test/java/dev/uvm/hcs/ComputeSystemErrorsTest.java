package dev.uvm.hcs;

import static dev.uvm.hcs.ComputeSystemLifecycleTest.CONFIG;
import static dev.uvm.hcs.ComputeSystemLifecycleTest.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.hcs.raw.HResult;
import dev.uvm.hcs.schema.ModifySettingRequest;
import dev.uvm.hcs.schema.Plan9Share;
import dev.uvm.hcs.schema.PropertyQuery;
import dev.uvm.hcs.schema.SystemQuery;
import dev.uvm.hcs.testing.DoubleControl;
import dev.uvm.hcs.testing.NoLeaks;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every error path of ComputeSystem: typed, named, carrying HCS's events, and leaking nothing. */
@ExtendWith(NoLeaks.class)
class ComputeSystemErrorsTest {

    private final DoubleControl control = DoubleControl.get();

    @Test
    void pause_createdSystem_isInvalidStateWithOperationIdNameAndEvents() {
        try (ComputeSystem system = ComputeSystem.create("err-pause", CONFIG, WAIT)) {
            HcsException e = assertThrows(HcsException.class, () -> system.pause(WAIT));

            assertTrue(e.isInvalidState());
            assertEquals("HcsPauseComputeSystem", e.operation());
            assertEquals("err-pause", e.systemId());
            assertEquals(HResult.HCS_E_INVALID_STATE, e.hresult());
            assertEquals("HCS_E_INVALID_STATE", e.hresultName());
            assertFalse(e.errorEvents().isEmpty());
            assertTrue(e.getMessage().startsWith(
                    "HcsPauseComputeSystem (system err-pause) failed: HCS_E_INVALID_STATE (0x80370105): "),
                    e.getMessage());
        }
    }

    @Test
    void resume_runningSystem_and_startTwice_areInvalidState() {
        try (ComputeSystem system = ComputeSystem.create("err-resume", CONFIG, WAIT)) {
            system.start(WAIT);

            assertTrue(assertThrows(HcsException.class, () -> system.resume(WAIT)).isInvalidState());
            assertTrue(assertThrows(HcsException.class, () -> system.start(WAIT)).isInvalidState());
            system.terminate(WAIT);
        }
    }

    @Test
    void pause_stoppedSystem_isAlreadyStopped() {
        try (ComputeSystem system = ComputeSystem.create("err-stopped", CONFIG, WAIT)) {
            system.start(WAIT);
            system.terminate(WAIT);

            HcsException e = assertThrows(HcsException.class, () -> system.pause(WAIT));

            assertTrue(e.isAlreadyStopped());
            assertEquals("HCS_E_SYSTEM_ALREADY_STOPPED", e.hresultName());
        }
    }

    @Test
    void create_duplicateId_isAlreadyExists() {
        try (ComputeSystem system = ComputeSystem.create("err-dup", CONFIG, WAIT)) {
            HcsException e = assertThrows(HcsException.class, () -> ComputeSystem.create("err-dup", CONFIG, WAIT));

            assertTrue(e.isAlreadyExists());
            assertEquals("HcsCreateComputeSystem", e.operation());
            assertEquals(1, control.systemCount());
        }
    }

    @Test
    void create_malformedJson_isInvalidJson_withReturnedCodeAuthoritativeOverDocument() {
        HcsException e = assertThrows(HcsException.class,
                () -> ComputeSystem.create("err-json", "{\"VirtualMachine\": [", WAIT));

        assertTrue(e.isInvalidJson());
        assertEquals(HResult.HCS_E_INVALID_JSON, e.hresult());
        assertEquals(0xC037010D, e.resultError().error(), "the document keeps the v1 form");
        assertTrue(e.errorMessage().contains("not valid JSON"), e.errorMessage());
        assertEquals(0, control.systemCount());
    }

    @Test
    void create_documentWithoutSystemKind_isInvalidJson() {
        HcsException e = assertThrows(HcsException.class, () -> ComputeSystem.create("err-kind", "{}", WAIT));

        assertTrue(e.isInvalidJson());
    }

    @Test
    void open_unknownId_isNotFound() {
        HcsException e = assertThrows(HcsException.class, () -> ComputeSystem.open("err-nobody", WAIT));

        assertTrue(e.isNotFound());
        assertEquals("HcsOpenComputeSystem", e.operation());
    }

    @Test
    void shutdown_guestIgnoresIt_timesOutBoundedThenTerminateStopsIt() {
        control.ignoreShutdown(true);
        try (ComputeSystem system = ComputeSystem.create("err-ignore", CONFIG, WAIT)) {
            system.start(WAIT);

            HcsException e = assertThrows(HcsException.class, () -> system.shutdown(Duration.ofMillis(50)));

            assertTrue(e.isTimeout());
            assertFalse(system.hasExited());
            system.terminate(WAIT);
            assertEquals(ExitEvent.Reason.FORCED, system.awaitExit(WAIT).orElseThrow().reason());
        }
    }

    @Test
    void modify_malformedJson_unsupportedPath_andStoppedSystem_areTyped() {
        try (ComputeSystem system = ComputeSystem.create("err-modify", CONFIG, WAIT)) {
            system.start(WAIT);

            assertTrue(assertThrows(HcsException.class, () -> system.modify("{oops", WAIT)).isInvalidJson());
            HcsException unsupported = assertThrows(HcsException.class,
                    () -> system.modify(ModifySettingRequest.update("VirtualMachine/Nothing", 1), WAIT));
            assertEquals("E_INVALIDARG", unsupported.hresultName());
            system.terminate(WAIT);
            assertTrue(assertThrows(HcsException.class,
                    () -> system.modify(ModifySettingRequest.update(ModifySettingRequest.MEMORY_SIZE, 1024), WAIT))
                    .isAlreadyStopped());
        }
    }

    @Test
    void modify_memoryAndPlan9_takeEffect() {
        try (ComputeSystem system = ComputeSystem.create("err-modify-ok", CONFIG, WAIT)) {
            system.start(WAIT);

            system.modify(ModifySettingRequest.update(ModifySettingRequest.MEMORY_SIZE, 2048), WAIT);
            system.modify(ModifySettingRequest.add(ModifySettingRequest.PLAN9_SHARES,
                    new Plan9Share("src", "src", "C:\\src", 564, Plan9Share.READ_ONLY, null)), WAIT);

            var statistics = system.properties(PropertyQuery.of(PropertyQuery.STATISTICS), WAIT).statistics();
            assertEquals(2048L << 20, statistics.memory().memoryUsageCommitBytes());
            assertEquals(1, control.plan9Shares("err-modify-ok"));
            system.terminate(WAIT);
        }
    }

    @Test
    void enumerate_filtersByIds() {
        try (ComputeSystem a = ComputeSystem.create("err-enum-a", CONFIG, WAIT);
                ComputeSystem b = ComputeSystem.create("err-enum-b", CONFIG, WAIT)) {
            assertEquals(2, ComputeSystem.enumerate(null, WAIT).size());

            List<String> ids = ComputeSystem.enumerate(SystemQuery.ids("err-enum-b"), WAIT).stream()
                    .map(dev.uvm.hcs.schema.Properties::id).toList();

            assertEquals(List.of("err-enum-b"), ids);
        }
    }

    @Test
    void negativeTimeout_isRejectedBeforeCallingHcs() {
        try (ComputeSystem system = ComputeSystem.create("err-timeout-arg", CONFIG, WAIT)) {
            assertThrows(IllegalArgumentException.class, () -> system.start(Duration.ofMillis(-1)));
        }
    }
}
