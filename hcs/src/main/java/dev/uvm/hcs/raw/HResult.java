package dev.uvm.hcs.raw;

import java.util.Map;

/**
 * HRESULT values that HCS returns, kept as raw signed 32-bit ints (failures are negative).
 *
 * <p>Names follow ComputeCore's HCSHResult reference and winerror.h. Result documents may carry
 * the v1 form {@code 0xC037xxxx} of an HCS code; {@link #normalize(int)} maps it to
 * {@code 0x8037xxxx}. The value returned by the API call is the authoritative one.
 */
public final class HResult {

    public static final int S_OK = 0;
    public static final int E_NOTIMPL = 0x80004001;
    public static final int E_POINTER = 0x80004003;
    public static final int E_FAIL = 0x80004005;
    public static final int E_UNEXPECTED = 0x8000FFFF;
    public static final int E_ACCESSDENIED = 0x80070005;
    /** HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE): a closed or foreign handle. */
    public static final int E_HANDLE = 0x80070006;
    /** HRESULT_FROM_WIN32(ERROR_INVALID_DATA). */
    public static final int E_INVALID_DATA = 0x8007000D;
    public static final int E_OUTOFMEMORY = 0x8007000E;
    public static final int E_INVALIDARG = 0x80070057;
    /** HRESULT_FROM_WIN32(ERROR_BAD_REQUEST). */
    public static final int E_BAD_REQUEST = 0x80070490;

