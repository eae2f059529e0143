package dev.uvm.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Values from the config reach QEMU as values, never as extra options. */
class QemuCommandLineTest {
    private static QemuSpec spec(Path runDir, QemuSpec.Share share, String cmdline, Accel accel) {
        return spec(runDir, share, cmdline, accel, null);
    }

    private static QemuSpec spec(Path runDir, QemuSpec.Share share, String cmdline, Accel accel, String vmmUser) {
        return new QemuSpec("default", Path.of("/usr/bin/qemu-system-x86_64"), Path.of("/img/vmlinux"),
                Path.of("/img/initramfs.cpio"), cmdline, 512L << 20, 2, accel, runDir, share, null, null, vmmUser, false);
    }

    private static String after(List<String> args, String option, String prefix) {
        for (int i = 0; i < args.size() - 1; i++) {
            if (args.get(i).equals(option) && args.get(i + 1).startsWith(prefix)) {
                return args.get(i + 1);
            }
        }
        throw new AssertionError("no " + option + " " + prefix + "... in " + args);
    }

    @Test
    void commasInPaths_areDoubled_soTheyCannotAddOptions() {
        Path evil = Path.of("/tmp/a,server=on,path=/etc/x");
        QemuSpec.Share share = new QemuSpec.Share(Path.of("/home/u/share,readonly=off"), "uvmshare", "/mnt/host", true);
        List<String> args = QemuCommandLine.build(spec(evil, share, "", Accel.TCG));
        assertEquals("socket,id=agent,server=on,wait=off,path=/tmp/a,,server=on,,path=/etc/x/agent.sock",
                after(args, "-chardev", "socket,"));
        assertEquals("local,id=share0,security_model=none,readonly=on,path=/home/u/share,,readonly=off",
                after(args, "-fsdev", "local,"));
        assertEquals("unix:/tmp/a,,server=on,,path=/etc/x/qmp.sock,server=on,wait=off", after(args, "-qmp", "unix:"));
    }

    @Test
    void shareCacheMode_isPassedToTheGuestAfterTheAccessMode() {
        QemuSpec.Share loose = new QemuSpec.Share(Path.of("/srv"), "uvmshare", "/mnt/host", false, "loose");
        String append = after(QemuCommandLine.build(spec(Path.of("/run/uvm/vms/default"), loose, "", Accel.TCG)),
                "-append", "");
        assertTrue(append.contains(" uvm.share=uvmshare:/mnt/host:rw:loose"), append);
        QemuSpec.Share plain = new QemuSpec.Share(Path.of("/srv"), "uvmshare", "/mnt/host", true);
        append = after(QemuCommandLine.build(spec(Path.of("/run/uvm/vms/default"), plain, "", Accel.TCG)),
                "-append", "");
        assertTrue(append.contains(" uvm.share=uvmshare:/mnt/host:ro") && !append.contains(":ro:"), append);
    }

    @Test
    void dataDisk_isAVirtioBlockDeviceWithDiscard_andItsPathCannotAddOptions() {
        QemuSpec base = spec(Path.of("/r"), null, "", Accel.TCG);
        QemuSpec withDisk = new QemuSpec(base.name(), base.qemuBinary(), base.kernel(), base.initrd(), base.cmdline(),
                base.memoryBytes(), base.cpus(), base.accel(), base.runDir(), null, Path.of("/var/lib/uvm/disks/a,b.img"), null,
                null, false);
        List<String> args = QemuCommandLine.build(withDisk);
        assertEquals("file=/var/lib/uvm/disks/a,,b.img,format=raw,if=none,id=data,discard=unmap,detect-zeroes=unmap,"
                        + "werror=report,rerror=report",
                after(args, "-drive", "file="));
        assertEquals("virtio-blk-device,drive=data", after(args, "-device", "virtio-blk"));
        assertFalse(QemuCommandLine.build(base).contains("-drive"));
    }

    @Test
    void kernelCommandLine_isOneArgument_withTheFixedPartFirst() {
        List<String> args = QemuCommandLine.build(spec(Path.of("/run/uvm/vms/default"), null,
                "quiet -device foo", Accel.KVM));
        String append = after(args, "-append", "");
        assertTrue(append.startsWith(QemuSpec.BASE_CMDLINE), append);
        assertTrue(append.endsWith(" quiet -device foo"), append);
        assertFalse(args.contains("foo"), "the command line never becomes QEMU arguments");
        assertFalse(append.contains("tsc_early_khz"), "KVM guests calibrate their own clock");
    }

    @Test
    void tcg_passesTheHostTscRate_soMicrovmGuestsDoNotHang() {
        String append = after(QemuCommandLine.build(spec(Path.of("/r"), null, "", Accel.TCG)), "-append", "");
        long khz = QemuCommandLine.hostTscKhz();
        if (khz > 0) {
            assertTrue(append.contains(" tsc_early_khz=" + khz), append);
        }
        assertEquals("512M", after(QemuCommandLine.build(spec(Path.of("/r"), null, "", Accel.TCG)), "-m", ""));
    }

