package dev.uvm.client;

import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.ExitStatus;
import dev.uvm.protocol.Wire;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jline.terminal.Size;
import sun.misc.Signal;

/**
 * The client side of a {@code run}: streams stdin to the guest process and its output back, and
 * returns the process's exit status.
 *
 * <p>Two modes. With pipes, stdout and stderr stay apart, stdin is forwarded until EOF and
 * SIGINT/SIGTERM/SIGHUP are passed to the guest process; a process that is still there
 * {@link #SIGNAL_GRACE_MILLIS} later is not waited for: the client closes the session (the daemon
 * kills the guest process and what it started) and exits with 128+N, as if the signal had ended it. With a terminal ({@code tty}), the guest
 * process gets a PTY of the terminal's size, the terminal goes raw (Ctrl-C is the byte 0x03 on
 * the PTY, and the guest's line discipline turns it into SIGINT), window size changes follow, and
 * the terminal is restored however the session ends.
 */
final class RunSessionClient {

    /** How long a guest process may take to end after a signal the client got before the client ends the session. */
    static final long SIGNAL_GRACE_MILLIS = 1_000;

    private final DaemonConnection conn;
    /** Whether the session runs on this client's terminal. */
    private boolean interactive;
    /** The signal that made the client end the session, or 0. */
    private volatile int endedBySignal;
    private boolean graceStarted;

    RunSessionClient(DaemonConnection conn) {
        this.conn = conn;
    }

    /** What the receive loop ended with: an exit status and, for failures, a message for stderr. */
    private record Outcome(int code, String message) {
    }

    /** Where and as whom a command runs: the options of {@code uvm run} and {@code uvm shell}. */
    /** Where a run goes; {@code system}: the VM's utility environment, whatever is installed. */
    record Target(String vm, String distribution, String user, String cwd, boolean system) {
    }

    /**
     * Runs a command attached to this client.
     *
     * @param tty   give the command a PTY when stdin and stdout are a terminal; otherwise pipes
     * @param login run the user's login shell of the distribution instead of {@code argv}
     */
    int run(Target where, List<String> argv, List<String> env, boolean tty, boolean login) throws IOException {
        RawTerminal term = tty && RawTerminal.available() ? RawTerminal.enter() : null;
        interactive = term != null;
        Outcome outcome;
        try {
            ClientMessage.Run req = new ClientMessage.Run(where.vm(), argv, env, false, 0, 0, false,
                    where.distribution(), where.user(), where.cwd(), login, where.system());
            if (term != null) {
                Size size = term.size();
                req = new ClientMessage.Run(where.vm(), argv, withTerm(env), true, clamp(size.getRows()),
                        clamp(size.getColumns()), false, where.distribution(), where.user(), where.cwd(), login, where.system());
            }
            conn.send(req);
            if (term != null) {
                term.onResize(this::resize);
            } else {
                forwardSignals();
            }
            Thread stdin = new Thread(this::pumpStdin, "stdin");
            stdin.setDaemon(true);
            stdin.start();
            outcome = receive();
        } finally {
            if (term != null) {
                term.close();
            }
        }
        if (outcome.message() != null) {
            System.err.println("uvm: " + outcome.message());
        }
        return outcome.code();
    }

    /** Starts a background job; prints its id and returns once it runs in the guest. */
    int detach(Target where, List<String> argv, List<String> env) throws IOException {
        conn.send(new ClientMessage.Run(where.vm(), argv, env, false, 0, 0, true, where.distribution(), where.user(),
                where.cwd(), false, where.system()));
        DaemonMessage answer = conn.receive(null);
        if (answer instanceof DaemonMessage.Failure f) {
            System.err.println("uvm: " + f.message());
            return f.code();
        }
        if (!(answer instanceof DaemonMessage.Started started)) {
            throw new Wire.ProtocolException("the daemon answered " + answer.type() + " to a detached run");
        }
        System.out.println(started.job());
        return 0;
    }

    /** A terminal dimension the protocol accepts (1 to 65535 cells). */
    private static int clamp(int cells) {
        return Math.max(1, Math.min(ClientMessage.Run.MAX_TERMINAL_CELLS, cells));
    }

    /** The environment with the terminal type passed on, unless the user set TERM with {@code -e}. */
    private static List<String> withTerm(List<String> env) {
        String term = System.getenv("TERM");
        if (term == null || term.isBlank() || env.stream().anyMatch(s -> s.startsWith("TERM="))) {
            return env;
        }
        List<String> out = new java.util.ArrayList<>(env);
        out.add("TERM=" + term);
        return out;
    }