    public static final int HCS_E_TERMINATED_DURING_START = 0x80370100;
    public static final int HCS_E_IMAGE_MISMATCH = 0x80370101;
    public static final int HCS_E_HYPERV_NOT_INSTALLED = 0x80370102;
    public static final int HCS_E_INVALID_STATE = 0x80370105;
    public static final int HCS_E_UNEXPECTED_EXIT = 0x80370106;
    public static final int HCS_E_TERMINATED = 0x80370107;
    public static final int HCS_E_CONNECT_FAILED = 0x80370108;
    public static final int HCS_E_CONNECTION_TIMEOUT = 0x80370109;
    public static final int HCS_E_CONNECTION_CLOSED = 0x8037010A;
    public static final int HCS_E_UNKNOWN_MESSAGE = 0x8037010B;
    public static final int HCS_E_UNSUPPORTED_PROTOCOL_VERSION = 0x8037010C;
    public static final int HCS_E_INVALID_JSON = 0x8037010D;
    public static final int HCS_E_SYSTEM_BAD_REQUEST = 0x8037010E;
    public static final int HCS_E_SYSTEM_ALREADY_EXISTS = 0x8037010F;
    public static final int HCS_E_SYSTEM_ALREADY_STOPPED = 0x80370110;
    public static final int HCS_E_PROTOCOL_ERROR = 0x80370111;
    public static final int HCS_E_INVALID_LAYER = 0x80370112;
    public static final int HCS_E_WINDOWS_INSIDER_REQUIRED = 0x80370113;
    public static final int HCS_E_SERVICE_NOT_AVAILABLE = 0x80370114;
    public static final int HCS_E_OPERATION_NOT_STARTED = 0x80370115;
    public static final int HCS_E_OPERATION_ALREADY_STARTED = 0x80370116;
    public static final int HCS_E_OPERATION_PENDING = 0x80370117;
    public static final int HCS_E_OPERATION_TIMEOUT = 0x80370118;
    public static final int HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET = 0x80370119;
    public static final int HCS_E_OPERATION_RESULT_ALLOCATION_FAILED = 0x8037011A;
    public static final int HCS_E_ACCESS_DENIED = 0x8037011B;
    public static final int HCS_E_GUEST_CRITICAL_ERROR = 0x8037011C;
    public static final int HCS_E_PROCESS_INFO_NOT_AVAILABLE = 0x8037011D;
    public static final int HCS_E_SERVICE_DISCONNECT = 0x8037011E;
    public static final int HCS_E_PROCESS_ALREADY_STOPPED = 0x8037011F;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(S_OK, "S_OK"),
            Map.entry(E_NOTIMPL, "E_NOTIMPL"),
            Map.entry(E_POINTER, "E_POINTER"),
            Map.entry(E_FAIL, "E_FAIL"),
            Map.entry(E_UNEXPECTED, "E_UNEXPECTED"),
            Map.entry(E_ACCESSDENIED, "E_ACCESSDENIED"),
            Map.entry(E_HANDLE, "E_HANDLE"),
            Map.entry(E_INVALID_DATA, "ERROR_INVALID_DATA"),
            Map.entry(E_OUTOFMEMORY, "E_OUTOFMEMORY"),
            Map.entry(E_INVALIDARG, "E_INVALIDARG"),
            Map.entry(E_BAD_REQUEST, "ERROR_BAD_REQUEST"),
            Map.entry(HCS_E_TERMINATED_DURING_START, "HCS_E_TERMINATED_DURING_START"),
            Map.entry(HCS_E_IMAGE_MISMATCH, "HCS_E_IMAGE_MISMATCH"),
            Map.entry(HCS_E_HYPERV_NOT_INSTALLED, "HCS_E_HYPERV_NOT_INSTALLED"),
            Map.entry(HCS_E_INVALID_STATE, "HCS_E_INVALID_STATE"),
            Map.entry(HCS_E_UNEXPECTED_EXIT, "HCS_E_UNEXPECTED_EXIT"),
            Map.entry(HCS_E_TERMINATED, "HCS_E_TERMINATED"),
            Map.entry(HCS_E_CONNECT_FAILED, "HCS_E_CONNECT_FAILED"),
            Map.entry(HCS_E_CONNECTION_TIMEOUT, "HCS_E_CONNECTION_TIMEOUT"),
            Map.entry(HCS_E_CONNECTION_CLOSED, "HCS_E_CONNECTION_CLOSED"),
            Map.entry(HCS_E_UNKNOWN_MESSAGE, "HCS_E_UNKNOWN_MESSAGE"),
            Map.entry(HCS_E_UNSUPPORTED_PROTOCOL_VERSION, "HCS_E_UNSUPPORTED_PROTOCOL_VERSION"),
            Map.entry(HCS_E_INVALID_JSON, "HCS_E_INVALID_JSON"),
            Map.entry(HCS_E_SYSTEM_BAD_REQUEST, "HCS_E_SYSTEM_BAD_REQUEST"),
            Map.entry(HCS_E_SYSTEM_ALREADY_EXISTS, "HCS_E_SYSTEM_ALREADY_EXISTS"),
            Map.entry(HCS_E_SYSTEM_ALREADY_STOPPED, "HCS_E_SYSTEM_ALREADY_STOPPED"),
            Map.entry(HCS_E_PROTOCOL_ERROR, "HCS_E_PROTOCOL_ERROR"),
            Map.entry(HCS_E_INVALID_LAYER, "HCS_E_INVALID_LAYER"),
            Map.entry(HCS_E_WINDOWS_INSIDER_REQUIRED, "HCS_E_WINDOWS_INSIDER_REQUIRED"),
            Map.entry(HCS_E_SERVICE_NOT_AVAILABLE, "HCS_E_SERVICE_NOT_AVAILABLE"),
            Map.entry(HCS_E_OPERATION_NOT_STARTED, "HCS_E_OPERATION_NOT_STARTED"),
            Map.entry(HCS_E_OPERATION_ALREADY_STARTED, "HCS_E_OPERATION_ALREADY_STARTED"),
            Map.entry(HCS_E_OPERATION_PENDING, "HCS_E_OPERATION_PENDING"),
            Map.entry(HCS_E_OPERATION_TIMEOUT, "HCS_E_OPERATION_TIMEOUT"),
            Map.entry(HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET, "HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET"),
            Map.entry(HCS_E_OPERATION_RESULT_ALLOCATION_FAILED, "HCS_E_OPERATION_RESULT_ALLOCATION_FAILED"),
            Map.entry(HCS_E_ACCESS_DENIED, "HCS_E_ACCESS_DENIED"),
            Map.entry(HCS_E_GUEST_CRITICAL_ERROR, "HCS_E_GUEST_CRITICAL_ERROR"),
            Map.entry(HCS_E_PROCESS_INFO_NOT_AVAILABLE, "HCS_E_PROCESS_INFO_NOT_AVAILABLE"),
            Map.entry(HCS_E_SERVICE_DISCONNECT, "HCS_E_SERVICE_DISCONNECT"),
            Map.entry(HCS_E_PROCESS_ALREADY_STOPPED, "HCS_E_PROCESS_ALREADY_STOPPED"));

    private HResult() {
    }

    public static boolean failed(int hr) {
        return hr < 0;
    }

    /** Maps the v1 form {@code 0xC037xxxx} of an HCS code to {@code 0x8037xxxx}; other values pass through. */
    public static int normalize(int hr) {
        return (hr & 0xFFFF0000) == 0xC0370000 ? (hr & 0x0000FFFF) | 0x80370000 : hr;
    }

    /** The symbolic name of {@code hr} (after {@link #normalize}), or null when it is not a known code. */
    public static String name(int hr) {
        return NAMES.get(normalize(hr));
    }

    /** {@code NAME (0x8037010D)} when the code is known, otherwise {@code 0x80004005}. */
    public static String describe(int hr) {
        String name = name(hr);
        String hex = String.format("0x%08X", hr);
        return name == null ? hex : name + " (" + hex + ")";
    }
}
