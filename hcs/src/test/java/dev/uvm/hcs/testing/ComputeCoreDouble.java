package dev.uvm.hcs.testing;

import com.sun.jna.Library;
import com.sun.jna.ptr.PointerByReference;
import dev.uvm.hcs.raw.Utf16String;

/**
 * The test-control exports of the computecore ABI double (src/test/c/double_control.c). They are
 * not part of HCS; see {@link DoubleControl} for a friendlier wrapper.
 */
public interface ComputeCoreDouble extends Library {

    void DoubleReset();

    void DoubleIgnoreShutdown(boolean ignore);

    void DoubleSetOperationDelayMs(int delayMs);

    int DoubleOutstandingHandles();

    int DoubleUnfreedDocuments();

    int DoubleProtocolViolations();

    int DoubleSystemCount();

    int DoubleCrashSystem(Utf16String id);

    int DoubleGuestPowerOff(Utf16String id);

    void DoubleServiceDisconnect();

    int DoubleSetWorkingSetBytes(Utf16String id, long bytes);

    int DoubleGetConfiguration(Utf16String id, PointerByReference configuration);

    int DoublePlan9ShareCount(Utf16String id);

    int DoubleCallLog(PointerByReference log);

    // ---- the ws2_32 half (winsock_double.c)

    void DoubleHvSocketDirectory(String dir);

    void DoubleHvSocketPath(String vmId, String serviceId, byte[] out, int size);

    int DoubleOpenSockets();

    void DoubleWinsockReset();

    // ---- the virtdisk half (virtdisk_double.c)

    int DoubleOpenDiskHandles();
}
