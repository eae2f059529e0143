package dev.uvm.hcs.vhd;

import com.sun.jna.Memory;

/**
 * {@code CREATE_VIRTUAL_DISK_PARAMETERS} with {@code Version = CREATE_VIRTUAL_DISK_VERSION_2}, at
 * explicit offsets for x64: the enum {@code Version} at 0, then the union, aligned to 8 for its
 * ULONGLONG and pointers: {@code GUID UniqueId} at 8, {@code ULONGLONG MaximumSize} at 24,
 * {@code ULONG BlockSizeInBytes} at 32, {@code SectorSizeInBytes} at 36,
 * {@code PhysicalSectorSizeInBytes} at 40, {@code PCWSTR ParentPath} at 48, {@code PCWSTR SourcePath}
 * at 56, {@code OPEN_VIRTUAL_DISK_FLAG OpenFlags} at 64, {@code VIRTUAL_STORAGE_TYPE
 * ParentVirtualStorageType} at 68, {@code SourceVirtualStorageType} at 88, {@code GUID ResiliencyGuid}
 * at 108; 128 bytes with the tail padding. Zero means "the default" for the GUIDs and sizes.
 */
final class CreateVirtualDiskParameters {
    static final int VERSION_OFFSET = 0;
    static final int UNIQUE_ID_OFFSET = 8;
    static final int MAXIMUM_SIZE_OFFSET = 24;
    static final int BLOCK_SIZE_OFFSET = 32;
    static final int SECTOR_SIZE_OFFSET = 36;
    static final int PHYSICAL_SECTOR_SIZE_OFFSET = 40;
    static final int PARENT_PATH_OFFSET = 48;
    static final int SOURCE_PATH_OFFSET = 56;
    static final int OPEN_FLAGS_OFFSET = 64;
    static final int PARENT_STORAGE_TYPE_OFFSET = 68;
    static final int SOURCE_STORAGE_TYPE_OFFSET = PARENT_STORAGE_TYPE_OFFSET + VirtualStorageType.SIZE;
    static final int RESILIENCY_GUID_OFFSET = SOURCE_STORAGE_TYPE_OFFSET + VirtualStorageType.SIZE;
    static final int SIZE = 128;
    static final int VERSION_2 = 2;

    private CreateVirtualDiskParameters() {
    }

    /** A new, empty, dynamically growing disk of {@code maximumSize} bytes in blocks of {@code blockSize}. */
    static Memory version2(long maximumSize, int blockSize) {
        Memory m = new Memory(SIZE);
        m.clear();
        m.setInt(VERSION_OFFSET, VERSION_2);
        m.setLong(MAXIMUM_SIZE_OFFSET, maximumSize);
        m.setInt(BLOCK_SIZE_OFFSET, blockSize);
        return m;
    }
}
