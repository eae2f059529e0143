package dev.uvm.qemu.driver;

import dev.uvm.vm.VmDriver;
import dev.uvm.vm.VmDriverProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The QEMU backend ({@code backend = qemu}; {@code auto} everywhere but Windows). The environment
 * names the QEMU binary ({@code UVM_QEMU}, else {@code qemu-system-x86_64} on the PATH) and may
 * force the accelerator ({@code UVM_ACCEL=kvm|tcg|auto}); under a root daemon QEMU runs as
 * {@code uvm-vmm} unless {@code UVM_VMM_USER} names another unprivileged user.
 */
public final class QemuDriverProvider implements VmDriverProvider {
    @Override
    public String name() {
        return "qemu";
    }

    @Override
    public boolean nativeHere() {
        return !System.getProperty("os.name", "").startsWith("Windows");
    }

    @Override
    public VmDriver create(Places places) {
        String qemuName = System.getenv().getOrDefault("UVM_QEMU", "qemu-system-x86_64");
        Path qemuBinary = Path.of(qemuName).isAbsolute() ? Path.of(qemuName) : findOnPath(qemuName);
        return new QemuDriver(qemuBinary, places.imageDir(), places.runRoot(), places.cacheDir(), places.stateDir(),
                System.getenv("UVM_ACCEL"), System.getenv("UVM_VMM_USER"), places.consoleLogBytes());
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
