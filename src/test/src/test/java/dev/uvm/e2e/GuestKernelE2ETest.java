package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The guest kernel a VM boots. uvm's own is the default (the whole suite runs on it; here its
 * release is checked, and that {@code uvm status}, {@code uvm list} and {@code uvm --version} name
 * it and where it came from); {@code kernel = debian} boots Debian's, whose modules load from its
 * initramfs; while uvm's own is not there (its build failed, here), a VM boots Debian's and the
 * client that waited for that boot says why on stderr, once. A VM saved while running Debian's
 * kernel is restored with it after uvm's own appears (a restore needs the kernel it was saved
 * with), and boots uvm's own at its next cold boot.
 */
class GuestKernelE2ETest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @Test
    void uvmsOwnKernelByDefault_namedEverywhere_andDebiansOnRequest() throws Exception {
        String release = ownRelease();
        assertTrue(release.endsWith("-uvm"), release);
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 600000\n[vm.deb]\nkernel = debian\n").start()) {
            assertEquals(new UvmDaemon.Result(0, release + "\n", ""), d.uvm("run", "--", "uname", "-r"),
                    "uvm's own kernel, and no notice on stderr");
            assertEquals(release + " (uvm's own kernel)", d.list().get("default").get("kernel").asText());
            UvmDaemon.Result status = d.uvm("status");
            assertTrue(status.stdout().contains("guestKernel:    uvm's own " + release + " (built by guest/kernel/build.sh"
                    + " from Debian's linux-source-"), status.stdout());
            UvmDaemon.Result version = d.uvm("--version");
            assertTrue(version.stdout().contains("guest kernel: uvm's own " + release), version.stdout());
            assertTrue(version.stdout().contains("Debian's kernel: " + debianRelease()), version.stdout());

            UvmDaemon.Result deb = d.uvm("run", "--vm", "deb", "--", "sh", "-c", "uname -r; grep -c '^ext4 ' /proc/modules");
            assertEquals(new UvmDaemon.Result(0, debianRelease() + "\n1\n", ""), deb, "Debian's kernel with its modules");
            assertEquals(debianRelease() + " (Debian's kernel)", d.list().get("deb").get("kernel").asText());
        }
    }

    @Test
    void ownKernelMissing_debiansBoots_theClientIsToldOnce_andASavedVmKeepsItsKernel() throws Exception {
        Path image = Files.createTempDirectory(Path.of("/tmp"), "uvm-e2e-image-");
        try (Stream<Path> files = Files.list(UvmDaemon.IMAGE)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f) && !name.startsWith("vmlinux-uvm") && !name.startsWith("kernel-build")) {
                    Files.createSymbolicLink(image.resolve(name), f);
                }
            }
        }
        Files.writeString(image.resolve("kernel-build.state"), "failed: make vmlinux failed: a test's failure\n");
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 3000\nidleAction = suspend\n").imageDir(image).start()) {
            UvmDaemon.Result first = d.uvm("run", "--", "sh", "-c", "uname -r; echo kept > /tmp/marker");
            assertEquals(0, first.exit(), first.toString());
            assertEquals(debianRelease() + "\n", first.stdout());
            assertTrue(first.stderr().startsWith("uvm: uvm's own kernel failed to build (make vmlinux failed: a test's"
                    + " failure; log: " + image.resolve("kernel-build.log") + "); run guest/kernel/build.sh to try again;"
                    + " this boot uses Debian's kernel"), first.stderr());
            assertEquals(new UvmDaemon.Result(0, debianRelease() + "\n", ""), d.uvm("run", "--", "uname", "-r"),
                    "told once, by the run that waited for the boot");
            assertTrue(d.uvm("--version").stdout().contains("guest kernel: Debian's for now: uvm's own kernel failed to"
                    + " build"));

            await().atMost(LONG).until(() -> d.state("default").equals("suspended"));
            Files.createSymbolicLink(image.resolve("vmlinux-uvm"), UvmDaemon.IMAGE.resolve("vmlinux-uvm"));
            Files.createSymbolicLink(image.resolve("vmlinux-uvm.json"), UvmDaemon.IMAGE.resolve("vmlinux-uvm.json"));
            Files.delete(image.resolve("kernel-build.state"));
            assertEquals(new UvmDaemon.Result(0, debianRelease() + "\nkept\n", ""),
                    d.uvm("run", "--", "sh", "-c", "uname -r; cat /tmp/marker"),
                    "restored with the kernel it was saved with, its memory intact\n" + d.log());
            assertEquals(1, d.logCount("event=restore vm=default result=ok"), d.log());

            assertEquals(0, d.uvm("terminate", "default").exit());
            assertEquals(new UvmDaemon.Result(0, ownRelease() + "\n", ""), d.uvm("run", "--", "uname", "-r"),
                    "the next cold boot takes uvm's own kernel");
        } finally {
            try (Stream<Path> files = Files.list(image)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(image);
        }
    }

    /** {@code 6.1.192-uvm}, from the manifest guest/kernel/build.sh writes. */
    private static String ownRelease() throws Exception {
        return UvmDaemon.JSON.readTree(UvmDaemon.IMAGE.resolve("vmlinux-uvm.json").toFile()).get("release").asText();
    }

    /** {@code 6.1.0-28-amd64}, from the manifest guest/build-image.sh writes. */
    private static String debianRelease() throws Exception {
        return UvmDaemon.JSON.readTree(UvmDaemon.IMAGE.resolve("image.json").toFile()).get("kernel_version").asText();
    }
}
