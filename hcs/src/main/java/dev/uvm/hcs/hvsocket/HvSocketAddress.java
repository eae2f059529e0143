package dev.uvm.hcs.hvsocket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * An hvsocket address, {@code SOCKADDR_HV} of hvsocket.h, written at explicit offsets:
 * {@code ADDRESS_FAMILY Family} (u16, {@link Winsock#AF_HYPERV}) at 0, {@code USHORT Reserved} (0)
 * at 2, {@code GUID VmId} at 4, {@code GUID ServiceId} at 20: 36 bytes, no padding (GUIDs align to 4).
 * A GUID is stored as Windows does: {@code Data1} (u32), {@code Data2} and {@code Data3} (u16)
 * little-endian, then the 8 bytes of {@code Data4} in text order.
 *
 * @param vmId the partition: a utility VM's RuntimeId, or one of the well-known wildcards
 * @param serviceId the service; a Linux guest's vsock port {@code p} is {@link #vsockService}(p)
 */
public record HvSocketAddress(UUID vmId, UUID serviceId) {
    public static final int FAMILY_OFFSET = 0;
    public static final int RESERVED_OFFSET = 2;
    public static final int VM_ID_OFFSET = 4;
    public static final int SERVICE_ID_OFFSET = 20;
    public static final int GUID_BYTES = 16;
    public static final int SIZE = SERVICE_ID_OFFSET + GUID_BYTES;

    /**
     * Hyper-V's template for Linux guests: vsock port {@code p} is the service
     * {@code pppppppp-FACB-11E6-BD58-64006A7986D3} (p as eight hex digits).
     */
    static final long VSOCK_TEMPLATE_LOW_BITS = 0xBD58_6400_6A79_86D3L;
    static final long VSOCK_TEMPLATE_MID_BITS = 0xFACB_11E6L;

    public HvSocketAddress {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(serviceId, "serviceId");
    }

    /** The hvsocket service a Linux guest connects to as AF_VSOCK port {@code port}. */
    public static UUID vsockService(int port) {
        return new UUID((Integer.toUnsignedLong(port) << 32) | VSOCK_TEMPLATE_MID_BITS, VSOCK_TEMPLATE_LOW_BITS);
    }

    /** The vsock port of a service made from the template, or -1 for any other service. */
    public static long vsockPort(UUID serviceId) {
        boolean template = (serviceId.getMostSignificantBits() & 0xFFFF_FFFFL) == VSOCK_TEMPLATE_MID_BITS
                && serviceId.getLeastSignificantBits() == VSOCK_TEMPLATE_LOW_BITS;
        return template ? serviceId.getMostSignificantBits() >>> 32 : -1;
    }

    /** A GUID as HCS documents and hvsocket.h spell it: upper case, no braces. */
    public static String text(UUID guid) {
        return guid.toString().toUpperCase(Locale.ROOT);
    }

    /** The 36 bytes of {@code SOCKADDR_HV}. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(FAMILY_OFFSET, (short) Winsock.AF_HYPERV);
        b.putShort(RESERVED_OFFSET, (short) 0);
        putGuid(b, VM_ID_OFFSET, vmId);
        putGuid(b, SERVICE_ID_OFFSET, serviceId);
        return b.array();
    }

    /**
     * Reads a {@code SOCKADDR_HV}.
     *
     * @throws IllegalArgumentException if it is not 36 bytes of family AF_HYPERV
     */
    public static HvSocketAddress fromBytes(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("SOCKADDR_HV is " + SIZE + " bytes, not " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getShort(FAMILY_OFFSET) != Winsock.AF_HYPERV) {
            throw new IllegalArgumentException("address family " + b.getShort(FAMILY_OFFSET) + " is not AF_HYPERV");
        }
        return new HvSocketAddress(getGuid(b, VM_ID_OFFSET), getGuid(b, SERVICE_ID_OFFSET));
    }

    private static void putGuid(ByteBuffer b, int offset, UUID guid) {
        long high = guid.getMostSignificantBits();
        b.putInt(offset, (int) (high >>> 32));
        b.putShort(offset + 4, (short) (high >>> 16));
        b.putShort(offset + 6, (short) high);
        long low = guid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            b.put(offset + 8 + i, (byte) (low >>> (56 - 8 * i)));
        }
    }

    private static UUID getGuid(ByteBuffer b, int offset) {
        long high = (Integer.toUnsignedLong(b.getInt(offset)) << 32)
                | (Short.toUnsignedLong(b.getShort(offset + 4)) << 16)
                | Short.toUnsignedLong(b.getShort(offset + 6));
        long low = 0;
        for (int i = 0; i < 8; i++) {
            low = (low << 8) | (b.get(offset + 8 + i) & 0xFF);
        }
        return new UUID(high, low);
    }

    @Override
    public String toString() {
        long port = vsockPort(serviceId);
        return "hvsocket " + text(vmId) + "/" + text(serviceId) + (port >= 0 ? " (vsock port " + port + ")" : "");
    }
}