    private Outcome receive() throws IOException {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        OutputStream stderr = new FileOutputStream(FileDescriptor.err);
        try {
            while (true) {
                Wire.Frame f = Wire.read(conn.in);
                switch (f.type()) {
                    case Wire.STDOUT -> {
                        if (!write(stdout, f.payload())) {
                            return new Outcome(ExitStatus.BROKEN_PIPE, null);
                        }
                    }
                    case Wire.STDERR -> write(stderr, f.payload());
                    case Wire.CONTROL -> {
                        DaemonMessage msg = DaemonMessage.decode(f, null);
                        if (msg instanceof DaemonMessage.Exit x) {
                            return new Outcome(x.code(), null);
                        }
                        if (msg instanceof DaemonMessage.Failure e) {
                            return new Outcome(e.code(), e.message());
                        }
                        if (msg instanceof DaemonMessage.Started started && started.notice() != null) {
                            stderr.write(("uvm: " + started.notice() + (interactive ? "\r\n" : "\n"))
                                    .getBytes(StandardCharsets.UTF_8));
                        }
                        if (msg instanceof DaemonMessage.Started started && started.distribution() == null && interactive) {
                            // On a terminal only: scripts get the utility environment without a word on stderr.
                            // No distribution is installed, or --vm named a VM the default one is not in.
                            stderr.write(("uvm: this is uvm's small utility environment, not a distribution;"
                                    + " `uvm install debian` installs Debian, `uvm list` shows those installed\r\n")
                                    .getBytes(StandardCharsets.UTF_8));
                        }
                    }
                    default -> throw new Wire.ProtocolException("unexpected frame type " + f.type() + " from daemon");
                }
            }
        } catch (EOFException ex) {
            if (endedBySignal != 0) {
                return new Outcome(128 + endedBySignal, null);
            }
            return new Outcome(ExitStatus.UVM_ERROR, "lost the connection to the daemon before the command finished"
                    + " (the daemon stopped or crashed; see its log)");
        } catch (IOException ex) {
            if (endedBySignal != 0) {
                return new Outcome(128 + endedBySignal, null);
            }
            return new Outcome(ExitStatus.UVM_ERROR, "the connection to the daemon failed: " + ex.getMessage());
        }
    }

    /** Writes output; false when the reader has gone (EPIPE): the session ends and the guest process is killed. */
    private static boolean write(OutputStream out, byte[] data) {
        try {
            out.write(data);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void pumpStdin() {
        InputStream in = new FileInputStream(FileDescriptor.in);
        byte[] buf = new byte[Wire.MAX_DATA];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n > 0) {
                    Wire.write(conn.out, Wire.STDIN, buf, 0, n);
                }
            }
            Wire.write(conn.out, Wire.STDIN, buf, 0, 0);
        } catch (IOException ignored) {
            // The session ended; the main thread reports how.
        }
    }

    private void resize(int rows, int cols) {
        if (rows > 0 && cols > 0) {
            try {
                conn.send(new ClientMessage.Resize(clamp(rows), clamp(cols)));
            } catch (IOException ignored) {
                // The session is ending; the main thread reports how.
            }
        }
    }

    /**
     * Ends the session {@link #SIGNAL_GRACE_MILLIS} after the first signal unless the guest process
     * ended by then: closing the connection makes the daemon kill it, and {@link #receive} returns
     * 128+N.
     */
    private synchronized void endAfterGrace(int number) {
        if (graceStarted) {
            return;
        }
        graceStarted = true;
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(SIGNAL_GRACE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            endedBySignal = number;
            conn.close();
        }, "signal-grace");
        t.setDaemon(true);
        t.start();
    }

    /** Passes SIGINT, SIGTERM and SIGHUP to the guest process instead of dying of them. */
    private void forwardSignals() {
        for (String name : List.of("INT", "TERM", "HUP")) {
            int number = Signals.parse(name);
            try {
                Signal.handle(new Signal(name), s -> {
                    try {
                        conn.send(new ClientMessage.Signal(number));
                    } catch (IOException ignored) {
                        // The session is ending anyway.
                    }
                    endAfterGrace(number);
                });
            } catch (IllegalArgumentException ignored) {
                // Signal not available on this platform.
            }
        }
    }
}
