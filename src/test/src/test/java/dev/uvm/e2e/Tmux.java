package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A private tmux server (its own socket, no user config) with one detached session: a real
 * pseudo-terminal that a test types into and reads the screen of.
 */
final class Tmux implements AutoCloseable {
    private static final String SESSION = "uvm";
    private final Path socket;

    private Tmux(Path socket) {
        this.socket = socket;
    }

    /** Starts a session of {@code cols} x {@code rows} running {@code shellCommand} under /bin/sh. */
    static Tmux start(Path socket, int cols, int rows, String shellCommand) throws IOException, InterruptedException {
        Tmux t = new Tmux(socket);
        t.tmux("-f", "/dev/null", "new-session", "-d", "-s", SESSION, "-x", String.valueOf(cols),
                "-y", String.valueOf(rows), shellCommand);
        return t;
    }

    /** Types keys: literal text, or key names such as {@code Enter} and {@code C-c}. */
    void send(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", SESSION));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** Types a line of text and Enter. */
    void line(String text) throws IOException, InterruptedException {
        tmux("send-keys", "-t", SESSION, "-l", text);
        send("Enter");
    }

    void resize(int cols, int rows) throws IOException, InterruptedException {
        tmux("resize-window", "-t", SESSION, "-x", String.valueOf(cols), "-y", String.valueOf(rows));
    }

    /** The visible screen and its scrollback, trailing blanks trimmed. */
    String screen() throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", SESSION).strip();
    }

    /** Waits until the screen satisfies {@code condition}; the failure message shows the screen. */
    String awaitScreen(String what, Predicate<String> condition) {
        String[] last = {""};
        try {
            await(what).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
                last[0] = screen();
                return condition.test(last[0]);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(what + "; the screen shows:\n" + last[0], e);
        }
        return last[0];
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("tmux", "-S", socket.toString(), "kill-server").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
    }
}
