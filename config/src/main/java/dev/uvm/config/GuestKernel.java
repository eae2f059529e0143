package dev.uvm.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which guest kernel a VM boots ({@code kernel} in a {@code [vm]} section): uvm's own
 * ({@code uvm}, the default, built by {@code guest/kernel/build.sh}), Debian's generic kernel
 * ({@code debian}, from the guest image, for anyone who needs a module), or a kernel file.
 *
 * @param source where the kernel comes from
 * @param file   the kernel file for {@link Source#FILE}; {@code null} otherwise
 */
public record GuestKernel(Source source, Path file) {
    public static final GuestKernel UVM = new GuestKernel(Source.UVM, null);
    public static final GuestKernel DEBIAN = new GuestKernel(Source.DEBIAN, null);

    public enum Source {
        /** uvm's own kernel ({@code guest/out/vmlinux-uvm}); Debian's while it is not built. */
        UVM,
        /** Debian's generic kernel from the guest image ({@code guest/out/vmlinux}). */
        DEBIAN,
        /** A kernel file the config names. */
        FILE
    }

    public GuestKernel {
        Objects.requireNonNull(source, "source");
        if ((source == Source.FILE) != (file != null)) {
            throw new IllegalArgumentException("a file goes with Source.FILE and only with it");
        }
    }

    public static GuestKernel file(Path file) {
        return new GuestKernel(Source.FILE, Objects.requireNonNull(file, "file"));
    }

    /** As written in the config: {@code uvm}, {@code debian} or the file's path. */
    @Override
    public String toString() {
        return switch (source) {
            case UVM -> "uvm";
            case DEBIAN -> "debian";
            case FILE -> file.toString();
        };
    }
}
