package dev.uvm.hcs.raw;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The computecore.dll exports (ComputeCore.h, HCS v2), one method per export with the same name,
 * parameter order and widths.
 *
 * <p>Types: {@code HRESULT}, {@code DWORD} and the C enums are {@code int} ({@code INFINITE} is
 * {@code -1}); {@code PCWSTR} is {@link Utf16String}; {@code PWSTR*} out parameters are
 * {@link PointerByReference} whose value, when non-null, is a UTF-16 document the caller must
 * release with {@link LocalMemory#LocalFree}. The functions are {@code WINAPI}, which is the single
 * platform convention on x64 and ARM64, so this is a plain {@link Library}.
 *
 * <p>An initiating call (Create, Start, ...) returning {@code S_OK} only means the request was
 * accepted; the outcome comes from the operation (HcsWaitForOperationResult).
 */
public interface ComputeCore extends Library {

    /** {@code GENERIC_ALL}, the only access HcsOpenComputeSystem accepts. */
    int GENERIC_ALL = 0x10000000;

    /** {@code INFINITE}; the object layer never uses it. */
    int INFINITE = -1;

    // ---- operations ----

    /** Returns NULL when the operation cannot be allocated. */
    HcsOperationHandle HcsCreateOperation(Pointer context, HcsOperationCompletion callback);

    void HcsCloseOperation(HcsOperationHandle operation);

    int HcsWaitForOperationResult(HcsOperationHandle operation, int timeoutMs, PointerByReference resultDocument);

    int HcsGetOperationResult(HcsOperationHandle operation, PointerByReference resultDocument);

    int HcsSetOperationCallback(HcsOperationHandle operation, Pointer context, HcsOperationCompletion callback);

    // ---- compute systems ----

    /** {@code securityDescriptor} is reserved and must be NULL; the handle is returned even though creation completes later. */
    int HcsCreateComputeSystem(Utf16String id, Utf16String configuration, HcsOperationHandle operation,
            Pointer securityDescriptor, PointerByReference computeSystem);

    int HcsOpenComputeSystem(Utf16String id, int requestedAccess, PointerByReference computeSystem);

    /** Unregisters the event callback and waits for callbacks already running. */
    void HcsCloseComputeSystem(HcsSystemHandle computeSystem);

    int HcsStartComputeSystem(HcsSystemHandle computeSystem, HcsOperationHandle operation, Utf16String options);

    int HcsShutDownComputeSystem(HcsSystemHandle computeSystem, HcsOperationHandle operation, Utf16String options);

    int HcsTerminateComputeSystem(HcsSystemHandle computeSystem, HcsOperationHandle operation, Utf16String options);

    int HcsPauseComputeSystem(HcsSystemHandle computeSystem, HcsOperationHandle operation, Utf16String options);

    int HcsResumeComputeSystem(HcsSystemHandle computeSystem, HcsOperationHandle operation, Utf16String options);

    int HcsSaveComputeSystem(HcsSystemHandle computeSystem, HcsOperationHandle operation, Utf16String options);

    int HcsGetComputeSystemProperties(HcsSystemHandle computeSystem, HcsOperationHandle operation,
            Utf16String propertyQuery);

    /** {@code identity} is an optional token handle; pass NULL. */
    int HcsModifyComputeSystem(HcsSystemHandle computeSystem, HcsOperationHandle operation,
            Utf16String configuration, Pointer identity);

    int HcsEnumerateComputeSystems(Utf16String query, HcsOperationHandle operation);

    /** One callback per handle; a second registration fails with HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET. */
    int HcsSetComputeSystemCallback(HcsSystemHandle computeSystem, int callbackOptions, Pointer context,
            HcsEventCallback callback);

    /**
     * Lets the worker process of compute system {@code vmId} open {@code filePath} (adds the VM's
     * account to the file's ACL), as WSL does for its VHDs; may be called before the system exists.
     */
    int HcsGrantVmAccess(Utf16String vmId, Utf16String filePath);

    int HcsWaitForComputeSystemExit(HcsSystemHandle computeSystem, int timeoutMs, PointerByReference result);
}
