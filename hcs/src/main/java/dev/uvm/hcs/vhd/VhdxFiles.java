package dev.uvm.hcs.vhd;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.uvm.hcs.raw.Utf16String;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Makes the VHDX files of HCS data disks through virtdisk.dll (or the library named by the system
 * property {@value #LIBRARY_PROPERTY}, which must export CloseHandle too; tests use the double).
 *
 * <p>A data disk is a dynamically growing VHDX whose file is NTFS-sparse (WSL's {@code sparseVhd}):
 * it takes host space as the guest writes, and with the guest's ext4 mounted with {@code discard}
 * and the attachment's AlwaysAllowSparseFiles, space the guest frees goes back to the host volume.
 * Blocks are 1 MiB (the default is 32 MiB), so that a trim gives back space in small pieces, as
 * WSL's disks do.
 */
public final class VhdxFiles {

    /** System property naming a library with the virtdisk ABI (and CloseHandle), used instead of virtdisk.dll. */
    public static final String LIBRARY_PROPERTY = "uvm.virtdisk.library";
    static final int BLOCK_BYTES = 1 << 20;
    private static final long SECTOR = 512;

    private static final Map<Integer, String> ERRORS = Map.of(
            2, "ERROR_FILE_NOT_FOUND",
            3, "ERROR_PATH_NOT_FOUND (the state folder does not exist)",
            5, "ERROR_ACCESS_DENIED (the service's account cannot write the state folder)",
            50, "ERROR_NOT_SUPPORTED (VHDX files need an NTFS or ReFS volume)",
            80, "ERROR_FILE_EXISTS",
            87, "ERROR_INVALID_PARAMETER",
            112, "ERROR_DISK_FULL");

    private VhdxFiles() {
    }

    /**
     * Creates {@code file}, a sparse dynamic VHDX of {@code bytes} (rounded up to whole sectors).
     *
     * @throws IOException naming the Win32 error if virtdisk refuses, or if it is not available
     */
    public static void createSparse(Path file, long bytes) throws IOException {
        Libraries libraries = Libraries.load();
        long size = (bytes + SECTOR - 1) / SECTOR * SECTOR;
        PointerByReference handle = new PointerByReference();
        try (Memory type = VirtualStorageType.vhdx();
             Memory parameters = CreateVirtualDiskParameters.version2(size, BLOCK_BYTES)) {
            int rc = libraries.virtDisk.CreateVirtualDisk(type, Utf16String.of(file.toString()),
                    VirtDisk.VIRTUAL_DISK_ACCESS_NONE, null, VirtDisk.CREATE_VIRTUAL_DISK_FLAG_SPARSE_FILE, 0,
                    parameters, null, handle);
            if (rc != 0) {
                throw new IOException("CreateVirtualDisk(" + file + ", " + size + " bytes) failed with Win32 error "
                        + rc + " " + ERRORS.getOrDefault(rc, "(see winerror.h)"));
            }
        }
        Pointer h = handle.getValue();
        if (h != null) {
            libraries.handles.CloseHandle(h);
        }
    }

    private record Libraries(VirtDisk virtDisk, VirtDisk.Handles handles) {
        static Libraries load() throws IOException {
            String override = System.getProperty(LIBRARY_PROPERTY);
            boolean overridden = override != null && !override.isBlank();
            if (!overridden && !Platform.isWindows()) {
                throw new IOException("VHDX files are made with virtdisk.dll, which only Windows has; set "
                        + LIBRARY_PROPERTY + " to a library with its ABI");
            }
            try {
                return new Libraries(Native.load(overridden ? override : "virtdisk", VirtDisk.class),
                        Native.load(overridden ? override : "kernel32", VirtDisk.Handles.class));
            } catch (UnsatisfiedLinkError e) {
                throw new IOException("cannot load virtdisk: " + e.getMessage(), e);
            }
        }
    }
}
