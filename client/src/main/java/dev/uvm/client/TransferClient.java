package dev.uvm.client;

import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.ExitStatus;
import dev.uvm.protocol.Wire;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The client side of {@code import}, {@code install} and {@code export}: sends the request and, for
 * an import, the tarball as STDIN frames; copies STDOUT frames (an export's tarball) to a sink and
 * STDERR frames (progress, tar's complaints) to stderr; returns the exit status the daemon's
 * {@code exit} or {@code error} gives.
 */
final class TransferClient {
    private TransferClient() {
    }

    /**
     * @param tarball what to send as STDIN frames, or {@code null}
     * @param sink    where STDOUT frames go, or {@code null} when none are expected
     */
    static int transfer(DaemonConnection conn, ClientMessage request, InputStream tarball, OutputStream sink)
            throws IOException {
        conn.send(request);
        if (tarball != null) {
            Thread feeder = new Thread(() -> feed(conn, tarball), "tarball");
            feeder.setDaemon(true);
            feeder.start();
        }
        try {
            while (true) {
                Wire.Frame f = Wire.read(conn.in);
                switch (f.type()) {
                    case Wire.STDOUT -> {
                        if (sink == null) {
                            throw new Wire.ProtocolException("unexpected output from the daemon");
                        }
                        sink.write(f.payload());
                    }
                    case Wire.STDERR -> {
                        System.err.write(f.payload());
                        System.err.flush();
                    }
                    case Wire.CONTROL -> {
                        DaemonMessage msg = DaemonMessage.decode(f, null);
                        if (msg instanceof DaemonMessage.Exit x) {
                            return x.code();
                        }
                        if (msg instanceof DaemonMessage.Failure e) {
                            System.err.println("uvm: " + e.message());
                            return e.code();
                        }
                        if (msg instanceof DaemonMessage.Started started && started.notice() != null) {
                            System.err.println("uvm: " + started.notice());
                        }
                    }
                    default -> throw new Wire.ProtocolException("unexpected frame type " + f.type() + " from daemon");
                }
            }
        } catch (EOFException e) {
            System.err.println("uvm: lost the connection to the daemon before it finished (see its log)");
            return ExitStatus.UVM_ERROR;
        }
    }

    private static void feed(DaemonConnection conn, InputStream tarball) {
        byte[] buf = new byte[Wire.MAX_DATA];
        try (tarball) {
            int n;
            while ((n = tarball.read(buf)) >= 0) {
                if (n > 0) {
                    Wire.write(conn.out, Wire.STDIN, buf, 0, n);
                }
            }
            Wire.write(conn.out, Wire.STDIN, buf, 0, 0);
        } catch (IOException ignored) {
            // The daemon ended the transfer; the main thread reports how.
        }
    }
}
