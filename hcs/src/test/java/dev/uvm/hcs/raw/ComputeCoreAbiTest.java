package dev.uvm.hcs.raw;

import static dev.uvm.hcs.raw.HResult.S_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.uvm.hcs.HcsLibrary;
import dev.uvm.hcs.schema.HcsJson;
import dev.uvm.hcs.testing.DoubleControl;
import dev.uvm.hcs.testing.NoLeaks;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The raw layer against the computecore double: signatures, handles, callbacks and documents. */
@ExtendWith(NoLeaks.class)
class ComputeCoreAbiTest {

    private static final String CONFIG = "{\"SchemaVersion\":{\"Major\":2,\"Minor\":3},\"VirtualMachine\":{}}";
    private static final int WAIT_MS = 10_000;

    private final HcsLibrary library = HcsLibrary.get();
    private final ComputeCore core = library.core();
    private final DoubleControl control = DoubleControl.get();

    /** One callback event, copied out of native memory inside the callback. */
    private record Event(int type, String data, Pointer operation, Thread thread) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    // Held in a field: HCS keeps the pointer until the system handle is closed.
    private final HcsEventCallback recorder = (event, context) -> {
        HcsEvent e = new HcsEvent(event);
        events.add(new Event(e.Type, Utf16String.read(e.EventData), e.Operation, Thread.currentThread()));
    };

    private HcsSystemHandle create(String id) {
        PointerByReference system = new PointerByReference();
        assertEquals(S_OK, call(op -> core.HcsCreateComputeSystem(
                Utf16String.of(id), Utf16String.of(CONFIG), op, null, system)));
        return new HcsSystemHandle(system.getValue());
    }

    /** Runs a request on a fresh operation, frees any document, closes the operation, returns the HRESULT. */
    private int call(ToIntFunction<HcsOperationHandle> request) {
        HcsOperationHandle op = core.HcsCreateOperation(null, null);
        PointerByReference document = new PointerByReference();
        try {
            int hr = request.applyAsInt(op);
            if (HResult.failed(hr)) {
                core.HcsGetOperationResult(op, document);
            } else {
                hr = core.HcsWaitForOperationResult(op, WAIT_MS, document);
            }
            library.takeDocument(document);
            return hr;
        } finally {
            core.HcsCloseOperation(op);
        }
    }

    private Event nextEvent(int type) throws InterruptedException {
        for (Event event; (event = events.poll(10, TimeUnit.SECONDS)) != null; ) {
            if (event.type() == type) {
                return event;
            }
        }
        throw new AssertionError("no " + HcsEventType.name(type) + " within 10 s");
    }

    @Test
    void waitForOperationResult_unusedOperation_returnsNotStarted() {
        HcsOperationHandle op = core.HcsCreateOperation(null, null);
        PointerByReference document = new PointerByReference();

        assertEquals(HResult.HCS_E_OPERATION_NOT_STARTED, core.HcsWaitForOperationResult(op, 0, document));
        assertEquals(HResult.HCS_E_OPERATION_NOT_STARTED, core.HcsGetOperationResult(op, document));
        assertNull(document.getValue());
        core.HcsCloseOperation(op);
    }

    @Test
    void completionCallback_runsOnForeignThread_andMayReadAndCloseItsOperation() throws Exception {
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        int[] observed = new int[2];
        HcsOperationCompletion completion = (op, context) -> {
            PointerByReference document = new PointerByReference();
            observed[0] = core.HcsGetOperationResult(op, document);
            library.takeDocument(document);
            observed[1] = (int) Pointer.nativeValue(context);
            core.HcsCloseOperation(op);
            ran.complete(Thread.currentThread());
        };
        HcsOperationHandle op = core.HcsCreateOperation(new Pointer(42), completion);
        PointerByReference system = new PointerByReference();

        int hr = core.HcsCreateComputeSystem(Utf16String.of("abi-callback"), Utf16String.of(CONFIG), op, null, system);
        Thread thread = ran.get(10, TimeUnit.SECONDS);

        assertEquals(S_OK, hr);
        assertNotEquals(Thread.currentThread(), thread);
        assertEquals(S_OK, observed[0]);
        assertEquals(42, observed[1]);
        core.HcsCloseComputeSystem(new HcsSystemHandle(system.getValue()));
        assertNotNull(completion); // reachable until HCS is done with it
    }

