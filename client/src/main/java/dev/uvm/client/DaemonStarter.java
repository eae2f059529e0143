package dev.uvm.client;

import dev.uvm.config.Locations;
import dev.uvm.protocol.ExitStatus;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Connects to the daemon, starting one in the background when none listens (as {@code wsl.exe}
 * starts its service). The daemon runs in its own session ({@code setsid}), so it outlives the
 * client and ignores the terminal's Ctrl-C.
 */
public final class DaemonStarter {
    private static final long START_TIMEOUT_MILLIS = 60_000;

    private DaemonStarter() {
    }

    /** Starts a daemon on {@code socket} (none listens there) and connects to it once it listens. */
    public static DaemonConnection start(Path socket, Path config, Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        Path log = stateDir.resolve("daemon.log");
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            cmd.add("/usr/bin/setsid");
        }
        // bin/uvm runs the daemon's class path with its JVM flags, as for the service (packaging/uvm.service).
        Path launcher = Locations.uvmHome().resolve("bin/uvm");
        if (!Files.isExecutable(launcher)) {
            throw new IOException("cannot start a daemon: the uvm launcher " + launcher + " is missing or not"
                    + " executable (reinstall uvm, or start the daemon with `uvm daemon`)");
        }
        cmd.add(launcher.toString());
        cmd.add("--socket");
        cmd.add(socket.toString());
        if (config != null) {
            cmd.add("--config");
            cmd.add(config.toString());
        }
        cmd.add("daemon");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        System.err.println("uvm: no daemon was listening on " + socket + "; started one in the background (pid "
                + p.pid() + ", log " + log + ")");
        long until = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < until) {
            try {
                return DaemonConnection.open(socket);
            } catch (IOException e) {
                if (!DaemonConnection.noDaemon(e)) {
                    throw e;
                }
            }
            if (!p.isAlive() && p.exitValue() != ExitStatus.DAEMON_ALREADY_RUNNING && p.exitValue() != 0) {
                throw new IOException("the uvm daemon exited with status " + p.exitValue() + " during start-up: "
                        + String.join(" | ", tail(log, 5)) + " (full log: " + log + ")");
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the daemon");
            }
        }
        throw new IOException("the uvm daemon did not open " + socket + " within " + START_TIMEOUT_MILLIS / 1000
                + " s (log: " + log + ")");
    }

    /** The last {@code n} non-blank lines of the daemon's log, or none if it cannot be read. */
    static List<String> tail(Path file, int n) {
        try (Stream<String> lines = Files.lines(file)) {
            List<String> all = lines.filter(l -> !l.isBlank()).map(String::strip).toList();
            return all.subList(Math.max(0, all.size() - n), all.size());
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

}
