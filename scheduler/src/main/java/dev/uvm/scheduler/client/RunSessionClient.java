package dev.uvm.scheduler.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uvm.scheduler.daemon.Wire;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import sun.misc.Signal;

/**
 * The client side of a {@code run}: streams stdin to the guest process and its stdout and stderr
 * back, forwards Ctrl-C, and returns the process's exit status.
 */
final class RunSessionClient {
    /** Exit status when uvm itself failed (the VM could not boot, the daemon went away). */
    static final int EXIT_UVM_ERROR = 125;

    private final DaemonConnection conn;

    RunSessionClient(DaemonConnection conn) {
        this.conn = conn;
    }

    int run(String vm, List<String> argv, List<String> env) throws IOException {
        ObjectNode req = Wire.message("run").put("vm", vm).put("tty", false);
        ArrayNode a = req.putArray("argv");
        argv.forEach(a::add);
        ArrayNode e = req.putArray("env");
        env.forEach(e::add);
        conn.send(req);
        forwardInterrupts();
        Thread stdin = new Thread(this::pumpStdin, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        OutputStream stderr = new FileOutputStream(FileDescriptor.err);
        try {
            while (true) {
                Wire.Frame f = Wire.read(conn.in);
                switch (f.type()) {
                    case Wire.STDOUT -> stdout.write(f.payload());
                    case Wire.STDERR -> stderr.write(f.payload());
                    case Wire.CONTROL -> {
                        JsonNode msg = f.json();
                        switch (msg.path("type").asText()) {
                            case "exit" -> {
                                return msg.path("code").asInt();
                            }
                            case "error" -> {
                                System.err.println("uvm: " + msg.path("message").asText());
                                return msg.path("code").asInt(EXIT_UVM_ERROR);
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
            System.err.println("uvm: lost the connection to the daemon before the command finished"
                    + " (the daemon stopped or crashed; see its log)");
            return EXIT_UVM_ERROR;
        }
    }

    private void pumpStdin() {
        InputStream in = new FileInputStream(FileDescriptor.in);
        byte[] buf = new byte[Wire.MAX_DATA];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                Wire.write(conn.out, Wire.STDIN, buf, 0, n);
            }
            Wire.write(conn.out, Wire.STDIN, buf, 0, 0);
        } catch (IOException ignored) {
            // The session ended; the main thread reports how.
        }
    }

    private void forwardInterrupts() {
        for (String name : List.of("INT", "TERM", "HUP")) {
            int number = switch (name) {
                case "INT" -> 2;
                case "TERM" -> 15;
                default -> 1;
            };
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
