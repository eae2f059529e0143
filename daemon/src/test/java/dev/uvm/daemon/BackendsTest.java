package dev.uvm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uvm.config.Backend;
import dev.uvm.vm.VmDriverProvider;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backends are found on the class path by name, and auto picks the host's own. */
class BackendsTest {
    @Test
    void eachBackend_isFoundByItsName_andAutoIsQemuOffWindows(@TempDir Path dir) {
        VmDriverProvider.Places places = new VmDriverProvider.Places(dir.resolve("image"), dir.resolve("run"),
                dir.resolve("state"), dir.resolve("cache"));
        assertEquals("qemu", Backends.create(Backend.QEMU, places).name());
        assertEquals("hcs", Backends.create(Backend.HCS, places).name());
        assertEquals(System.getProperty("os.name").startsWith("Windows") ? "hcs" : "qemu",
                Backends.create(Backend.AUTO, places).name());
    }
}
