package dev.uvm.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@code qemu-system-x86_64} argument list for a {@link QemuSpec}.
 *
 * <p>Every value placed inside a QEMU option string is escaped (a comma is doubled), so paths
 * and names from the config cannot inject further options.
 */
public final class QemuCommandLine {
    private QemuCommandLine() {
    }

    public static List<String> build(QemuSpec spec) {
        List<String> args = new ArrayList<>();
        args.add(spec.qemuBinary().toString());
        args.add("-name");
        args.add("uvm-" + escape(spec.name()));
        args.add("-M");
        args.add("microvm");
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
        }
        if (spec.share() != null) {
            cmdline += " uvm.share=" + spec.share().mountTag() + ":" + spec.share().guestPath()
                    + (spec.share().readOnly() ? ":ro" : ":rw")
                    + (spec.share().cache().equals("none") ? "" : ":" + spec.share().cache());
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
            args.add("local,id=share0,security_model=none" + (spec.share().readOnly() ? ",readonly=on" : "")
                    + ",path=" + escape(spec.share().hostPath()));
            args.add("-device");
            args.add("virtio-9p-device,fsdev=share0,mount_tag=" + escape(spec.share().mountTag()));
        }
        if (spec.dataDisk() != null) {
            // discard=unmap: the guest's TRIM punches holes in the sparse file, so deleted files give their
            // space back to the host; detect-zeroes turns written zeroes into holes too. werror/rerror=report:
            // a full host disk is an I/O error the guest's writer sees, not a VM paused for good.
            args.add("-drive");
            args.add("file=" + escape(spec.dataDisk()) + ",format=raw,if=none,id=data,discard=unmap,"
                    + "detect-zeroes=unmap,werror=report,rerror=report");
            args.add("-device");
            args.add("virtio-blk-device,drive=data");
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
