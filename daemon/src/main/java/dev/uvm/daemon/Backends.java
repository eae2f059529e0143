package dev.uvm.daemon;

import dev.uvm.config.Backend;
import dev.uvm.config.DaemonConfig;
import dev.uvm.config.Locations;
import dev.uvm.hcs.driver.HcsDriver;
import dev.uvm.hcs.driver.HvSocketAgentTransport;
import dev.uvm.vm.VmDriver;
import dev.uvm.qemu.driver.QemuDriver;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Chooses the hypervisor backend: {@code backend = hcs}, or {@code auto} on Windows, drives
 * Hyper-V through HCS; {@code qemu}, or {@code auto} elsewhere, launches QEMU microvms.
 */
final class Backends {
    private Backends() {
    }

    static boolean onWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }

    /**
     * @param runRoot  folder for each VM's sockets and logs
     * @param stateDir the daemon's state folder (running VMs are recorded there)
     */
    static VmDriver create(DaemonConfig daemon, Path runRoot, Path stateDir) {
        Backend b = daemon.backend();
        if (b == Backend.HCS || (b == Backend.AUTO && onWindows())) {
            return new HcsDriver(Locations.imageDir(), new HvSocketAgentTransport());
        }
        String qemuName = System.getenv().getOrDefault("UVM_QEMU", "qemu-system-x86_64");
        Path qemuBinary = Path.of(qemuName).isAbsolute() ? Path.of(qemuName) : findOnPath(qemuName);
        return new QemuDriver(qemuBinary, Locations.imageDir(), runRoot, Locations.cacheDir(), stateDir,
                System.getenv("UVM_ACCEL"));
    }

    private static Path findOnPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(d, exe);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return Path.of("/usr/bin", exe);
    }
}
