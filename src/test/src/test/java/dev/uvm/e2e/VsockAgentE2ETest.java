package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The guest's half of the HCS backend, proven inside a real guest under QEMU: the agent's AF_VSOCK
 * transport (the one an HCS host's hvsocket listener serves) and the in-guest formatting of a
 * blank data disk (a host without mke2fs, as Windows, asks for it with {@code uvm.data.new}).
 *
 * <p>This host has no vhost-vsock, so the host's side of the connection is played inside the same
 * guest over the kernel's vsock loopback transport (CID 1): {@code agentctl vsock-listen:PORT}
 * listens as HCS's listener does and drives a second {@code /sbin/uvm-agent}, the image's own
 * binary, that connects to it. The agent the daemon talks to (PID 1, on virtio-serial) is not
 * touched. The VM boots Debian's kernel with its initramfs, the image HCS boots (uvm's own kernel
 * has no VMBus): its vsock modules, and mke2fs, which uvm's own kernel's initramfs leaves out. One
 * VM boot serves all the tests.
 */
class VsockAgentE2ETest {
    private static UvmDaemon daemon;

    @BeforeAll
    static void startDaemonAndCopyAgentctl() throws Exception {
        daemon = new UvmDaemon("[vm]\nvmIdleTimeout = 600000\nkernel = debian\n").start();
        Path agentctl = daemon.dir.resolve("agentctl");
        String source = UvmDaemon.HOME.resolve("guest/test/agentctl.c").toString();
        // static: the guest's utility environment has no C library of its own
        boolean musl = HostCommand.run(1, java.util.List.of("sh", "-c", "command -v musl-gcc")).exit() == 0;
        HostCommand.ok(2, musl ? "musl-gcc" : "gcc", "-static", "-O2", "-o", agentctl.toString(), source);
        UvmDaemon.Result copy = daemon.uvmWithInput(Files.readAllBytes(agentctl), "run", "--system", "--",
                "sh", "-c", "cat >/tmp/agentctl && chmod 755 /tmp/agentctl");
        assertEquals(0, copy.exit(), copy.toString());
        UvmDaemon.Result release = daemon.uvm("run", "--system", "--", "uname", "-r");
        assertTrue(release.stdout().strip().endsWith("-amd64"), "Debian's kernel, as HCS boots: " + release);
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        daemon.close();
    }

    /** Runs a shell script in the VM's utility environment. */
    private static UvmDaemon.Result guest(String script) throws Exception {
        // Debian's kernel has vsock_loopback as a module (in uvm's own it is built in)
        return daemon.uvm("run", "--system", "--", "sh", "-c", "modprobe -q vsock_loopback 2>/dev/null; " + script);
    }

    @Test
    void agentOverVsock_runsCommands_andServesTheNextHostConnectionAfterOneEnds() throws Exception {
        UvmDaemon.Result r = guest("""
                /sbin/uvm-agent --vsock-only --vsock 1:50101 </dev/null >/tmp/agent-vsock.log 2>&1 &
                agent=$!
                /tmp/agentctl vsock-listen:50101 run -- sh -c 'echo "first as $(id -u)"; echo to-stderr >&2; exit 7'
                echo "first status $?"
                /tmp/agentctl vsock-listen:50101 run -- sh -c 'echo second; exit 0'
                echo "second status $?"
                kill "$agent"
                """);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("first as 0\nfirst status 7\n"), r.toString());
        assertTrue(r.stderr().contains("to-stderr"), "the command's stderr arrives apart: " + r);
        assertTrue(r.stdout().contains("second\nsecond status 0\n"),
                "the agent connects again after the first host connection ends: " + r);
    }

    @Test
    void agentWithoutAVirtioSerialPort_fallsBackToVsockOnItsOwn() throws Exception {
        // A mount namespace in which /sys/class/virtio-ports is empty: the guest an HCS host boots.
        UvmDaemon.Result r = guest("""
                unshare -m sh -c 'mount -t tmpfs none /sys/class/virtio-ports && exec /sbin/uvm-agent --vsock 1:50102' \
                    </dev/null >/tmp/agent-auto.log 2>&1 &
                agent=$!
                /tmp/agentctl vsock-listen:50102 run -- sh -c 'echo fallback; exit 3'
                echo "status $?"
                kill "$agent"
                """);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("fallback\nstatus 3\n"), r.toString());
    }

    @Test
    void agentWithAWrongVsockAddress_isRefusedWithItsUsage() throws Exception {
        UvmDaemon.Result r = guest("/sbin/uvm-agent --vsock 2-50101; echo \"status $?\"");
        assertTrue(r.stdout().contains("status 2\n"), r.toString());
        assertTrue(r.stderr().contains("--vsock CID:PORT"), r.toString());
    }

    @Test
    void blankDataDisk_isFormattedInTheGuest_andADiskWithDataIsLeftAsItIs() throws Exception {
        UvmDaemon.Result r = guest("""
                head -c 16777216 /dev/zero >/tmp/blank.img
                /sbin/uvm-format-data /tmp/blank.img; echo "format status $?"
                echo "magic $(od -An -tx1 -j 1080 -N 2 /tmp/blank.img)"
                before=$(sha256sum </tmp/blank.img)
                /sbin/uvm-format-data /tmp/blank.img; echo "again status $?"
                [ "$(sha256sum </tmp/blank.img)" = "$before" ] && echo "unchanged"
                printf 'user data' >/tmp/other.img; head -c 1048576 /dev/zero >>/tmp/other.img
                /sbin/uvm-format-data /tmp/other.img; echo "other status $?"
                head -c 9 /tmp/other.img; echo
                """);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("format status 0\n"), r.toString());
        assertTrue(r.stdout().contains("magic  53 ef\n"), "an ext4 superblock: " + r);
        assertTrue(r.stdout().contains("again status 3\nunchanged\n"), "a formatted disk is not formatted again: " + r);
        assertTrue(r.stdout().contains("other status 3\nuser data\n"), "a disk with data is left alone: " + r);
        assertTrue(r.stderr().contains("is not blank"), r.toString());
        assertNotEquals(-1, r.stdout().indexOf("formatted /tmp/blank.img"), r.toString());
    }
}
