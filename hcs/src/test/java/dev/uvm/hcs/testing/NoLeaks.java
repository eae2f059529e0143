package dev.uvm.hcs.testing;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs each test against a freshly reset double and fails it if, at the end, any handle is still
 * open, any result document was not freed, any call was undefined behaviour on Windows, or any
 * Winsock socket or virtual disk handle was left open.
 */
public final class NoLeaks implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        DoubleControl.get().reset();
        DoubleControl.get().resetWinsock();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        DoubleControl control = DoubleControl.get();
        int handles = control.outstandingHandles();
        int documents = control.unfreedDocuments();
        int violations = control.protocolViolations();
        int sockets = control.openSockets();
        int disks = control.openDiskHandles();
        control.reset();
        control.resetWinsock();
        assertAll("computecore double after " + context.getDisplayName(),
                () -> assertEquals(0, handles, "outstanding HCS handles"),
                () -> assertEquals(0, documents, "result documents not freed with LocalFree"),
                () -> assertEquals(0, violations, "protocol violations"),
                () -> assertEquals(0, sockets, "Winsock sockets not closed with closesocket"),
                () -> assertEquals(0, disks, "CreateVirtualDisk handles not closed with CloseHandle"));
    }
}
