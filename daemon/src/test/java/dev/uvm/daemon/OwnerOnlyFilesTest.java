package dev.uvm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's owner-only files on both kinds of file system: POSIX modes on this host's, and the
 * ACL Windows gets, on an in-memory file system with Windows' ACL view (Jimfs), since this host's
 * file systems have none. Whether NTFS enforces that list is Windows' part, not tested here.
 */
class OwnerOnlyFilesTest {
    private static final Set<AclEntryPermission> ALL = EnumSet.allOf(AclEntryPermission.class);

    @Test
    void onPosix_filesAndFoldersGetTheOwnersModesOnly(@TempDir Path dir) throws IOException {
        assertTrue(OwnerOnlyFiles.posix(dir));
        Path file = dir.resolve("registry.json.tmp");
        OwnerOnlyFiles.createFile(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Path jobs = dir.resolve("jobs/one");
        OwnerOnlyFiles.createDirectory(jobs);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(jobs)));
        Files.setPosixFilePermissions(jobs, PosixFilePermissions.fromString("rwxr-xr-x"));
        OwnerOnlyFiles.createDirectory(jobs);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(jobs)),
                "a folder that exists is restricted too");
    }

    @Test
    void onWindows_theAclReplacesTheInheritedOne_withOwnerSystemAndAdministratorsOnly() throws IOException {
        try (FileSystem fs = windowsFileSystem()) {
            Path state = fs.getPath("C:\\ProgramData\\uvm");
            Files.createDirectories(state.getParent());
            assertFalse(OwnerOnlyFiles.posix(state));
            OwnerOnlyFiles.createDirectory(state);
            List<AclEntry> dirAcl = acl(state);
            assertEquals(List.of("user", "NT AUTHORITY\\SYSTEM", "BUILTIN\\Administrators"), names(dirAcl));
            for (AclEntry e : dirAcl) {
                assertEquals(ALL, e.permissions(), e.toString());
                assertEquals(EnumSet.of(AclEntryFlag.FILE_INHERIT, AclEntryFlag.DIRECTORY_INHERIT), e.flags(),
                        "what is made in the folder inherits the list: " + e);
            }

            Path file = state.resolve("distributions.json.tmp");
            OwnerOnlyFiles.createFile(file);
            List<AclEntry> fileAcl = acl(file);
            assertEquals(List.of("user", "NT AUTHORITY\\SYSTEM", "BUILTIN\\Administrators"), names(fileAcl));
            assertTrue(fileAcl.stream().allMatch(e -> e.flags().isEmpty() && e.permissions().equals(ALL)), fileAcl.toString());
        }
    }

    @Test
    void onWindows_aSocketGroupMayReadAndWriteTheSocketAndTraverseItsFolder_andNoMore() throws IOException {
        try (FileSystem fs = windowsFileSystem()) {
            Path dir = fs.getPath("C:\\ProgramData\\uvm");
            Files.createDirectories(dir);
            Path socket = Files.createFile(dir.resolve("uvm.sock"));
            OwnerOnlyFiles.restrict(dir, "uvm-users");
            OwnerOnlyFiles.restrict(socket, "uvm-users");
            AclEntry onSocket = acl(socket).get(3);
            assertEquals("uvm-users", onSocket.principal().getName());
            assertEquals(EnumSet.of(AclEntryPermission.READ_DATA, AclEntryPermission.WRITE_DATA,
                    AclEntryPermission.READ_ATTRIBUTES, AclEntryPermission.SYNCHRONIZE), onSocket.permissions());
            AclEntry onFolder = acl(dir).get(3);
            assertEquals("uvm-users", onFolder.principal().getName());
            assertEquals(EnumSet.of(AclEntryPermission.EXECUTE, AclEntryPermission.READ_ATTRIBUTES,
                    AclEntryPermission.SYNCHRONIZE), onFolder.permissions(), "traverse only: no listing, no writing");
            assertTrue(onFolder.flags().isEmpty(), "the group's entry is not inherited by other files");
        }
    }

    @Test
    void aFileSystemWithNeitherModesNorAcls_isAnErrorThatSaysSo() throws IOException {
        try (FileSystem fs = Jimfs.newFileSystem(Configuration.windows().toBuilder()
                .setAttributeViews("basic").build())) {
            Path p = Files.createFile(fs.getPath("C:\\x"));
            IOException e = assertThrows(IOException.class, () -> OwnerOnlyFiles.restrict(p, null));
            assertTrue(e.getMessage().contains("neither POSIX modes nor ACLs"), e.getMessage());
        }
    }

    private static FileSystem windowsFileSystem() {
        return Jimfs.newFileSystem(Configuration.windows().toBuilder()
                .setAttributeViews("basic", "owner", "dos", "acl").build());
    }

    private static List<AclEntry> acl(Path p) throws IOException {
        return Files.getFileAttributeView(p, AclFileAttributeView.class).getAcl();
    }

    private static List<String> names(List<AclEntry> acl) {
        return acl.stream().map(e -> e.principal().getName()).toList();
    }
}
