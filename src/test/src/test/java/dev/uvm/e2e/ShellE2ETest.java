package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code uvm shell} as a person uses it: in a real terminal (a tmux pane), with a PTY in the
 * guest, window resizes, Ctrl-C reaching the guest's foreground process, and the terminal left as
 * it was found, also when the session breaks; and without a terminal, as a plain pipe.
 */
class ShellE2ETest {
    private static final Pattern PTS = Pattern.compile("(/dev/pts/\\d+)");
    private static UvmDaemon daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = new UvmDaemon("[vm]\nvmIdleTimeout = 120000\n").start();
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void shellInTerminal_hasPtyPromptResizeAndCtrlC_andRestoresTerminalOnExit() throws Exception {
        try (Tmux tmux = shellInTmux("exit")) {
            tmux.awaitScreen("the guest's login prompt", s -> s.contains("uvm:~#"));

            tmux.line("echo $((6*7)); tty");
            String screen = tmux.awaitScreen("a command's output and the PTY's name", s -> s.contains("\n42\n")
                    && PTS.matcher(s).find());
            Matcher pts = PTS.matcher(screen);
            assertTrue(pts.find());

            tmux.resize(132, 43);
            awaitGuestTerminalSize(pts.group(1), "43 132");
            tmux.line("stty size");
            tmux.awaitScreen("stty size in the guest after the resize", s -> s.contains("\n43 132\n"));

            tmux.line("sleep 1000");
            awaitSleepRunning(true);
            tmux.send("C-c");
            awaitSleepRunning(false);
            tmux.line("echo status=$?");
            // Whether the guest's line discipline echoes "^C" races with the prompt; the contract is
            // that the foreground process got SIGINT (128+2) and the shell is back.
            tmux.awaitScreen("the prompt back after Ctrl-C, the command killed by SIGINT",
                    s -> s.contains("\nstatus=130\n"));

            tmux.line("exit");
            tmux.awaitScreen("uvm's exit status", s -> s.contains("uvm-exit=0"));
            assertTerminalRestored("exit", tmux);
        }
    }

    @Test
    void shellWhoseVmIsStoppedUnderIt_fails125_andRestoresTerminal() throws Exception {
        try (Tmux tmux = shellInTmux("broken")) {
            tmux.awaitScreen("the guest's login prompt", s -> s.contains("uvm:~#"));
            assertEquals(0, daemon.uvm("terminate", "default").exit());
            String screen = tmux.awaitScreen("uvm's exit status", s -> s.contains("uvm-exit="));
            assertTrue(screen.contains("uvm-exit=125"), screen);
            assertTerminalRestored("broken", tmux);
        }
    }

    /**
     * A tmux pane that records {@code stty -g}, runs {@code uvm shell} with the daemon's
     * environment, prints its exit status and records {@code stty -g} again.
     */
    private static Tmux shellInTmux(String name) throws Exception {
        Path script = daemon.dir.resolve(name + ".sh");
        StringBuilder sh = new StringBuilder("#!/bin/sh\n");
        for (Map.Entry<String, String> e : daemon.clientEnv().entrySet()) {
            sh.append("export ").append(e.getKey()).append("='").append(e.getValue()).append("'\n");
        }
        sh.append("stty -g > ").append(daemon.dir.resolve(name + ".before")).append('\n')
                .append(UvmDaemon.UVM).append(" shell\n")
                .append("echo \"uvm-exit=$?\"\n")
                .append("stty -g > ").append(daemon.dir.resolve(name + ".after")).append('\n')
                .append("exec sleep 3600\n");
        Files.writeString(script, sh);
        return Tmux.start(daemon.dir.resolve(name + ".tmux"), 100, 30, "sh " + script);
    }

    private static void assertTerminalRestored(String name, Tmux tmux) throws Exception {
        Path after = daemon.dir.resolve(name + ".after");
        await("stty -g recorded after uvm").atMost(Duration.ofMinutes(1)).until(() -> Files.exists(after));
        assertEquals(Files.readString(daemon.dir.resolve(name + ".before")), Files.readString(after),
                "terminal settings (stty -g) before and after uvm shell; screen:\n" + tmux.screen());
    }

    @Test
    void shellWithoutTerminal_isAPipe_andPlainUvmIsAShell() throws Exception {
        UvmDaemon.Result r = daemon.uvmWithInput("tty; echo sum=$((2+3)); exit 4\n".getBytes(), "shell");
        assertEquals(4, r.exit(), r.toString());
        assertTrue(r.stdout().contains("not a tty"), r.toString());
        assertTrue(r.stdout().contains("sum=5\n"), r.toString());

        UvmDaemon.Result plain = daemon.uvmWithInput("echo plain-$HOME\n".getBytes());
        assertEquals(new UvmDaemon.Result(0, "plain-/root\n", ""), plain);
    }

    private static void awaitGuestTerminalSize(String pts, String size) {
        await("the guest PTY resized to " + size)
                .atMost(Duration.ofMinutes(1))
                .until(() -> daemon.uvm("run", "--", "stty", "-F", pts, "size").stdout().strip().equals(size));
    }

    private static void awaitSleepRunning(boolean running) {
        await(running ? "sleep running in the guest" : "sleep gone from the guest")
                .atMost(Duration.ofMinutes(1))
                .until(() -> (daemon.uvm("run", "--", "pidof", "sleep").exit() == 0) == running);
    }
}
