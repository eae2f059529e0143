package dev.uvm.client;

import dev.uvm.config.Backend;
import dev.uvm.config.HostInfo;
import dev.uvm.config.ImageKernels;
import dev.uvm.config.Locations;
import dev.uvm.protocol.BuildInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code uvm --version}: the release and commit, the backend the config chooses (with QEMU's own
 * version on Linux), and the guest kernels of this installation's image with where each came
 * from. Read from the config and the image folder: no daemon needed, none started.
 */
final class VersionLines implements IVersionProvider {
    private final Main main;

    VersionLines(Main main) {
        this.main = main;
    }

    @Override
    public String[] getVersion() {
        ImageKernels kernels = new ImageKernels(Locations.imageDir());
        String guest = kernels.ownBuilt()
                ? "uvm's own " + kernels.ownText() + ", the default (kernel = uvm)"
                : "Debian's for now: " + kernels.whyOwnMissing();
        return new String[] {
            "uvm " + BuildInfo.describe(),
            "backend: " + backend(),
            "guest kernel: " + guest,
            "Debian's kernel: " + kernels.debianText() + ", with kernel = debian",
            "guest image: " + Locations.imageDir(),
        };
    }

    private String backend() {
        Backend configured = main.daemonConfig().backend();
        boolean windows = HostInfo.onWindows();
        Backend backend = configured != Backend.AUTO ? configured : windows ? Backend.HCS : Backend.QEMU;
        String how = configured == Backend.AUTO ? " (backend = auto" + (windows ? " on Windows)" : " on Linux)")
                : " (backend = " + configured.name().toLowerCase() + ")";
        if (backend == Backend.HCS) {
            return "hcs, Hyper-V's Host Compute Service" + how;
        }
        return "qemu" + how + ", " + qemuVersion()
                + "; KVM or TCG is decided by a probe boot of the daemon (uvm status says which)";
    }

    /** The first line of {@code qemu-system-x86_64 --version} (or {@code UVM_QEMU}'s), or why there is none. */
    private static String qemuVersion() {
        String qemu = System.getenv().getOrDefault("UVM_QEMU", "qemu-system-x86_64");
        try {
            Process p = new ProcessBuilder(qemu, "--version").redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .findFirst().orElse("").strip();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0 || first.isEmpty()) {
                return qemu + " did not report its version";
            }
            return first.replaceFirst("^QEMU emulator version ", "QEMU ");
        } catch (IOException e) {
            return qemu + " not found (install the qemu-system-x86 package)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return qemu + ": interrupted";
        }
    }
}