    @Test
    void underARootDaemon_qemuIsSandboxed_jailed_andRunsAsTheVmmUser_withAShareThatKeepsModesInXattrs() {
        QemuSpec.Share share = new QemuSpec.Share(Path.of("/srv/p"), "uvmshare", "/mnt/host", false);
        List<String> args = QemuCommandLine.build(spec(Path.of("/run/uvm/vms/a"), share, "", Accel.TCG, "uvm-vmm"));
        assertEquals("on,obsolete=deny,spawn=deny,resourcecontrol=deny", after(args, "-sandbox", ""));
        assertEquals("/run/uvm/vms/a/jail", after(args, "-chroot", ""));
        assertEquals("uvm-vmm", after(args, "-runas", ""));
        assertEquals("local,id=share0,security_model=mapped-xattr,fmode=0644,dmode=0755,path=/srv/p",
                after(args, "-fsdev", "local,"));
        assertEquals("unix:/save.sock", spec(Path.of("/run/uvm/vms/a"), null, "", Accel.TCG, "uvm-vmm").saveUri());
    }

    @Test
    void underAVmmUser_theDataDiskComesAsInheritedDescriptors_soQemuCanReopenItInItsJail() {
        QemuSpec base = spec(Path.of("/r"), null, "", Accel.TCG, "uvm-vmm");
        QemuSpec withDisk = new QemuSpec(base.name(), base.qemuBinary(), base.kernel(), base.initrd(), base.cmdline(),
                base.memoryBytes(), base.cpus(), base.accel(), base.runDir(), null, Path.of("/var/lib/uvm/disks/a.img"),
                null, "uvm-vmm", false);
        List<String> args = QemuCommandLine.build(withDisk);
        assertEquals("fd=4,set=1,opaque=data-rw", after(args, "-add-fd", "fd=4"));
        assertEquals("fd=5,set=1,opaque=data-ro", after(args, "-add-fd", "fd=5"));
        assertTrue(after(args, "-drive", "file=").startsWith("file=/dev/fdset/1,format=raw,"), args.toString());
        assertFalse(String.join(" ", args).contains("a.img"), "QEMU never opens the disk by name");
    }

    @Test
    void aPerUserDaemonsQemu_isSandboxedWithoutPrivilegeChanges_andNotJailed() {
        List<String> args = QemuCommandLine.build(spec(Path.of("/run/user/1000/uvm/vms/a"), null, "", Accel.TCG));
        assertEquals("on,obsolete=deny,spawn=deny,resourcecontrol=deny,elevateprivileges=deny",
                after(args, "-sandbox", ""));
        assertFalse(args.contains("-runas") || args.contains("-chroot"), args.toString());
        assertEquals("unix:/run/user/1000/uvm/vms/a/jail/save.sock",
                spec(Path.of("/run/user/1000/uvm/vms/a"), null, "", Accel.TCG).saveUri());
    }

    @Test
    void nat_isUserNetworkingOnAVirtioNetDevice_andTheGuestIsToldOnItsCommandLine() {
        QemuSpec base = spec(Path.of("/r"), null, "", Accel.TCG);
        QemuSpec nat = new QemuSpec(base.name(), base.qemuBinary(), base.kernel(), base.initrd(), base.cmdline(),
                base.memoryBytes(), base.cpus(), base.accel(), base.runDir(), null, null, null, null, true);
        List<String> args = QemuCommandLine.build(nat);
        assertEquals("user,id=net0,net=10.0.2.0/24,host=10.0.2.2,dns=10.0.2.3,ipv6=off", after(args, "-netdev", "user"));
        assertEquals("virtio-net-device,netdev=net0", after(args, "-device", "virtio-net"));
        assertTrue(after(args, "-append", "").contains(" uvm.net=nat"));
        assertFalse(QemuCommandLine.build(base).contains("-netdev"), "networkingMode = none: no network device");
    }

    @Test
    void ownKernel_microvmWithoutAcpi_andUnderTcgItsApicTimerPeriod_otherKernelsAsBefore() {
        QemuSpec base = spec(Path.of("/r"), null, "", Accel.TCG);
        QemuSpec own = new QemuSpec(base.name(), base.qemuBinary(), base.kernel(), base.initrd(), base.cmdline(),
                base.memoryBytes(), base.cpus(), Accel.TCG, base.runDir(), null, null, null, null, false, true);
        List<String> args = QemuCommandLine.build(own);
        assertEquals("microvm,acpi=off", args.get(args.indexOf("-M") + 1));
        assertTrue(after(args, "-append", "").contains(" lapic_timer_period=4000000 initmem_poison=0"), args.toString());
        QemuSpec ownKvm = new QemuSpec(base.name(), base.qemuBinary(), base.kernel(), base.initrd(), base.cmdline(),
                base.memoryBytes(), base.cpus(), Accel.KVM, base.runDir(), null, null, null, null, false, true);
        assertFalse(after(QemuCommandLine.build(ownKvm), "-append", "").contains("lapic_timer_period"),
                "under KVM the timer needs no calibration (TSC deadline) and nothing is passed");

        List<String> debian = QemuCommandLine.build(base);
        assertEquals("microvm", debian.get(debian.indexOf("-M") + 1));
        assertFalse(after(debian, "-append", "").contains("lapic_timer_period"), debian.toString());
    }
}
