package dev.uvm.hcs;

import static dev.uvm.hcs.ComputeSystemLifecycleTest.CONFIG;
import static dev.uvm.hcs.ComputeSystemLifecycleTest.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uvm.hcs.schema.ModifySettingRequest;
import dev.uvm.hcs.schema.SystemState;
import dev.uvm.hcs.testing.NoLeaks;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every request in every state, as seen through ComputeSystem: "ok" or the HRESULT name. This is
 * the transition table documented at the top of src/test/c/system_ops.c, except that stopping a
 * stopped system is success in the object layer (HCS itself says HCS_E_SYSTEM_ALREADY_STOPPED).
 */
@ExtendWith(NoLeaks.class)
class StateTableTest {

    private static final Map<String, Consumer<ComputeSystem>> REQUESTS = Map.of(
            "start", system -> system.start(WAIT),
            "pause", system -> system.pause(WAIT),
            "resume", system -> system.resume(WAIT),
            "shutdown", system -> system.shutdown(WAIT),
            "terminate", system -> system.terminate(WAIT),
            "modify", system -> system.modify(
                    ModifySettingRequest.update(ModifySettingRequest.MEMORY_SIZE, 1024), WAIT));

    private static void enter(ComputeSystem system, SystemState state) {
        switch (state) {
            case CREATED -> { }
            case RUNNING -> system.start(WAIT);
            case PAUSED -> {
                system.start(WAIT);
                system.pause(WAIT);
            }
            case STOPPED -> {
                system.start(WAIT);
                system.terminate(WAIT);
            }
            default -> throw new IllegalArgumentException(state.toString());
        }
    }

    @ParameterizedTest(name = "{1} in {0} -> {2}")
    @CsvSource({
        "CREATED, start,     ok",
        "CREATED, pause,     HCS_E_INVALID_STATE",
        "CREATED, resume,    HCS_E_INVALID_STATE",
        "CREATED, shutdown,  HCS_E_INVALID_STATE",
        "CREATED, terminate, ok",
        "CREATED, modify,    ok",
        "RUNNING, start,     HCS_E_INVALID_STATE",
        "RUNNING, pause,     ok",
        "RUNNING, resume,    HCS_E_INVALID_STATE",
        "RUNNING, shutdown,  ok",
        "RUNNING, terminate, ok",
        "RUNNING, modify,    ok",
        "PAUSED,  start,     HCS_E_INVALID_STATE",
        "PAUSED,  pause,     HCS_E_INVALID_STATE",
        "PAUSED,  resume,    ok",
        "PAUSED,  shutdown,  HCS_E_INVALID_STATE",
        "PAUSED,  terminate, ok",
        "PAUSED,  modify,    ok",
        "STOPPED, start,     HCS_E_INVALID_STATE",
        "STOPPED, pause,     HCS_E_SYSTEM_ALREADY_STOPPED",
        "STOPPED, resume,    HCS_E_SYSTEM_ALREADY_STOPPED",
        "STOPPED, shutdown,  ok",
        "STOPPED, terminate, ok",
        "STOPPED, modify,    HCS_E_SYSTEM_ALREADY_STOPPED",
    })
    void request_inState_givesDocumentedOutcome(SystemState state, String request, String expected) {
        try (ComputeSystem system = ComputeSystem.create("table-" + state + "-" + request, CONFIG, WAIT)) {
            enter(system, state);

            String outcome;
            try {
                REQUESTS.get(request).accept(system);
                outcome = "ok";
            } catch (HcsException e) {
                outcome = e.hresultName();
            }

            assertEquals(expected, outcome);
        }
    }
}
