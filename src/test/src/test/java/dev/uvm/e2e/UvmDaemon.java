package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real uvm daemon started as a process through {@code bin/uvm daemon}, with its own socket,
 * config and state folders under a temporary directory, and the real client to talk to it.
 * Closing it stops the daemon and makes sure no QEMU process of its VMs survives.
 */
final class UvmDaemon implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path HOME = Path.of(System.getProperty("uvm.home", "../..")).toAbsolutePath().normalize();
    static final Path UVM = HOME.resolve("bin/uvm");
    static final Path IMAGE = HOME.resolve("guest/out");

    final Path dir;
    final Path socket;
    final Path config;
    final Path log;
    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> daemonEnv = new HashMap<>();
    private Process process;
    /** The uvm command this daemon and its clients run: bin/uvm, or an installed one ({@link #launcher}). */
    private Path uvm = UVM;
    /** A tmpfs mounted over the state folder ({@link #smallStateDir}), unmounted at close. */
    private Path mounted;

    UvmDaemon(String configText) throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "uvm-e2e-");
        socket = dir.resolve("uvm.sock");
        config = dir.resolve("uvm.conf");
        log = dir.resolve("daemon.log");
        writeConfig(configText);
        env.put("UVM_SOCKET", socket.toString());
        env.put("UVM_CONFIG", config.toString());
        env.put("UVM_ACCEL", "tcg");
        env.put("XDG_STATE_HOME", dir.resolve("state").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    }

    /**
     * Writes the config file; each daemon gets its own state folder (as root the default would be
     * the shared /var/lib/uvm).
     */
    void writeConfig(String text) throws IOException {
        Files.writeString(config, text + "\n[daemon]\nstateDir = " + dir.resolve("state") + "\n");
    }

    /** Another guest image folder (UVM_IMAGE_DIR), for the daemon and its clients. */
    UvmDaemon imageDir(Path image) {
        env.put("UVM_IMAGE_DIR", image.toString());
        return this;
    }

    /** Runs the daemon and clients with another uvm command, such as the Debian package's /usr/bin/uvm. */
    UvmDaemon launcher(Path command) {
        uvm = command;
        return this;
    }

    /** Lets the daemon decide the accelerator itself (probe and cache), as users run it. */
    UvmDaemon autoAccel() {
        env.remove("UVM_ACCEL");
        return this;
    }

    UvmDaemon start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(uvm.toString(), "daemon").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().putAll(daemonEnv);
        process = pb.start();
        // Not just the socket file: a crashed predecessor may have left one behind.
        await().atMost(Duration.ofSeconds(60)).until(() -> log().contains("listening on " + socket)
                || !process.isAlive());
        if (!process.isAlive()) {
            throw new IllegalStateException("daemon exited with " + process.exitValue() + ": " + log());
        }
        return this;
    }

    /**
     * Puts the state folder (VM disks, saved state) on a tmpfs of {@code mebibytes}, so that the
     * host's disk fills up for real. Needs root; call before {@link #start}.
     */
    UvmDaemon smallStateDir(int mebibytes) throws IOException, InterruptedException {
        Path state = Files.createDirectories(dir.resolve("state"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m,mode=700", "uvm-e2e",
                state.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("mount -t tmpfs on " + state + " failed: " + out);
        }
        mounted = state;
        return this;
    }

    /** Sets a variable for the daemon process only, not its clients (e.g. JAVA_TOOL_OPTIONS=-Xmx64m). */
    UvmDaemon daemonEnv(String key, String value) {
        daemonEnv.put(key, value);
        return this;
    }

    /** The environment clients get (socket, config, state and cache folders), for clients started elsewhere. */
    Map<String, String> clientEnv() {
        return Map.copyOf(env);
    }

    Process process() {
        return process;
    }

    /** Result of one client command. */
    record Result(int exit, String stdout, String stderr) {
    }

    /** Starts the real client with the daemon's environment. */
    Process client(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(uvm.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return pb.start();
    }

    Result uvm(String... args) throws IOException, InterruptedException {
        return uvmWithInput(null, args);
    }

    Result uvmWithInput(byte[] stdin, String... args) throws IOException, InterruptedException {
        Process p = client(List.of(args));
        Thread feeder = new Thread(() -> {
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ignored) {
                // The client exited before reading everything; its exit status tells.
            }
        });
        feeder.start();
        var out = new java.util.concurrent.CompletableFuture<byte[]>();
        Thread outReader = new Thread(() -> {
            try {
                out.complete(p.getInputStream().readAllBytes());
            } catch (IOException e) {
                out.completeExceptionally(e);
            }
        });
        outReader.start();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("client did not finish: uvm " + String.join(" ", args));
        }
        feeder.join();
        return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    /** {@code uvm list --json}, by VM name. */
    Map<String, JsonNode> list() throws IOException, InterruptedException {
        Result r = uvm("list", "--json");
        if (r.exit() != 0) {
            throw new IllegalStateException("uvm list failed: " + r);
        }
        Map<String, JsonNode> vms = new HashMap<>();
        for (JsonNode vm : JSON.readTree(r.stdout())) {
            vms.put(vm.get("name").asText(), vm);
        }
        return vms;
    }

    String state(String vm) throws IOException, InterruptedException {
        return list().get(vm).get("state").asText();
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** How many log lines contain {@code text}. */
    long logCount(String text) throws IOException {
        return log().lines().filter(l -> l.contains(text)).count();
    }

    /** QEMU processes started for this daemon's VMs (their sockets live under its folder). */
    List<ProcessHandle> qemuProcesses() {
        String marker = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("qemu-system") && c.contains(marker))
                        .orElse(false))
                .toList();
    }

    @Override
    public void close() throws Exception {
        try {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(90, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } finally {
            for (ProcessHandle q : qemuProcesses()) {
                q.destroyForcibly();
                q.onExit().get(30, TimeUnit.SECONDS);
            }
            if (mounted != null) {
                new ProcessBuilder("umount", "-l", mounted.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
