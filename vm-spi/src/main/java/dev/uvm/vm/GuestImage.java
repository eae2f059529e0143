package dev.uvm.vm;

import dev.uvm.config.GuestKernel;
import dev.uvm.config.ImageKernels;
import dev.uvm.config.VmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The guest a VM boots: the configured kernel and initrd, or the project's image ({@code guest/out}).
 *
 * <p>The image holds two kernels: uvm's own ({@code vmlinux-uvm}, built by
 * {@code guest/kernel/build.sh}, everything built in, with {@code initramfs-uvm.cpio}, which has
 * no modules) and Debian's generic one ({@code vmlinux}, with {@code initramfs.cpio}, which
 * carries the modules it loads). {@code kernel = uvm} (the default) boots uvm's own when it is
 * built, and Debian's otherwise, with a {@link BootKernel#notice()} that says why; the file is
 * looked for at every cold boot, so a build that finishes while the daemon runs is used from the
 * next boot on.
 */
public final class GuestImage {
    private static final String OWN_INITRD = "initramfs-uvm.";
    private static final String DEBIAN_INITRD = "initramfs.";

    private final Path dir;
    private final ImageKernels kernels;

    public GuestImage(Path dir) {
        this.dir = dir;
        this.kernels = new ImageKernels(dir);
    }

    public Path dir() {
        return dir;
    }

    /**
     * The kernel a VM boots, checked to be readable.
     *
     * @param ownKernelBootable whether the backend can boot uvm's own kernel (QEMU's microvm can;
     *                          Hyper-V needs drivers it does not have yet)
     */
    public BootKernel kernel(VmConfig config, boolean ownKernelBootable) throws BootException {
        GuestKernel k = config.kernel();
        return switch (k.source()) {
            case FILE -> new BootKernel(readable(k.file(), "kernel"), BootKernel.Origin.FILE, null, null);
            case DEBIAN -> debian(null);
            case UVM -> {
                if (!ownKernelBootable) {
                    yield debian(null);
                }
                if (!kernels.ownBuilt()) {
                    yield debian(kernels.whyOwnMissing() + "; this boot uses Debian's kernel (kernel = debian"
                            + " chooses it for good and ends this notice)");
                }
                yield new BootKernel(kernels.own(), BootKernel.Origin.UVM, kernels.ownRelease(), null);
            }
        };
    }

    private BootKernel debian(String notice) throws BootException {
        return new BootKernel(readable(kernels.debian(), "kernel"), BootKernel.Origin.DEBIAN, kernels.debianRelease(),
                notice);
    }

    /** What a kernel file of a running or restored VM is, from its path alone (no notice). */
    public BootKernel describe(Path file) {
        if (file.equals(kernels.own())) {
            return new BootKernel(file, BootKernel.Origin.UVM, kernels.ownRelease(), null);
        }
        if (file.equals(kernels.debian())) {
            return new BootKernel(file, BootKernel.Origin.DEBIAN, kernels.debianRelease(), null);
        }
        return new BootKernel(file, BootKernel.Origin.FILE, null, null);
    }

    /** The image's kernels for {@code uvm status} ({@link ImageKernels#summary}). */
    public String summary(boolean ownKernelBootable) {
        return kernels.summary(ownKernelBootable);
    }

    /** The initramfs a VM boots with {@code kernel}, checked to be readable. */
    public Path initrd(VmConfig config, BootKernel kernel) throws BootException {
        if (config.initrd() != null) {
            return readable(config.initrd(), "initrd");
        }
        if (kernel.origin() == BootKernel.Origin.UVM) {
            Path own = find(OWN_INITRD);
            if (own != null) {
                return own;
            }
        }
        Path debian = find(DEBIAN_INITRD);
        if (debian == null) {
            throw new BootException("the guest image has no initramfs in " + dir
                    + " (build it with guest/build-image.sh, or set initrd in the config)");
        }
        return debian;
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
     * kernels) followed by the config's {@code kernelCommandLine}.
     */
    public String cmdline(VmConfig config) {
        String own = config.kernelCommandLine() == null ? "" : config.kernelCommandLine();
        return config.kernel().source() != GuestKernel.Source.FILE ? (recommendedCmdline() + " " + own).strip()
                : own.strip();
    }

    private String recommendedCmdline() {
        try {
            return Files.readString(dir.resolve("cmdline")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** The first file of the image whose name starts with {@code prefix}, or {@code null}. */
    private Path find(String prefix) throws BootException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().findFirst().orElse(null);
        } catch (IOException e) {
            throw new BootException("the guest image folder " + dir + " cannot be read (" + e.getMessage()
                    + "); build it with guest/build-image.sh, or set kernel/initrd in the config");
        }
    }
}
