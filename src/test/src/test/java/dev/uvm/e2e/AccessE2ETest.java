package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Access control: the socket admits only its owner, and a client of another user that reaches it
 * anyway (here the test opens the file modes on purpose) is refused by the daemon's peer
 * credential check with a message that says why, and a non-zero exit.
 */
class AccessE2ETest {
    /** The other user: nobody, with no groups of the daemon's user. */
    private static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
            "--clear-groups");

    @Test
    void socketIsOwnerOnly_andClientOfAnotherUserIsRefusedWithReason() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "running a client as another user needs root (setpriv)");
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 5000\n").start()) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.socket)));

            // Blocked by the file modes first: the other user cannot even reach the socket.
            Result blocked = asNobody(d, "list");
            assertNotEquals(0, blocked.exit(), blocked.toString());
            assertTrue(blocked.stderr().contains("cannot connect to the uvm daemon at " + d.socket
                    + ": permission denied"), blocked.toString());

            // Reachable on purpose: the daemon's own check refuses.
            Files.setPosixFilePermissions(d.dir, PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(d.socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            Files.setPosixFilePermissions(d.config, PosixFilePermissions.fromString("rw-r--r--"));
            for (List<String> args : List.of(List.of("list"), List.of("run", "--", "id"), List.of("shutdown"))) {
                Result r = asNobody(d, args.toArray(String[]::new));
                assertEquals(125, r.exit(), args + ": " + r);
                assertTrue(r.stderr().contains("permission denied: this uvm daemon belongs to user root and does not"
                        + " accept clients of user nobody"), args + ": " + r.stderr());
                assertEquals("", r.stdout(), args + ": " + r);
            }
            assertEquals(3, d.logCount("refused a client running as user nobody"), d.log());
            assertEquals("stopped", d.state("default"), "a refused run must not boot the VM");
            assertTrue(d.process().isAlive());
            assertEquals(0, d.uvm("list").exit(), "the owner is still served");
        }
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    /** The staged client, bin/uvm of a copy every user can read (see {@link #stagedClient}). */
    private static Path client;

    @AfterAll
    static void deleteStagedClient() throws Exception {
        if (client != null) {
            try (java.util.stream.Stream<Path> all = Files.walk(client.getParent().getParent())) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * A copy of the client (bin/uvm, its jar and libraries) in a folder every user can enter: the
     * checkout itself may sit where the other user cannot (under /root, in a mktemp -d folder).
     */
    private static Path stagedClient() throws Exception {
        Path stage = Files.createTempDirectory(Path.of("/tmp"), "uvm-client-");
        Path target = UvmDaemon.HOME.resolve("client/target");
        Files.createDirectories(stage.resolve("bin"));
        Files.createDirectories(stage.resolve("client/target/lib"));
        Files.copy(UvmDaemon.UVM, stage.resolve("bin/uvm"));
        try (java.util.stream.Stream<Path> files = Files.list(target)) {
            for (Path p : files.filter(f -> f.getFileName().toString().matches("uvm-client-.*\\.jar")).toList()) {
                Files.copy(p, stage.resolve("client/target").resolve(p.getFileName()));
            }
        }
        try (java.util.stream.Stream<Path> files = Files.list(target.resolve("lib"))) {
            for (Path p : files.toList()) {
                Files.copy(p, stage.resolve("client/target/lib").resolve(p.getFileName()));
            }
        }
        try (java.util.stream.Stream<Path> all = Files.walk(stage)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) || p.getFileName().toString().equals("uvm") ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return stage.resolve("bin/uvm");
    }

    private static Result asNobody(UvmDaemon d, String... args) throws Exception {
        if (client == null) {
            client = stagedClient();
        }
        List<String> cmd = new ArrayList<>(AS_NOBODY);
        cmd.add(client.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().putAll(d.clientEnv());
        pb.environment().putAll(Map.of("HOME", "/nonexistent", "XDG_STATE_HOME", "/nonexistent/state"));
        Process p = pb.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8), err);
    }
}