    @Test
    void shutdownIgnoredByGuest_isPendingThenTimesOutThenCompletesWhenTerminated() {
        HcsSystemHandle system = create("abi-pending");
        assertEquals(S_OK, call(op -> core.HcsStartComputeSystem(system, op, null)));
        control.ignoreShutdown(true);
        HcsOperationHandle shutdown = core.HcsCreateOperation(null, null);
        PointerByReference document = new PointerByReference();

        assertEquals(S_OK, core.HcsShutDownComputeSystem(system, shutdown, null));
        assertEquals(HResult.HCS_E_OPERATION_PENDING, core.HcsGetOperationResult(shutdown, document));
        assertEquals(HResult.HCS_E_OPERATION_TIMEOUT, core.HcsWaitForOperationResult(shutdown, 20, document));
        assertEquals(HResult.HCS_E_OPERATION_ALREADY_STARTED, core.HcsStartComputeSystem(system, shutdown, null));
        assertEquals(S_OK, call(op -> core.HcsTerminateComputeSystem(system, op, null)));
        assertEquals(HResult.HCS_E_SYSTEM_ALREADY_STOPPED, core.HcsWaitForOperationResult(shutdown, WAIT_MS, document));

        assertTrue(library.takeDocument(document).contains("\"Error\""));
        core.HcsCloseOperation(shutdown);
        core.HcsCloseComputeSystem(system);
    }

    @Test
    void systemCallback_exit_deliversExitDocumentOnForeignThread() throws Exception {
        HcsSystemHandle system = create("abi-exit");
        assertEquals(S_OK, core.HcsSetComputeSystemCallback(system, HcsEventType.OPTION_NONE, new Pointer(7), recorder));
        assertEquals(S_OK, call(op -> core.HcsStartComputeSystem(system, op, null)));

        assertEquals(S_OK, call(op -> core.HcsTerminateComputeSystem(system, op, null)));
        Event exit = nextEvent(HcsEventType.SYSTEM_EXITED);

        assertNotEquals(Thread.currentThread(), exit.thread());
        JsonNode status = HcsJson.mapper().readTree(exit.data());
        assertEquals("ForcedExit", status.get("ExitType").asText());
        assertEquals(0, status.get("Status").asInt());
        core.HcsCloseComputeSystem(system);
    }

    @Test
    void setComputeSystemCallback_secondRegistration_isCallbackAlreadySet() {
        HcsSystemHandle system = create("abi-callback-twice");

        assertEquals(S_OK, core.HcsSetComputeSystemCallback(system, HcsEventType.OPTION_NONE, null, recorder));
        assertEquals(HResult.HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET,
                core.HcsSetComputeSystemCallback(system, HcsEventType.OPTION_NONE, null, recorder));
        core.HcsCloseComputeSystem(system);
    }

    @Test
    void operationCallbackOption_deliversOperationEvent_andRejectsOperationWithItsOwnCallback() throws Exception {
        HcsSystemHandle system = create("abi-op-events");
        assertEquals(S_OK, core.HcsSetComputeSystemCallback(system,
                HcsEventType.OPTION_ENABLE_OPERATION_CALLBACKS, null, recorder));
        HcsOperationHandle start = core.HcsCreateOperation(null, null);

        assertEquals(S_OK, core.HcsStartComputeSystem(system, start, null));
        Event done = nextEvent(HcsEventType.OPERATION_CALLBACK);
        assertEquals(start.getPointer(), done.operation());
        assertEquals(S_OK, core.HcsGetOperationResult(start, new PointerByReference()));
        core.HcsCloseOperation(start);

        HcsOperationCompletion own = (op, context) -> { };
        HcsOperationHandle pause = core.HcsCreateOperation(null, own);
        assertEquals(HResult.HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET, core.HcsPauseComputeSystem(system, pause, null));
        core.HcsCloseOperation(pause);
        core.HcsCloseComputeSystem(system);
    }

