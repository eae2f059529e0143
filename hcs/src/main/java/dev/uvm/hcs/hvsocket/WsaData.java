package dev.uvm.hcs.hvsocket;

/**
 * {@code WSADATA} as WSAStartup fills it on 64-bit Windows, where the two strings come last:
 * {@code WORD wVersion} at 0, {@code WORD wHighVersion} at 2, {@code unsigned short iMaxSockets}
 * at 4, {@code unsigned short iMaxUdpDg} at 6, {@code char *lpVendorInfo} at 8,
 * {@code char szDescription[257]} at 16, {@code char szSystemStatus[129]} at 273, padded to the
 * pointer's alignment: 408 bytes. Only the version is read.
 */
public final class WsaData {
    public static final int VERSION_OFFSET = 0;
    public static final int HIGH_VERSION_OFFSET = 2;
    public static final int VENDOR_INFO_OFFSET = 8;
    public static final int DESCRIPTION_OFFSET = 16;
    public static final int DESCRIPTION_BYTES = 257;
    public static final int SYSTEM_STATUS_OFFSET = DESCRIPTION_OFFSET + DESCRIPTION_BYTES;
    public static final int SYSTEM_STATUS_BYTES = 129;
    public static final int SIZE = align8(SYSTEM_STATUS_OFFSET + SYSTEM_STATUS_BYTES);

    private WsaData() {
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }
}
