package dev.uvm.hcs.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.Native;
import com.sun.jna.ptr.PointerByReference;
import dev.uvm.hcs.HcsLibrary;
import dev.uvm.hcs.raw.HResult;
import dev.uvm.hcs.raw.Utf16String;
import dev.uvm.hcs.schema.HcsJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Steers the computecore double from tests: the simulated guest's behaviour, and the counters that
 * prove the binding leaks nothing.
 *
 * <p>The double is the library named by {@value HcsLibrary#LIBRARY_PROPERTY} (the build sets it,
 * with {@code jna.library.path}, for Surefire). Other modules' tests can use it the same way by
 * depending on this module's test jar and pointing those two properties at
 * {@code hcs/target/native} and {@code computecore_double}.
 */
public final class DoubleControl {

    private static DoubleControl instance;

    private final ComputeCoreDouble exports;

    private DoubleControl(ComputeCoreDouble exports) {
        this.exports = exports;
    }

    /** The double loaded through the same library name the binding uses. */
    public static synchronized DoubleControl get() {
        if (instance == null) {
            instance = new DoubleControl(Native.load(HcsLibrary.get().name(), ComputeCoreDouble.class));
        }
        return instance;
    }

    /** The raw control exports. */
    public ComputeCoreDouble exports() {
        return exports;
    }

    /** Forgets every system, handle and document and restores the defaults. */
    public void reset() {
        exports.DoubleReset();
    }

    /** Makes the guest ignore (or honour) shutdown requests; ignored requests stay pending. */
    public void ignoreShutdown(boolean ignore) {
        exports.DoubleIgnoreShutdown(ignore);
    }

    /** How long the double takes to complete each accepted operation. */
    public void operationDelayMs(int delayMs) {
        exports.DoubleSetOperationDelayMs(delayMs);
    }

    public int outstandingHandles() {
        return exports.DoubleOutstandingHandles();
    }

    public int unfreedDocuments() {
        return exports.DoubleUnfreedDocuments();
    }

    /** Calls that are undefined behaviour on Windows: stale handles, double frees, close from a callback. */
    public int protocolViolations() {
        return exports.DoubleProtocolViolations();
    }

    /** Systems HCS still knows about. */
    public int systemCount() {
        return exports.DoubleSystemCount();
    }

    /** The guest crashes: the system exits with UnexpectedExit. Returns the HRESULT. */
    public int crash(String id) {
        return exports.DoubleCrashSystem(Utf16String.of(id));
    }

    /** The guest powers itself off: the system exits with GracefulExit. Returns the HRESULT. */
    public int guestPowerOff(String id) {
        return exports.DoubleGuestPowerOff(Utf16String.of(id));
    }

    /** Every handle with a callback receives HcsEventServiceDisconnect. */
    public void serviceDisconnect() {
        exports.DoubleServiceDisconnect();
    }

    public void workingSetBytes(String id, long bytes) {
        check(exports.DoubleSetWorkingSetBytes(Utf16String.of(id), bytes), id);
    }

    /** The configuration document the system was created with, exactly as the double received it. */
    public String configuration(String id) {
        PointerByReference document = new PointerByReference();
        check(exports.DoubleGetConfiguration(Utf16String.of(id), document), id);
        return HcsLibrary.get().takeDocument(document);
    }

    /** Plan9 shares attached to the system, or -1 if there is no such system. */
    public int plan9Shares(String id) {
        return exports.DoublePlan9ShareCount(Utf16String.of(id));
    }

    /**
     * The system requests the double received since the last reset, in order, as
     * {@code "<export> <system id>"}: HcsCreateComputeSystem, every request on a valid system handle
     * (whatever its outcome) and HcsCloseComputeSystem.
     */
    public List<String> calls() {
        PointerByReference document = new PointerByReference();
        check(exports.DoubleCallLog(document), "the call log");
        List<String> calls = new ArrayList<>();
        for (JsonNode call : HcsJson.read(HcsLibrary.get().takeDocument(document), JsonNode.class)) {
            calls.add(call.get("Call").asText() + " " + call.get("Id").asText());
        }
        return calls;
    }

    /** The exports called for one system, in order (see {@link #calls()}). */
    public List<String> calls(String id) {
        String suffix = " " + id;
        return calls().stream().filter(c -> c.endsWith(suffix))
                .map(c -> c.substring(0, c.length() - suffix.length())).toList();
    }

    private static void check(int hr, String id) {
        if (HResult.failed(hr)) {
            throw new IllegalStateException("double: " + HResult.describe(hr) + " for " + id);
        }
    }

    /** Where hvsockets bound through the Winsock exports appear as Unix sockets (keep it short). */
    public void hvSocketDirectory(Path dir) {
        exports.DoubleHvSocketDirectory(dir.toAbsolutePath().toString());
    }

    /** The Unix socket a simulated guest connects to for the hvsocket {@code vmId}/{@code serviceId}. */
    public Path hvSocketPath(String vmId, String serviceId) {
        byte[] out = new byte[256];
        exports.DoubleHvSocketPath(vmId, serviceId, out, out.length);
        return Path.of(Native.toString(out));
    }

    /** Winsock sockets not closed with closesocket. */
    public int openSockets() {
        return exports.DoubleOpenSockets();
    }

    /** Closes every Winsock socket the binding left open. */
    public void resetWinsock() {
        exports.DoubleWinsockReset();
    }

    /** Handles CreateVirtualDisk returned that were not closed with CloseHandle. */
    public int openDiskHandles() {
        return exports.DoubleOpenDiskHandles();
    }
}