    @Test
    void createComputeSystem_invalidJson_returnsInvalidJsonWithV1CodeInDocument() throws Exception {
        HcsOperationHandle op = core.HcsCreateOperation(null, null);
        PointerByReference system = new PointerByReference();
        PointerByReference document = new PointerByReference();

        int hr = core.HcsCreateComputeSystem(Utf16String.of("abi-bad"), Utf16String.of("{\"VirtualMachine\": {"), op,
                null, system);

        assertEquals(HResult.HCS_E_INVALID_JSON, hr);
        assertNull(system.getValue());
        assertEquals(HResult.HCS_E_INVALID_JSON, core.HcsGetOperationResult(op, document));
        JsonNode error = HcsJson.mapper().readTree(library.takeDocument(document));
        assertEquals(0xC037010D, error.get("Error").asInt());
        core.HcsCloseOperation(op);
    }

    @Test
    void createAndOpen_wrongIds_returnDocumentedCodes() {
        HcsSystemHandle system = create("abi-twice");
        PointerByReference other = new PointerByReference();

        assertEquals(HResult.HCS_E_SYSTEM_ALREADY_EXISTS, call(op -> core.HcsCreateComputeSystem(
                Utf16String.of("abi-twice"), Utf16String.of(CONFIG), op, null, other)));
        assertEquals(HResult.HCS_E_SYSTEM_BAD_REQUEST,
                core.HcsOpenComputeSystem(Utf16String.of("abi-nobody"), ComputeCore.GENERIC_ALL, other));
        assertEquals(HResult.E_INVALIDARG, core.HcsOpenComputeSystem(Utf16String.of("abi-twice"), 0, other));
        assertEquals(HResult.E_INVALIDARG, call(op -> core.HcsModifyComputeSystem(system, op, null, null)));
        assertNull(other.getValue());
        core.HcsCloseComputeSystem(system);
    }

    @Test
    void waitForComputeSystemExit_timesOutWhileRunning_thenReturnsExitDocument() {
        HcsSystemHandle system = create("abi-wait-exit");
        assertEquals(S_OK, call(op -> core.HcsStartComputeSystem(system, op, null)));
        PointerByReference result = new PointerByReference();

        assertEquals(HResult.HCS_E_OPERATION_TIMEOUT, core.HcsWaitForComputeSystemExit(system, 10, result));
        assertEquals(S_OK, control.crash("abi-wait-exit"));
        assertEquals(S_OK, core.HcsWaitForComputeSystemExit(system, WAIT_MS, result));

        assertTrue(library.takeDocument(result).contains("\"UnexpectedExit\""));
        core.HcsCloseComputeSystem(system);
    }

    @Test
    void enumerate_returnsArrayOfProperties() throws Exception {
        HcsSystemHandle system = create("abi-enum");
        HcsOperationHandle op = core.HcsCreateOperation(null, null);
        PointerByReference document = new PointerByReference();

        assertEquals(S_OK, core.HcsEnumerateComputeSystems(null, op));
        assertEquals(S_OK, core.HcsWaitForOperationResult(op, WAIT_MS, document));

        JsonNode list = HcsJson.mapper().readTree(library.takeDocument(document));
        assertEquals("abi-enum", list.get(0).get("Id").asText());
        core.HcsCloseOperation(op);
        core.HcsCloseComputeSystem(system);
    }

    @Test
    void closedSystemHandle_isRejected_andCountedAsViolation() {
        HcsSystemHandle system = create("abi-stale");
        core.HcsCloseComputeSystem(system);

        assertEquals(HResult.E_HANDLE, call(op -> core.HcsStartComputeSystem(system, op, null)));

        assertEquals(1, control.protocolViolations());
        assertEquals(0, control.outstandingHandles());
        control.reset();
    }

    @Test
    void localFree_sameDocumentTwice_secondFailsAndIsCountedAsViolation() {
        HcsSystemHandle system = create("abi-free");
        HcsOperationHandle op = core.HcsCreateOperation(null, null);
        PointerByReference document = new PointerByReference();
        assertEquals(S_OK, core.HcsGetComputeSystemProperties(system, op, null));
        assertEquals(S_OK, core.HcsWaitForOperationResult(op, WAIT_MS, document));
        Pointer text = document.getValue();
        assertEquals(1, control.unfreedDocuments());

        assertNull(library.memory().LocalFree(text));
        assertEquals(text, library.memory().LocalFree(text));

        assertEquals(0, control.unfreedDocuments());
        assertEquals(1, control.protocolViolations());
        core.HcsCloseOperation(op);
        core.HcsCloseComputeSystem(system);
        assertEquals(0, control.outstandingHandles());
        control.reset();
    }
}
