package dev.uvm.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two kernels of the guest image folder ({@link Locations#imageDir()}) and where each came
 * from, as their manifests say: uvm's own ({@code vmlinux-uvm}, {@code vmlinux-uvm.json}, built by
 * {@code guest/kernel/build.sh}, which keeps {@code kernel-build.state} while it runs or after it
 * failed) and Debian's ({@code vmlinux}, described in {@code image.json} by
 * {@code guest/build-image.sh}). Read by the daemon to pick a VM's kernel and by the client for
 * {@code uvm --version}; every call reads the files again, so a build that finishes is seen at once.
 */
public final class ImageKernels {
    public static final String OWN_KERNEL = "vmlinux-uvm";
    public static final String DEBIAN_KERNEL = "vmlinux";
    private static final String OWN_MANIFEST = "vmlinux-uvm.json";
    private static final String DEBIAN_MANIFEST = "image.json";
    private static final String OWN_BUILD_STATE = "kernel-build.state";
    private static final Pattern BUILDING = Pattern.compile("building (\\d+) ?(.*)");

    private final Path dir;

    public ImageKernels(Path dir) {
        this.dir = dir;
    }

    public Path own() {
        return dir.resolve(OWN_KERNEL);
    }

    public Path debian() {
        return dir.resolve(DEBIAN_KERNEL);
    }

    public boolean ownBuilt() {
        return Files.isReadable(own());
    }

    /** uvm's own kernel's release ({@code uname -r}), or {@code null}. */
    public String ownRelease() {
        return field(OWN_MANIFEST, "release");
    }

    /** Debian's kernel's release, or {@code null}. */
    public String debianRelease() {
        return field(DEBIAN_MANIFEST, "kernel_version");
    }

    /** uvm's own kernel and where it came from, when built: {@code 6.1.192-uvm (built by ... from ...)}. */
    public String ownText() {
        return orElse(ownRelease(), "(release unknown)") + " (built by guest/kernel/build.sh from Debian's "
                + orElse(field(OWN_MANIFEST, "source"), "linux-source") + ")";
    }

    /** Debian's kernel and its package: {@code 6.1.0-28-amd64 (linux-image-...deb)}. */
    public String debianText() {
        String release = debianRelease();
        return release == null ? "not in the guest image (guest/build-image.sh puts it there)"
                : release + " (" + orElse(field(DEBIAN_MANIFEST, "kernel_package"), "Debian package") + ")";
    }

    /** Why uvm's own kernel is not there: being built (with progress), its build failed, or never built. */
    public String whyOwnMissing() {
        String state;
        try {
            state = Files.readString(dir.resolve(OWN_BUILD_STATE)).strip();
        } catch (IOException e) {
            state = "";
        }
        Path log = dir.resolve("kernel-build.log");
        Matcher building = BUILDING.matcher(state);
        if (building.matches() && Files.isDirectory(Path.of("/proc", building.group(1)))) {
            return "uvm's own kernel is still being built (" + (building.group(2).isEmpty() ? "started"
                    : building.group(2)) + "; log: " + log + "); VMs boot it from their first cold boot after the build";
        }
        if (state.startsWith("failed")) {
            return "uvm's own kernel failed to build (" + state.substring("failed".length()).replaceFirst("^[: ]+", "")
                    + "; log: " + log + "); run guest/kernel/build.sh to try again";
        }
        return "uvm's own kernel is not built (no " + own() + "; scripts/setup.sh or guest/kernel/build.sh builds it)";
    }

    /**
     * What {@code kernel = uvm} boots now and where it came from, then Debian's, in one line.
     *
     * @param ownBootable whether the backend can boot uvm's own kernel
     */
    public String summary(boolean ownBootable) {
        String debian = "Debian's " + debianText() + " for kernel = debian";
        if (!ownBootable) {
            return "Debian's, as this backend cannot boot uvm's own kernel yet; " + debian;
        }
        if (ownBuilt()) {
            return "uvm's own " + ownText() + ", the default; " + debian;
        }
        return "Debian's, because " + whyOwnMissing() + "; " + debian;
    }

    /** A string field of one of the image's JSON manifests, or {@code null}. */
    private String field(String manifest, String name) {
        try {
            Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]*)\"")
                    .matcher(Files.readString(dir.resolve(manifest)));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String orElse(String value, String otherwise) {
        return value != null ? value : otherwise;
    }
}
