package dev.uvm.client;

import dev.uvm.protocol.ExitStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uvm.protocol.Wire;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.jline.terminal.Size;
import sun.misc.Signal;

/**
 * The client side of a {@code run}: streams stdin to the guest process and its output back, and
 * returns the process's exit status.
 *
 * <p>Two modes. With pipes, stdout and stderr stay apart, stdin is forwarded until EOF and
 * SIGINT/SIGTERM/SIGHUP are passed to the guest process. With a terminal ({@code tty}), the guest
 * process gets a PTY of the terminal's size, the terminal goes raw (Ctrl-C is the byte 0x03 on
 * the PTY, and the guest's line discipline turns it into SIGINT), window size changes follow, and
 * the terminal is restored however the session ends.
 */
final class RunSessionClient {

    private final DaemonConnection conn;

    RunSessionClient(DaemonConnection conn) {
        this.conn = conn;
    }

    /** What the receive loop ended with: an exit status and, for failures, a message for stderr. */
    private record Outcome(int code, String message) {
    }

    /**
     * Runs a command attached to this client.
     *
     * @param tty give the command a PTY when stdin and stdout are a terminal; otherwise pipes
     */
    int run(String vm, List<String> argv, List<String> env, boolean tty) throws IOException {
        RawTerminal term = tty && RawTerminal.available() ? RawTerminal.enter() : null;
        Outcome outcome;
        try {
            ObjectNode req = request(vm, argv, env);
            if (term != null) {
                Size size = term.size();
                req.put("tty", true).put("rows", Math.max(1, size.getRows())).put("cols", Math.max(1, size.getColumns()));
                addTerm((ArrayNode) req.get("env"), env);
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
    int detach(String vm, List<String> argv, List<String> env) throws IOException {
        conn.send(request(vm, argv, env).put("detach", true));
        JsonNode answer = conn.receive();
        if ("error".equals(answer.path("type").asText())) {
            System.err.println("uvm: " + answer.path("message").asText());
            return answer.path("code").asInt(ExitStatus.UVM_ERROR);
        }
        System.out.println(answer.path("job").asText());
        return 0;
    }

    private static ObjectNode request(String vm, List<String> argv, List<String> env) {
        ObjectNode req = Wire.message("run").put("vm", vm);
        ArrayNode a = req.putArray("argv");
        argv.forEach(a::add);
        ArrayNode e = req.putArray("env");
        env.forEach(e::add);
        return req;
    }

    /** Passes the terminal type on, unless the user set TERM with {@code -e}. */
    private static void addTerm(ArrayNode envNode, List<String> env) {
        String term = System.getenv("TERM");
        if (term != null && !term.isBlank() && env.stream().noneMatch(s -> s.startsWith("TERM="))) {
            envNode.add("TERM=" + term);
        }
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
                        JsonNode msg = f.json();
                        switch (msg.path("type").asText()) {
                            case "exit" -> {
                                return new Outcome(msg.path("code").asInt(), null);
                            }
                            case "error" -> {
                                return new Outcome(msg.path("code").asInt(ExitStatus.UVM_ERROR), msg.path("message").asText());
                            }
                            default -> {
                                // "started" and informational messages need no action.
                            }
                        }
                    }
                    default -> throw new Wire.ProtocolException("unexpected frame type " + f.type() + " from daemon");
                }
            }
        } catch (EOFException ex) {
            return new Outcome(ExitStatus.UVM_ERROR, "lost the connection to the daemon before the command finished"
                    + " (the daemon stopped or crashed; see its log)");
        } catch (IOException ex) {
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
                conn.send(Wire.message("resize").put("rows", rows).put("cols", cols));
            } catch (IOException ignored) {
                // The session is ending; the main thread reports how.
            }
        }
    }

    /** Passes SIGINT, SIGTERM and SIGHUP to the guest process instead of dying of them. */
    private void forwardSignals() {
        for (String name : List.of("INT", "TERM", "HUP")) {
            int number = Signals.parse(name);
            try {
                Signal.handle(new Signal(name), s -> {
                    try {
                        conn.send(Wire.message("signal").put("signal", number));
                    } catch (IOException ignored) {
                        // The session is ending anyway.
                    }
                });
            } catch (IllegalArgumentException ignored) {
                // Signal not available on this platform.
            }
        }
    }
}
