package dev.uvm.qemu.driver;

import dev.uvm.config.Locations;
import dev.uvm.qemu.QemuSpec;
import dev.uvm.vm.BootException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.concurrent.TimeUnit;

/**
 * The unprivileged user QEMU runs as under a root daemon ({@code uvm-vmm}, created by setup;
 * {@code UVM_VMM_USER} names another), and the checks that it can do its job as that user before a
 * VM boots, so that a missing user or a share it cannot reach is a clear boot error naming the fix
 * rather than a QEMU that dies or a guest that sees an empty share.
 */
final class VmmUser {
    static final String DEFAULT = "uvm-vmm";

    private VmmUser() {
    }

    /** The VMM user for this daemon: {@code null} unless the daemon runs as root (then QEMU already is no one else). */
    static String forThisDaemon(String override) {
        if (!Locations.isRoot()) {
            return null;
        }
        return override == null || override.isBlank() ? DEFAULT : override.strip();
    }

    /** Fails unless {@code spec.vmmUser()} exists and can use the VM's host share. */
    static void check(QemuSpec spec) throws BootException {
        String user = spec.vmmUser();
        if (user == null) {
            return;
        }
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
        } catch (UserPrincipalNotFoundException e) {
            throw new BootException("VM " + spec.name() + ": QEMU runs as the unprivileged user " + user
                    + " under a root daemon, and there is no such user; create it with scripts/setup.sh (or: useradd"
                    + " --system --user-group --no-create-home --shell /usr/sbin/nologin " + user + ")");
        } catch (IOException e) {
            throw new BootException("VM " + spec.name() + ": cannot look up the user " + user + ": " + e.getMessage());
        }
        if (spec.share() != null) {
            checkShare(spec, user);
        }
    }

    /**
     * QEMU opens the share's folder as root and then works in it as the VMM user: so that user needs
     * the folder's own permissions (read and search, and write unless read-only), not its ancestors'.
     * The test runs as that user on the folder opened by root, the way QEMU will.
     */
    private static void checkShare(QemuSpec spec, String user) throws BootException {
        Path dir = spec.share().hostPath();
        String need = spec.share().readOnly() ? "-r /proc/self/fd/3 -a -x /proc/self/fd/3"
                : "-r /proc/self/fd/3 -a -x /proc/self/fd/3 -a -w /proc/self/fd/3";
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "exec 3<\"$0\" && exec setpriv --reuid=\"$1\""
                + " --regid=\"$1\" --init-groups -- test " + need, dir.toString(), user)
                .redirectErrorStream(true);
        String out;
        int status;
        try {
            Process p = pb.start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return;
            }
            status = p.exitValue();
        } catch (IOException e) {
            return; // no shell or setpriv to ask: QEMU's own errors will have to say it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (status != 0) {
            String rights = spec.share().readOnly() ? "rx" : "rwx";
            throw new BootException("VM " + spec.name() + ": its hostShare " + dir + " is not "
                    + (spec.share().readOnly() ? "readable" : "readable and writable") + " by " + user
                    + ", the unprivileged user QEMU runs as under a root daemon" + (out.isEmpty() ? "" : " (" + out + ")")
                    + "; give it access, e.g. setfacl -m u:" + user + ":" + rights + ",d:u:" + user + ":" + rights
                    + " " + dir + ", or chgrp " + user + " " + dir + " && chmod g+" + rights + " " + dir);
        }
    }
}
