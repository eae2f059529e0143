package dev.uvm.hcs;

import dev.uvm.hcs.raw.HResult;
import dev.uvm.hcs.schema.ErrorEvent;
import dev.uvm.hcs.schema.HcsJson;
import dev.uvm.hcs.schema.ResultError;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A failed HCS call: which export, on which system, the HRESULT it returned, and HCS's own error
 * message and events from the result document.
 *
 * <p>The HRESULT returned by the API is authoritative; the {@code Error} inside the document is
 * only informational (it may use the v1 {@code 0xC037xxxx} form). The predicates answer the
 * questions callers actually ask, so they need not compare codes.
 */
public class HcsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String systemId;
    private final int hresult;
    private final transient ResultError resultError;

    /**
     * @param operation the computecore export that failed, such as {@code HcsStartComputeSystem}
     * @param systemId the compute system's id, or null for calls without one
     * @param resultError the parsed result document, or null when there was none
     */
    public HcsException(String operation, String systemId, int hresult, ResultError resultError) {
        this(operation, systemId, hresult, resultError, describe(operation, systemId, hresult, resultError), null);
    }

    protected HcsException(String operation, String systemId, int hresult, ResultError resultError, String message,
            Throwable cause) {
        super(message, cause);
        this.operation = operation;
        this.systemId = systemId;
        this.hresult = hresult;
        this.resultError = resultError;
    }

    /** Builds the exception from a result document, which may be null or not a ResultError. */
    static HcsException fromResult(String operation, String systemId, int hresult, String resultDocument) {
        return new HcsException(operation, systemId, hresult, parse(resultDocument));
    }

    private static ResultError parse(String resultDocument) {
        if (resultDocument == null || resultDocument.isBlank()) {
            return null;
        }
        try {
            return HcsJson.read(resultDocument, ResultError.class);
        } catch (RuntimeException notAResultError) {
            return new ResultError(null, resultDocument, null, null);
        }
    }

    private static String describe(String operation, String systemId, int hresult, ResultError error) {
        StringBuilder message = new StringBuilder(operation);
        if (systemId != null) {
            message.append(" (system ").append(systemId).append(')');
        }
        message.append(" failed: ").append(HResult.describe(hresult));
        if (error != null && error.errorMessage() != null) {
            message.append(": ").append(error.errorMessage());
        }
        if (error != null && error.errorEvents() != null && !error.errorEvents().isEmpty()) {
            message.append(error.errorEvents().stream()
                    .map(ErrorEvent::message)
                    .collect(Collectors.joining("; ", " [events: ", "]")));
        }
        return message.toString();
    }

    /** The computecore export that failed. */
    public String operation() {
        return operation;
    }

    /** The compute system's id, or null. */
    public String systemId() {
        return systemId;
    }

    /** The raw HRESULT returned by the API (negative for failures). */
    public int hresult() {
        return hresult;
    }

    /** The HRESULT's symbolic name, such as {@code HCS_E_INVALID_STATE}, or null when unknown. */
    public String hresultName() {
        return HResult.name(hresult);
    }

    /** HCS's message from the result document, or null. */
    public String errorMessage() {
        return resultError == null ? null : resultError.errorMessage();
    }

    /** HCS's error events from the result document; empty when there were none. */
    public List<ErrorEvent> errorEvents() {
        return resultError == null || resultError.errorEvents() == null ? List.of() : resultError.errorEvents();
    }

    /** The whole parsed result document, or null. */
    public ResultError resultError() {
        return resultError;
    }

    /** The system was not running, or was already stopped by an earlier request. */
    public boolean isAlreadyStopped() {
        return hresult == HResult.HCS_E_SYSTEM_ALREADY_STOPPED;
    }

    /** No compute system has that id (any more). */
    public boolean isNotFound() {
        return hresult == HResult.HCS_E_SYSTEM_BAD_REQUEST || hresult == HResult.E_BAD_REQUEST;
    }

    public boolean isAlreadyExists() {
        return hresult == HResult.HCS_E_SYSTEM_ALREADY_EXISTS;
    }

    /** The request is not valid in the system's current state (for example pausing a paused system). */
    public boolean isInvalidState() {
        return hresult == HResult.HCS_E_INVALID_STATE;
    }

    /** HCS rejected a JSON document. */
    public boolean isInvalidJson() {
        return hresult == HResult.HCS_E_INVALID_JSON || hresult == HResult.E_INVALID_DATA;
    }

    /** The bounded wait ran out; the request itself may still complete inside HCS. */
    public boolean isTimeout() {
        return hresult == HResult.HCS_E_OPERATION_TIMEOUT;
    }

    /** The caller is neither an administrator nor in "Hyper-V Administrators", or a file is not readable by the VM. */
    public boolean isAccessDenied() {
        return hresult == HResult.HCS_E_ACCESS_DENIED || hresult == HResult.E_ACCESSDENIED;
    }
}
