package dev.uvm.hcs.vhd;

import com.sun.jna.Memory;

/**
 * {@code VIRTUAL_STORAGE_TYPE} at explicit offsets: {@code ULONG DeviceId} at 0, {@code GUID VendorId}
 * at 4 (Data1 u32, Data2 and Data3 u16 little-endian, Data4 bytes): 20 bytes.
 */
final class VirtualStorageType {
    static final int DEVICE_ID_OFFSET = 0;
    static final int VENDOR_ID_OFFSET = 4;
    static final int SIZE = 20;
    /** {@code VIRTUAL_STORAGE_TYPE_DEVICE_VHDX}. */
    static final int DEVICE_VHDX = 3;
    /** {@code VIRTUAL_STORAGE_TYPE_VENDOR_MICROSOFT}, {EC984AEC-A0F9-47E9-901F-71415A66345B}, in memory order. */
    static final byte[] VENDOR_MICROSOFT = {(byte) 0xEC, 0x4A, (byte) 0x98, (byte) 0xEC, (byte) 0xF9, (byte) 0xA0,
        (byte) 0xE9, 0x47, (byte) 0x90, 0x1F, 0x71, 0x41, 0x5A, 0x66, 0x34, 0x5B};

    private VirtualStorageType() {
    }

    /** A VHDX from Microsoft, in memory the caller frees. */
    static Memory vhdx() {
        Memory m = new Memory(SIZE);
        m.clear();
        m.setInt(DEVICE_ID_OFFSET, DEVICE_VHDX);
        m.write(VENDOR_ID_OFFSET, VENDOR_MICROSOFT, 0, VENDOR_MICROSOFT.length);
        return m;
    }
}
