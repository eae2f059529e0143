package dev.uvm.hcs.hvsocket;

import java.io.IOException;
import java.util.Map;

/** A Winsock call failed: the call, the WSAGetLastError code with its winerror.h name, and what was done. */
public final class WinsockException extends IOException {
    private static final long serialVersionUID = 1L;

    public static final int WSAEINTR = 10004;
    public static final int WSAEACCES = 10013;
    public static final int WSAEFAULT = 10014;
    public static final int WSAEINVAL = 10022;
    public static final int WSAEWOULDBLOCK = 10035;
    public static final int WSAENOTSOCK = 10038;
    public static final int WSAEAFNOSUPPORT = 10047;
    public static final int WSAEADDRINUSE = 10048;
    public static final int WSAEADDRNOTAVAIL = 10049;
    public static final int WSAECONNABORTED = 10053;
    public static final int WSAECONNRESET = 10054;
    public static final int WSAESHUTDOWN = 10058;
    public static final int WSANOTINITIALISED = 10093;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(WSAEINTR, "WSAEINTR"),
            Map.entry(WSAEACCES, "WSAEACCES (the VM's hvsocket settings do not let this account bind the service)"),
            Map.entry(WSAEFAULT, "WSAEFAULT"),
            Map.entry(WSAEINVAL, "WSAEINVAL"),
            Map.entry(WSAEWOULDBLOCK, "WSAEWOULDBLOCK"),
            Map.entry(WSAENOTSOCK, "WSAENOTSOCK"),
            Map.entry(10043, "WSAEPROTONOSUPPORT"),
            Map.entry(10044, "WSAESOCKTNOSUPPORT"),
            Map.entry(10045, "WSAEOPNOTSUPP"),
            Map.entry(WSAEAFNOSUPPORT, "WSAEAFNOSUPPORT (no hvsocket support: Windows 10 1809 or later with the"
                    + " Virtual Machine Platform is needed)"),
            Map.entry(WSAEADDRINUSE, "WSAEADDRINUSE (another process listens on this VM's service)"),
            Map.entry(WSAEADDRNOTAVAIL, "WSAEADDRNOTAVAIL (no running VM has this id)"),
            Map.entry(WSAECONNABORTED, "WSAECONNABORTED"),
            Map.entry(WSAECONNRESET, "WSAECONNRESET"),
            Map.entry(10057, "WSAENOTCONN"),
            Map.entry(WSAESHUTDOWN, "WSAESHUTDOWN"),
            Map.entry(10060, "WSAETIMEDOUT"),
            Map.entry(10092, "WSAVERNOTSUPPORTED"),
            Map.entry(WSANOTINITIALISED, "WSANOTINITIALISED"));

    private final int code;

    public WinsockException(String call, int code, String context) {
        super(call + " failed with " + code + " " + NAMES.getOrDefault(code, "(see winerror.h)") + ": " + context);
        this.code = code;
    }

    /** The WSAGetLastError code. */
    public int code() {
        return code;
    }
}
