package dev.uvm.hcs.vhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import dev.uvm.hcs.ComputeSystem;
import dev.uvm.hcs.HcsException;
import dev.uvm.hcs.LinuxUtilityVmSpec;
import dev.uvm.hcs.ScsiDiskSpec;
import dev.uvm.hcs.UtilityVm;
import dev.uvm.hcs.testing.DoubleControl;
import dev.uvm.hcs.testing.NoLeaks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data disks: the virtdisk structures against virtdisk.h's x64 layout, CreateVirtualDisk through the
 * double (which checks the parameters), and a document with the disk on SCSI, which the double
 * accepts only for a VHDX the VM was granted access to.
 */
@ExtendWith(NoLeaks.class)
class VhdxFilesTest {

    @TempDir
    Path tmp;

    @Test
    void layouts_asVirtdiskHDocumentsThemForX64() {
        assertEquals(20, VirtualStorageType.SIZE);
        assertEquals(4, VirtualStorageType.VENDOR_ID_OFFSET);
        assertEquals(24, CreateVirtualDiskParameters.MAXIMUM_SIZE_OFFSET);
        assertEquals(32, CreateVirtualDiskParameters.BLOCK_SIZE_OFFSET);
        assertEquals(48, CreateVirtualDiskParameters.PARENT_PATH_OFFSET);
        assertEquals(64, CreateVirtualDiskParameters.OPEN_FLAGS_OFFSET);
        assertEquals(68, CreateVirtualDiskParameters.PARENT_STORAGE_TYPE_OFFSET);
        assertEquals(88, CreateVirtualDiskParameters.SOURCE_STORAGE_TYPE_OFFSET);
        assertEquals(108, CreateVirtualDiskParameters.RESILIENCY_GUID_OFFSET);
        assertEquals(128, CreateVirtualDiskParameters.SIZE);
        try (Memory vhdx = VirtualStorageType.vhdx()) {
            // DeviceId 3 (VHDX), then {EC984AEC-A0F9-47E9-901F-71415A66345B} in memory order
            assertArrayEquals(HexFormat.of().parseHex("03000000" + "ec4a98ec" + "f9a0" + "e947" + "901f71415a66345b"),
                    vhdx.getByteArray(0, 20));
        }
    }

    @Test
    void createSparse_makesAVhdxWithOneMibBlocks_andRefusesToOverwrite() throws Exception {
        Path disk = tmp.resolve("d.vhdx");
        VhdxFiles.createSparse(disk, (1L << 30) + 1);

        assertEquals(List.of("vhdxfile", "uvm-double size=1073742336 block=1048576 sparse=1"), Files.readAllLines(disk),
                "rounded up to whole 512-byte sectors, sparse");
        IOException e = assertThrows(IOException.class, () -> VhdxFiles.createSparse(disk, 1L << 30));
        assertTrue(e.getMessage().contains("Win32 error 80 ERROR_FILE_EXISTS"), e.getMessage());
        assertEquals(0, DoubleControl.get().openDiskHandles());
    }

    @Test
    void document_scsiDiskMustBeGrantedToTheVm() throws Exception {
        Path disk = tmp.resolve("data.vhdx");
        VhdxFiles.createSparse(disk, 1L << 30);
        LinuxUtilityVmSpec spec = LinuxUtilityVmSpec.builder().kernel("C:\\uvm\\vmlinux").memoryMb(256)
                .scsiDisk(new ScsiDiskSpec(disk.toString(), false, true)).build();

        HcsException denied = assertThrows(HcsException.class, () -> UtilityVm.create("uvm-disk", spec).close());
        assertTrue(denied.getMessage().contains("HcsGrantVmAccess was not called"), denied.getMessage());

        ComputeSystem.grantVmAccess("uvm-disk", disk.toString());
        try (UtilityVm vm = UtilityVm.create("uvm-disk", spec)) {
            assertTrue(DoubleControl.get().configuration("uvm-disk").contains("\"AlwaysAllowSparseFiles\":true"));
            vm.terminate(UtilityVm.QUERY_TIMEOUT);
        }
    }

    @Test
    void grantVmAccess_missingFile_failsNamingTheCall() {
        HcsException e = assertThrows(HcsException.class,
                () -> ComputeSystem.grantVmAccess("uvm-x", tmp.resolve("absent.vhdx").toString()));

        assertTrue(e.getMessage().contains("HcsGrantVmAccess"), e.getMessage());
    }
}
