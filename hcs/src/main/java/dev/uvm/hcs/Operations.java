package dev.uvm.hcs;

import com.sun.jna.ptr.PointerByReference;
import dev.uvm.hcs.raw.ComputeCore;
import dev.uvm.hcs.raw.HResult;
import dev.uvm.hcs.raw.HcsOperationHandle;
import java.time.Duration;

/**
 * Runs one HCS request through its own operation: create the operation, submit, wait for the
 * result with a bounded timeout, and always close the operation.
 *
 * <p>When the wait times out the operation is closed anyway; HCS finishes the request and drops
 * its result (this is what hcsshim relies on for shutdown and terminate). Result documents are
 * released as soon as they are read.
 */
final class Operations {

    /** The longest wait HCS accepts short of INFINITE (0xFFFFFFFF), which is never used. */
    static final long MAX_WAIT_MS = 0xFFFFFFFEL;

    /** Submits a request on {@code operation} and returns the HRESULT of the initiating call. */
    @FunctionalInterface
    interface Request {
        int submit(HcsOperationHandle operation);
    }

    private Operations() {
    }

    /**
     * Runs {@code request} and returns its result document (often null).
     *
     * @param operation the export being called, for errors
     * @param systemId the system concerned, or null
     * @throws HcsException if the request is rejected, fails, or does not finish within {@code timeout}
     */
    static String run(HcsLibrary library, String operation, String systemId, Duration timeout, Request request) {
        int timeoutMs = timeoutMs(timeout);
        ComputeCore core = library.core();
        HcsOperationHandle op = core.HcsCreateOperation(null, null);
        if (op == null) {
            throw new HcsException("HcsCreateOperation", systemId, HResult.E_OUTOFMEMORY, null);
        }
        try {
            PointerByReference document = new PointerByReference();
            int hr = request.submit(op);
            // Older HCS builds report "accepted" as OPERATION_PENDING rather than S_OK.
            if (HResult.failed(hr) && hr != HResult.HCS_E_OPERATION_PENDING) {
                core.HcsGetOperationResult(op, document);
                throw HcsException.fromResult(operation, systemId, hr, library.takeDocument(document));
            }
            hr = core.HcsWaitForOperationResult(op, timeoutMs, document);
            String result = library.takeDocument(document);
            if (HResult.failed(hr)) {
                throw HcsException.fromResult(operation, systemId, hr, result);
            }
            return result;
        } finally {
            core.HcsCloseOperation(op);
        }
    }

    /** Converts a bounded timeout to the DWORD milliseconds HCS takes, never INFINITE. */
    static int timeoutMs(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive, was " + timeout);
        }
        long ms;
        try {
            ms = timeout.toMillis();
        } catch (ArithmeticException tooLong) {
            ms = MAX_WAIT_MS;
        }
        return (int) Math.min(ms, MAX_WAIT_MS);
    }
}
