package dev.uvm.vm;

import dev.uvm.config.VmConfig;
import dev.uvm.vm.BootException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The guest a VM boots: the configured kernel and initrd, or the project's image
 * ({@code guest/out}: {@code vmlinux}, {@code initramfs*} and the recommended {@code cmdline}).
 */
public final class GuestImage {
    private final Path dir;

    public GuestImage(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The kernel a VM boots, checked to be readable. */
    public Path kernel(VmConfig config) throws BootException {
        return readable(config.kernel() != null ? config.kernel() : file("vmlinux"), "kernel");
    }

    /** The initramfs a VM boots, checked to be readable. */
    public Path initrd(VmConfig config) throws BootException {
        return readable(config.initrd() != null ? config.initrd() : file("initramfs"), "initrd");
    }

    private static Path readable(Path file, String what) throws BootException {
        if (!Files.isReadable(file)) {
            throw new BootException(what + " file " + file + " does not exist or is not readable"
                    + " (build the guest image with guest/build-image.sh, or fix `" + what + "` in the config)");
        }
        return file;
    }

    /**
     * The extra kernel command line: the image's recommended one (only with the image's own
     * kernel) followed by the config's {@code kernelCommandLine}.
     */
    public String cmdline(VmConfig config) {
        String own = config.kernelCommandLine() == null ? "" : config.kernelCommandLine();
        return config.kernel() == null ? (recommendedCmdline() + " " + own).strip() : own.strip();
    }

    private String recommendedCmdline() {
        try {
            return Files.readString(dir.resolve("cmdline")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private Path file(String prefix) throws BootException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().findFirst()
                    .orElseThrow(() -> new BootException("the guest image has no " + prefix + " file in " + dir
                            + " (build it with guest/build-image.sh, or set kernel/initrd in the config)"));
        } catch (IOException e) {
            throw new BootException("the guest image folder " + dir + " cannot be read (" + e.getMessage()
                    + "); build it with guest/build-image.sh, or set kernel/initrd in the config");
        }
    }
}
