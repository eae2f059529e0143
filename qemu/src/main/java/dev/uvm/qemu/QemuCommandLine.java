package dev.uvm.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@code qemu-system-x86_64} argument list for a {@link QemuSpec}.
 *
 * <p>Every value placed inside a QEMU option string is escaped (a comma is doubled), so paths
 * and names from the config cannot inject further options.
 *
 * <p>Least privilege: QEMU always runs in its seccomp sandbox (no {@code fork}/{@code exec}, no
 * obsolete system calls, no scheduler or resource changes; a saved VM is therefore streamed to a
 * socket, not to an {@code exec:} command). Under a root daemon it also drops to
 * {@link QemuSpec#vmmUser()} in a chroot of the VM's empty jail once it has opened its kernel,
 * disks, logs and sockets as root, so it holds no capability and no file it did not need; the
 * sandbox then allows the one {@code setuid} of that drop, and {@code NoNewPrivs} (set by the
 * sandbox) keeps it from gaining privilege again. A per-user daemon's QEMU has no privilege to drop
 * and its sandbox denies privilege changes outright.
 */
public final class QemuCommandLine {
    /** The descriptors a QEMU under a VMM user inherits its data disk on (see {@link QemuVm}'s launch). */
    static final int DATA_DISK_RW_FD = 4;
    static final int DATA_DISK_RO_FD = 5;
    private static final int DATA_DISK_FDSET = 1;

    private QemuCommandLine() {
    }

    public static List<String> build(QemuSpec spec) {
        List<String> args = new ArrayList<>();
        args.add(spec.qemuBinary().toString());
        args.add("-name");
        args.add("uvm-" + escape(spec.name()));
        args.add("-M");
        args.add(spec.ownKernel() ? "microvm,acpi=off" : "microvm");
        args.add("-accel");
        args.add(spec.accel().qemuName());
        args.add("-m");
        args.add(Math.max(1, spec.memoryBytes() / (1024 * 1024)) + "M");
        args.add("-smp");
        args.add(Integer.toString(spec.cpus()));
        args.add("-nodefaults");
        args.add("-no-user-config");
        args.add("-display");
        args.add("none");
        args.add("-no-reboot");
        args.add("-sandbox");
        args.add("on,obsolete=deny,spawn=deny,resourcecontrol=deny"
                + (spec.vmmUser() == null ? ",elevateprivileges=deny" : ""));
        if (spec.vmmUser() != null) {
            args.add("-chroot");
            args.add(spec.jail().toString());
            args.add("-runas");
            args.add(spec.vmmUser());
        }
        args.add("-kernel");
        args.add(spec.kernel().toString());
        args.add("-initrd");
        args.add(spec.initrd().toString());
        args.add("-append");
        String cmdline = QemuSpec.BASE_CMDLINE;
        if (spec.accel() == Accel.TCG) {
            // Under TCG the guest cannot calibrate its TSC on microvm (no HPET or PM timer, and
            // PIT calibration fails under emulation), and the boot hangs; pass the host's rate.
            long khz = hostTscKhz();
            if (khz > 0) {
                cmdline += " tsc_early_khz=" + khz;
            }
            if (spec.ownKernel()) {
                cmdline += " " + QemuSpec.OWN_KERNEL_TCG_CMDLINE;
            }
        }
        if (spec.share() != null) {
            cmdline += " uvm.share=" + spec.share().mountTag() + ":" + spec.share().guestPath()
                    + (spec.share().readOnly() ? ":ro" : ":rw")
                    + (spec.share().cache().equals("none") ? "" : ":" + spec.share().cache());
        }
        if (spec.nat()) {
            cmdline += " uvm.net=nat";
        }
        if (spec.cmdline() != null && !spec.cmdline().isBlank()) {
            cmdline += " " + spec.cmdline().strip();
        }
        args.add(cmdline);
        args.add("-chardev");
        // append=on: the daemon caps the log by copying and truncating it (ConsoleLogs), and QEMU's
        // next write must then land at the new end, not at its old offset.
        args.add("file,id=console,path=" + escape(spec.consoleLog()) + ",append=on");
        args.add("-serial");
        args.add("chardev:console");
        args.add("-device");
        args.add("virtio-serial-device");
        args.add("-chardev");
        args.add("socket,id=agent,server=on,wait=off,path=" + escape(spec.agentSocket()));
        args.add("-device");
        args.add("virtserialport,chardev=agent,name=uvm.agent");
        args.add("-device");
        args.add("virtio-balloon-device,free-page-reporting=on");
        if (spec.share() != null) {
            args.add("-fsdev");
            // Under a VMM user, mapped-xattr keeps the guest's owners and modes in extended attributes: the host
            // files it creates belong to that user with plain modes (0644, 0755), so no guest file can become
            // setuid-root, or setuid anything, on the host. A per-user daemon's QEMU is the user, so the guest's
            // files are simply that user's (ownership changes are ignored).
            args.add("local,id=share0,security_model="
                    + (spec.vmmUser() != null ? "mapped-xattr,fmode=0644,dmode=0755" : "none")
                    + (spec.share().readOnly() ? ",readonly=on" : "")
                    + ",path=" + escape(spec.share().hostPath()));
            args.add("-device");
            args.add("virtio-9p-device,fsdev=share0,mount_tag=" + escape(spec.share().mountTag()));
        }
        if (spec.dataDisk() != null) {
            // discard=unmap: the guest's TRIM punches holes in the sparse file, so deleted files give their
            // space back to the host; detect-zeroes turns written zeroes into holes too. werror/rerror=report:
            // a full host disk is an I/O error the guest's writer sees, not a VM paused for good.
            // A QEMU that drops to the VMM user gets the disk as inherited descriptors (read-write and read-only)
            // in an fd set: it reopens the image when a save deactivates it and a restore activates it again,
            // which by name it could not (the file is root's and outside its jail).
            if (spec.vmmUser() != null) {
                args.add("-add-fd");
                args.add("fd=" + DATA_DISK_RW_FD + ",set=" + DATA_DISK_FDSET + ",opaque=data-rw");
                args.add("-add-fd");
                args.add("fd=" + DATA_DISK_RO_FD + ",set=" + DATA_DISK_FDSET + ",opaque=data-ro");
            }
            args.add("-drive");
            args.add("file=" + (spec.vmmUser() != null ? "/dev/fdset/" + DATA_DISK_FDSET : escape(spec.dataDisk()))
                    + ",format=raw,if=none,id=data,discard=unmap,detect-zeroes=unmap,werror=report,rerror=report");
            args.add("-device");
            args.add("virtio-blk-device,drive=data");
        }
        if (spec.nat()) {
            // libslirp inside QEMU: no root, no host network configuration, no process of its own. The guest's
            // connections to 10.0.2.2 reach the host's loopback; its DNS queries to 10.0.2.3 go to the resolvers
            // of /etc/resolv.conf (the jail's copy under a VMM user). The guest sets itself up statically (/init).
            args.add("-netdev");
            args.add("user,id=net0,net=10.0.2.0/24,host=" + QemuSpec.NAT_HOST + ",dns=" + QemuSpec.NAT_DNS
                    + ",ipv6=off");
            args.add("-device");
            args.add("virtio-net-device,netdev=net0");
        }
        args.add("-qmp");
        args.add("unix:" + escape(spec.qmpSocket()) + ",server=on,wait=off");
        return args;
    }

    /** The host CPU's clock in kHz from /proc/cpuinfo, or 0 if unknown. */
    static long hostTscKhz() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) {
                    return Math.round(Double.parseDouble(line.substring(line.indexOf(':') + 1).trim()) * 1000);
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** Escapes a value for a QEMU option string: commas are doubled. */
    static String escape(Object value) {
        return value.toString().replace(",", ",,");
    }

    /** Quotes an argument list for logs and messages. */
    public static String toShellString(List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (a.matches("[A-Za-z0-9_./:=,+-]+")) {
                sb.append(a);
            } else {
                sb.append('\'').append(a.replace("'", "'\\''")).append('\'');
            }
        }
        return sb.toString();
    }

}
