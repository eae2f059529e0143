package dev.uvm.hcs.vhd;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.uvm.hcs.raw.Utf16String;

/**
 * The virtdisk.dll export that makes a VHDX, typed as virtdisk.h has it on x64; it returns a Win32
 * error code (0 is success), not an HRESULT. Structures are memory laid out by
 * {@link CreateVirtualDiskParameters} and {@link VirtualStorageType}.
 */
public interface VirtDisk extends Library {

    /** {@code CREATE_VIRTUAL_DISK_FLAG_SPARSE_FILE}: the VHDX file is NTFS-sparse. */
    int CREATE_VIRTUAL_DISK_FLAG_SPARSE_FILE = 0x80;
    /** {@code VIRTUAL_DISK_ACCESS_NONE}: required with version 2 parameters. */
    int VIRTUAL_DISK_ACCESS_NONE = 0;

    int CreateVirtualDisk(Pointer virtualStorageType, Utf16String path, int virtualDiskAccessMask,
            Pointer securityDescriptor, int flags, int providerSpecificFlags, Pointer parameters, Pointer overlapped,
            PointerByReference handle);

    /** kernel32's CloseHandle, for the handle CreateVirtualDisk returns. */
    interface Handles extends Library {
        boolean CloseHandle(Pointer handle);
    }
}
