package dev.uvm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket folder's mode follows socketGroup, without opening folders the daemon did not make. */
class PeerCheckTest {
    @TempDir
    Path dir;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static String group(Path p) throws Exception {
        return Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
    }

    @Test
    void newFolder_privateWithoutGroup_searchableByTheGroupWithOne() throws Exception {
        PeerCheck.secureFolder(dir.resolve("a"), null);
        assertEquals("rwx------", mode(dir.resolve("a")));
        String myGroup = group(dir);
        PeerCheck.secureFolder(dir.resolve("b"), myGroup);
        assertEquals("rwx--x---", mode(dir.resolve("b")));
    }

    @Test
    void existingDaemonFolder_followsTheGroupAddedOrRemoved() throws Exception {
        Path run = dir.resolve("run");
        PeerCheck.secureFolder(run, null);
        String myGroup = group(dir);
        PeerCheck.secureFolder(run, myGroup);
        assertEquals("rwx--x---", mode(run), "a group added to the config opens the folder to it");
        assertEquals(myGroup, group(run));
        PeerCheck.secureFolder(run, null);
        assertEquals("rwx------", mode(run), "and removing it closes the folder again");
    }

    @Test
    void someoneElsesKindOfFolder_isLeftAsItIs() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        PeerCheck.secureFolder(shared, null);
        assertEquals("rwxr-xr-x", mode(shared));
    }
}
