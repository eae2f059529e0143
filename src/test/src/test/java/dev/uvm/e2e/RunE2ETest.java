package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code uvm run} as a pipe: stdout and stderr apart, exit statuses (128+N for signals), large
 * stdin and output intact, and output flow-controlled end to end, so that a client that stalls
 * costs the daemon no memory. The daemon runs with a small heap ({@value #DAEMON_HEAP}) to prove it.
 */
class RunE2ETest {
    private static final String DAEMON_HEAP = "-Xmx96m";
    private static final int MIB = 1 << 20;
    private static UvmDaemon daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = new UvmDaemon("[vm]\nvmIdleTimeout = 120000\n").daemonEnv("JAVA_TOOL_OPTIONS", DAEMON_HEAP).start();
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void outputStreamsStayApart_andExitStatusIsTheCommands_with128PlusNForSignals() throws Exception {
        assertEquals(new UvmDaemon.Result(3, "out\n", "err\n"),
                daemon.uvm("run", "--", "sh", "-c", "echo out; echo err >&2; exit 3"));
        assertEquals(143, daemon.uvm("--", "sh", "-c", "kill -TERM $$").exit(), "uvm -- CMD, SIGTERM");
        assertEquals(137, daemon.uvm("exec", "sh", "-c", "kill -KILL $$").exit(), "uvm exec CMD, SIGKILL");
        UvmDaemon.Result ls = daemon.uvm("exec", "ls", "-d", "/root");
        assertEquals(new UvmDaemon.Result(0, "/root\n", ""), ls, "options after the command belong to it");
    }

    @Test
    void stdinOf50MB_arrivesIntact() throws Exception {
        byte[] data = new byte[50_000_000];
        new Random(42).nextBytes(data);
        long start = System.nanoTime();
        UvmDaemon.Result r = daemon.uvmWithInput(data, "run", "--", "sha256sum");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.exit(), r.toString());
        assertEquals(sha256(data) + "  -\n", r.stdout());
        System.out.printf("figure: stdin 50 MB -> guest sha256sum: %d ms including client start (%.1f MB/s)%n",
                millis, 50_000.0 / millis);
    }

    @Test
    void output300MiB_toAStalledThenSlowClient_isIntact_andDaemonHeapStaysFlat() throws Exception {
        byte[] block = new byte[MIB];
        new Random(7).nextBytes(block);
        int blocks = 300;
        long baseline = liveHeapBytes();
        Process p = daemon.client(List.of("run", "--", "sh", "-c",
                "cat > /tmp/block; i=0; while [ $i -lt " + blocks + " ]; do cat /tmp/block; i=$((i+1)); done"));
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(block);
        }
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        await("the session running").atMost(Duration.ofMinutes(2))
                .until(() -> daemon.list().get("default").get("foregroundSessions").asInt() == 1);
        // Stall: read nothing while the guest could have produced all of it many times over.
        Thread.sleep(5000);
        long stalled = liveHeapBytes();

        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        InputStream out = p.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        long slowUntil = 16L * MIB;
        long fastStart = 0;
        int n;
        while ((n = out.read(buf)) > 0) {
            sha.update(buf, 0, n);
            total += n;
            if (total < slowUntil) {
                Thread.sleep(2);
            } else if (fastStart == 0) {
                fastStart = System.nanoTime();
            }
        }
        long fastMillis = Math.max(1, (System.nanoTime() - fastStart) / 1_000_000);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), stderr.join());
        assertEquals((long) blocks * MIB, total);
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < blocks; i++) {
            expected.update(block);
        }
        assertEquals(HexFormat.of().formatHex(expected.digest()), HexFormat.of().formatHex(sha.digest()));
        assertTrue(daemon.process().isAlive(), daemon.log());
        long after = liveHeapBytes();
        System.out.printf("figure: 300 MiB output, daemon %s: live heap %d KiB before, %d KiB with the client"
                        + " stalled, %d KiB after; %.1f MiB/s at full speed%n", DAEMON_HEAP, baseline >> 10,
                stalled >> 10, after >> 10, (total - slowUntil) / (double) MIB * 1000 / fastMillis);
        assertTrue(stalled - baseline < 16L * MIB, "live heap grew by " + ((stalled - baseline) >> 10)
                + " KiB while a client stalled");
    }

    @Test
    void closedStdout_endsTheSession_withSigpipeStatus() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -o pipefail; '" + UvmDaemon.UVM
                + "' run -- yes | head -1; echo \"status=${PIPESTATUS[0]}\"");
        pb.environment().putAll(daemon.clientEnv());
        Process p = pb.start();
        String out = readAll(p.getInputStream());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals("y\nstatus=141\n", out);
        await("the guest's yes killed and its session closed").atMost(Duration.ofMinutes(1))
                .until(() -> daemon.list().get("default").get("foregroundSessions").asInt() == 0);
        assertEquals(1, daemon.uvm("run", "--", "sh", "-c", "pidof yes").exit(), "yes still runs in the guest");
    }

    /** Bytes of live objects in the daemon's heap, after the full GC that a class histogram forces. */
    private static long liveHeapBytes() throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", String.valueOf(daemon.process().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = readAll(jcmd.getInputStream());
        assertTrue(jcmd.waitFor(2, TimeUnit.MINUTES));
        String total = out.lines().filter(l -> l.startsWith("Total")).findFirst()
                .orElseThrow(() -> new AssertionError("no Total in jcmd output: " + out));
        return Long.parseLong(total.trim().split("\\s+")[2]);
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
