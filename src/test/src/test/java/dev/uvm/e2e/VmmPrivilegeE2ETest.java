package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A root daemon's QEMU holds no privilege: it runs as the VMM user, jailed in an empty folder, in
 * QEMU's seccomp sandbox with no capabilities; a guest's root cannot leave a setuid file on the host
 * through the 9P share; and a share the VMM user cannot use is a boot error that says how to fix it.
 */
class VmmPrivilegeE2ETest {
    static final String VMM_USER = "uvm-vmm";

    /** Gives the VMM user's group the folder, as the docs tell users to (or with an ACL). */
    static Path sharedWithTheVmm(Path dir) throws Exception {
        GroupPrincipal group = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(VMM_USER);
        Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(group);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        return dir;
    }

    private static Map<String, String> status(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1).strip(),
                        (a, b) -> a));
    }

    @Test
    void qemuRunsAsTheVmmUserInItsSandbox_andAGuestRootCannotPlantASetuidFileOnTheHost() throws Exception {
        Path share = sharedWithTheVmm(Files.createTempDirectory(Path.of("/tmp"), "uvm-share-"));
        try (UvmDaemon d = new UvmDaemon("[vm]\nhostShare = " + share + "\n").start()) {
            UvmDaemon.Result plant = d.uvm("run", "--", "sh", "-c",
                    "cp /bin/busybox /mnt/host/bb && chown 0:0 /mnt/host/bb && chmod 4755 /mnt/host/bb"
                            + " && stat -c '%u %a' /mnt/host/bb");
            assertEquals(new UvmDaemon.Result(0, "0 4755\n", ""), plant, "the guest sees its own owner and mode");

            Path bb = share.resolve("bb");
            int mode = (Integer) Files.getAttribute(bb, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            assertEquals(0, mode & 06000, "no setuid or setgid bit on the host: " + Integer.toOctalString(mode));
            assertEquals(VMM_USER, Files.getOwner(bb, LinkOption.NOFOLLOW_LINKS).getName());

            List<ProcessHandle> qemu = d.qemuProcesses();
            assertEquals(1, qemu.size(), qemu.toString());
            long pid = qemu.get(0).pid();
            Map<String, String> st = status(pid);
            String uid = Files.getAttribute(Path.of("/proc", Long.toString(pid)), "unix:uid").toString();
            assertNotEquals("0", uid);
            assertEquals(List.of(uid, uid, uid, uid), List.of(st.get("Uid").split("\\s+")), "real, effective, saved, fs");
            assertEquals("0000000000000000", st.get("CapEff"));
            assertEquals("0000000000000000", st.get("CapPrm"));
            assertEquals("1", st.get("NoNewPrivs"));
            assertEquals("2", st.get("Seccomp"), "seccomp filter mode");
            Path root = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "root"));
            assertTrue(root.toString().startsWith(d.dir.toString()) && root.endsWith("jail"), root.toString());
            Path jail = d.dir.resolve("vms/default/jail");
            try (var inJail = Files.walk(jail)) {
                assertEquals(List.of("", "etc", "etc/resolv.conf", "proc"),
                        inJail.map(p -> jail.relativize(p).toString()).sorted().toList(),
                        "the jail holds only the mount point of /proc (bound in QEMU's own mount namespace) and the"
                                + " host's resolvers for the NAT's DNS");
            }
            assertTrue(Files.readString(Path.of("/proc/self/mountinfo")).lines().noneMatch(l -> l.contains("/jail/proc")),
                    "the host's mounts do not change");
        } finally {
            try (var files = Files.list(share)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.delete(share);
        }
    }

    @Test
    void aShareTheVmmUserCannotUse_failsTheBootNamingTheFix_andOtherVmsStillServe() throws Exception {
        Path closed = Files.createTempDirectory(Path.of("/tmp"), "uvm-share-closed-");
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 2000\n[vm.shared]\nhostShare = " + closed + "\n").start()) {
            UvmDaemon.Result refused = d.uvm("run", "--vm", "shared", "--", "true");
            assertNotEquals(0, refused.exit(), refused.toString());
            assertTrue(refused.stderr().contains("its hostShare " + closed + " is not readable and writable by "
                    + VMM_USER), refused.stderr());
            assertTrue(refused.stderr().contains("setfacl -m u:" + VMM_USER + ":rwx"), refused.stderr());
            assertEquals(new UvmDaemon.Result(0, "ok\n", ""), d.uvm("run", "--", "echo", "ok"));
        } finally {
            Files.delete(closed);
        }
    }
}
