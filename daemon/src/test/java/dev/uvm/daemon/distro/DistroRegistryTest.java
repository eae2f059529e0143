package dev.uvm.daemon.distro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry: names reserved while made, registered whole, the default passed on, all kept on disk. */
class DistroRegistryTest {
    @TempDir
    Path state;

    private static DistroRegistry.Distro distro(String name) {
        return new DistroRegistry.Distro(name, "default", 1, "import", 1024);
    }

    @Test
    void aNameIsReservedWhileMade_andTakenNamesAreRefused() throws Exception {
        DistroRegistry r = DistroRegistry.open(state);
        r.reserve("debian");
        assertTrue(assertThrows(DistroRegistry.NameException.class, () -> r.reserve("debian")).getMessage()
                .contains("being imported or installed right now"));
        assertEquals(List.of(), r.all(), "a reserved name is not listed");
        r.release("debian");
        r.reserve("debian");
        r.add(distro("debian"));
        assertTrue(assertThrows(DistroRegistry.NameException.class, () -> r.reserve("debian")).getMessage()
                .contains("exists already"));
    }

    @Test
    void theFirstIsTheDefault_removingItPassesTheDefaultOn_andEverythingSurvivesAReopen() throws Exception {
        DistroRegistry r = DistroRegistry.open(state);
        for (String n : List.of("a", "b", "c")) {
            r.reserve(n);
            r.add(distro(n));
        }
        assertEquals("a", r.defaultName());
        r.setDefault("c");
        r.remove("c");
        assertEquals("a", r.defaultName());
        r.diskBytes("b", 4096);
        DistroRegistry again = DistroRegistry.open(state);
        assertEquals(List.of("a", "b"), again.all().stream().map(DistroRegistry.Distro::name).toList());
        assertEquals("a", again.defaultName());
        assertEquals(4096, again.get("b").diskBytes());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve("distributions.json"))));
        assertTrue(assertThrows(DistroRegistry.NameException.class, () -> again.get("z")).getMessage()
                .contains("(known: a, b)"));
    }
}
