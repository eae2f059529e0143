package dev.uvm.hcs.hvsocket;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;

/**
 * The process-wide Winsock: ws2_32.dll on Windows, or the library named by the system property
 * {@value #LIBRARY_PROPERTY} (tests point it at the double with the same ABI), started with
 * WSAStartup(2.2) once. Winsock is never cleaned up: hvsockets live as long as the daemon.
 */
public final class WinsockLibrary {

    /** System property naming a library with the ws2_32 ABI, used instead of ws2_32.dll. */
    public static final String LIBRARY_PROPERTY = "uvm.winsock.library";

    private static Winsock started; // guarded by WinsockLibrary.class

    private WinsockLibrary() {
    }

    /**
     * Loads and starts Winsock on first use.
     *
     * @throws IOException if there is no Winsock here or WSAStartup refused version 2.2
     */
    public static synchronized Winsock get() throws IOException {
        if (started != null) {
            return started;
        }
        String override = System.getProperty(LIBRARY_PROPERTY);
        String name = override != null && !override.isBlank() ? override : Platform.isWindows() ? "ws2_32" : null;
        if (name == null) {
            throw new IOException("hvsockets need Winsock (ws2_32.dll), which only Windows has; set "
                    + LIBRARY_PROPERTY + " to a library with its ABI");
        }
        Winsock winsock;
        try {
            winsock = Native.load(name, Winsock.class);
        } catch (UnsatisfiedLinkError e) {
            throw new IOException("cannot load the Winsock library '" + name + "': " + e.getMessage(), e);
        }
        try (Memory data = new Memory(WsaData.SIZE)) {
            int rc = winsock.WSAStartup(Winsock.VERSION_2_2, data);
            if (rc != 0) {
                throw new WinsockException("WSAStartup", rc, "Winsock 2.2 is needed");
            }
        }
        started = winsock;
        return winsock;
    }
}
