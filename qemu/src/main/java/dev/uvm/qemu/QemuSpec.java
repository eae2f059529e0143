package dev.uvm.qemu;

import java.nio.file.Path;

/**
 * Everything needed to launch one microvm.
 *
 * @param name        the VM's name (used in the QEMU process name and messages)
 * @param qemuBinary  the {@code qemu-system-x86_64} executable
 * @param kernel      an uncompressed ELF kernel (PVH entry) or a bzImage
 * @param initrd      the initramfs
 * @param cmdline     extra kernel command line, appended to the fixed one
 * @param memoryBytes guest RAM
 * @param cpus        virtual CPUs
 * @param accel       accelerator
 * @param runDir      a private folder for this VM's sockets and logs
 * @param share       a host folder to export over 9P, or {@code null}
 * @param dataDisk    the VM's data disk (a raw image, ext4 inside), attached as a virtio block device with
 *                    discard, or {@code null}
 * @param consoleLog  the file the guest's serial console is appended to; {@code null} puts it in
 *                    {@code runDir} (probe boots)
 * @param vmmUser     the unprivileged user QEMU becomes ({@code -runas}) once it has opened its files, jailed in
 *                    {@link #jail()} ({@code -chroot}): set when the daemon runs as root; {@code null} leaves QEMU
 *                    the daemon's own user (a per-user daemon). QEMU runs in its seccomp sandbox either way.
 * @param nat         whether the guest gets NAT networking (QEMU's user networking, libslirp, inside QEMU)
 * @param ownKernel   whether the kernel is uvm's own (guest/kernel): it has no ACPI, so the microvm offers none
 *                    ({@code acpi=off}, which spares QEMU building the tables), and under TCG it is told
 *                    {@link #OWN_KERNEL_TCG_CMDLINE}; other kernels power off through ACPI
 */
public record QemuSpec(String name, Path qemuBinary, Path kernel, Path initrd, String cmdline, long memoryBytes,
                       int cpus, Accel accel, Path runDir, Share share, Path dataDisk, Path consoleLog,
                       String vmmUser, boolean nat, boolean ownKernel) {

    /**
     * {@code lapic_timer_period=} for uvm's own kernel under TCG (its patch of that name): QEMU emulates the
     * local APIC's bus at 1 GHz, and the kernel's HZ is 250, so the timer counts 4,000,000 per jiffy. Given
     * it, the kernel skips calibrating the timer, about 0.2 s of an emulated boot.
     */
    public static final long OWN_KERNEL_LAPIC_TIMER_PERIOD = 1_000_000_000L / 250;

    /**
     * What uvm's own kernel is told under TCG only (guest/kernel/patches): its APIC timer period, and not to
     * poison the init memory it frees (0.34 s under TCG, where every store to translated code is slow).
     */
    public static final String OWN_KERNEL_TCG_CMDLINE = "lapic_timer_period=" + OWN_KERNEL_LAPIC_TIMER_PERIOD
            + " initmem_poison=0";

    /** A VM booting another kernel than uvm's own (Debian's, or a configured file). */
    public QemuSpec(String name, Path qemuBinary, Path kernel, Path initrd, String cmdline, long memoryBytes,
                    int cpus, Accel accel, Path runDir, Share share, Path dataDisk, Path consoleLog,
                    String vmmUser, boolean nat) {
        this(name, qemuBinary, kernel, initrd, cmdline, memoryBytes, cpus, accel, runDir, share, dataDisk, consoleLog,
                vmmUser, nat, false);
    }

    /** The guest's address in the NAT network; the host (its loopback) is {@link #NAT_HOST}, DNS {@link #NAT_DNS}. */
    public static final String NAT_GUEST = "10.0.2.15";
    public static final String NAT_HOST = "10.0.2.2";
    public static final String NAT_DNS = "10.0.2.3";

    /** The fixed kernel command line: serial console, no reboot loop, skip slow probes. */
    public static final String BASE_CMDLINE = "console=ttyS0 quiet panic=-1 reboot=t edd=off";

    /**
     * A host folder exported to the guest over virtio-9p under {@code mountTag}.
     *
     * @param cache the guest's 9P cache mode: {@code none} (coherent), {@code mmap} or {@code loose}
     */
    public record Share(Path hostPath, String mountTag, String guestPath, boolean readOnly, String cache) {
        public Share(Path hostPath, String mountTag, String guestPath, boolean readOnly) {
            this(hostPath, mountTag, guestPath, readOnly, "none");
        }
    }

    public Path agentSocket() {
        return runDir.resolve("agent.sock");
    }

    /**
     * The folder QEMU is jailed in when it runs as {@link #vmmUser}: empty but for the socket a save
     * streams into, owned by the daemon's user and not writable by the VMM's.
     */
    public Path jail() {
        return runDir.resolve("jail");
    }

    /** Where the daemon listens for the migration stream of a save (see {@link #saveUri()}). */
    public Path saveSocket() {
        return jail().resolve("save.sock");
    }

    /** The QMP {@code migrate} URI of {@link #saveSocket()} as QEMU sees it: relative to its jail when jailed. */
    public String saveUri() {
        return "unix:" + (vmmUser != null ? "/" + saveSocket().getFileName() : saveSocket().toString());
    }

    public Path qmpSocket() {
        return runDir.resolve("qmp.sock");
    }

    @Override
    public Path consoleLog() {
        return consoleLog != null ? consoleLog : runDir.resolve("console.log");
    }

    public Path qemuLog() {
        return runDir.resolve("qemu.log");
    }
}
