package dev.uvm.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uvm.vm.BootException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides between KVM and TCG. A present {@code /dev/kvm} is not proof that KVM works (nested or
 * paravirtual KVM may create a VM and then hang the guest), so KVM is chosen only after a probe
 * boot of the real guest reaches the agent within a deadline. The verdict is cached in a file
 * keyed by the host kernel, the QEMU binary and the guest kernel, so the probe runs once.
 */
public final class AccelProbe {
    private static final Logger log = LoggerFactory.getLogger(AccelProbe.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The accelerator to use and why. */
    public record Verdict(Accel accel, String reason) {
    }

    private AccelProbe() {
    }

    /** A verdict that needs no probe boot, or {@code null} when only a probe can tell. */
    public static Verdict withoutProbe(String forced) {
        if (forced != null && !forced.isBlank() && !forced.equalsIgnoreCase("auto")) {
            Accel a = Accel.valueOf(forced.strip().toUpperCase());
            return new Verdict(a, "set by UVM_ACCEL=" + forced);
        }
        Path kvm = Path.of("/dev/kvm");
        if (!Files.exists(kvm)) {
            return new Verdict(Accel.TCG, "/dev/kvm does not exist (no hardware virtualization); using TCG emulation");
        }
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            return new Verdict(Accel.TCG, "/dev/kvm is not accessible to this user (add it to group kvm); "
                    + "using TCG emulation");
        }
        return null;
    }

    /** Reads a cached verdict for this key, or {@code null}. */
    public static Verdict cached(Path cacheFile, String key) {
        try {
            JsonNode n = JSON.readTree(cacheFile.toFile());
            if (key.equals(n.path("key").asText())) {
                return new Verdict(Accel.valueOf(n.path("accel").asText()), n.path("reason").asText() + " (cached)");
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    /** Boots {@code spec} with KVM; KVM if the agent answers before {@code deadline}, else TCG. */
    public static Verdict probe(QemuSpec spec, Duration deadline, Path cacheFile, String key) {
        QemuSpec kvmSpec = new QemuSpec(spec.name() + "-kvm-probe", spec.qemuBinary(), spec.kernel(), spec.initrd(),
                spec.cmdline(), spec.memoryBytes(), 1, Accel.KVM, spec.runDir(), null, null, null, spec.vmmUser(), false, spec.ownKernel());
        Verdict v;
        long t0 = System.nanoTime();
        try (QemuVm vm = QemuVm.boot(kvmSpec, deadline)) {
            v = new Verdict(Accel.KVM, "a KVM probe boot reached the guest agent in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
            vm.kill();
        } catch (BootException e) {
            String first = e.getMessage().lines().findFirst().orElse("");
            v = new Verdict(Accel.TCG, "/dev/kvm is present but a KVM probe boot failed (" + first
                    + "); using TCG emulation");
        }
        try {
            Files.createDirectories(cacheFile.getParent());
            Path tmp = cacheFile.resolveSibling(cacheFile.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), Map.of("key", key, "accel", v.accel().name(), "reason", v.reason()));
            Files.move(tmp, cacheFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("cannot cache the accelerator verdict in {}: {}", cacheFile, e.getMessage());
        }
        return v;
    }
}
