package dev.uvm.daemon;

import dev.uvm.agent.AgentChannel;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.Session;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.Wire;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One attached {@code run}: a guest process whose session lives exactly as long as the client's
 * connection. Its output goes to the client as STDOUT and STDERR frames, then {@code exit}; a
 * failure is an {@code error}; a client that goes away has its process killed.
 *
 * <p>Concurrency: the connection's thread runs the {@link GuestProcess} and writes to the client
 * (the owner's callbacks); a second thread reads the client's frames (stdin, signals, resizes) and
 * forwards them to the process's channel once it runs.
 */
final class RunSession implements GuestProcess.Owner {
    private final String vmName;
    private final String distribution;
    private final DataInputStream in;
    private final OutputStream out;
    private final CompletableFuture<AgentChannel> channel = new CompletableFuture<>();
    private final GuestProcess process;

    RunSession(Scheduler scheduler, RunRequest req, DataInputStream in, OutputStream out) {
        this.vmName = req.vm();
        this.distribution = req.distribution();
        this.in = in;
        this.out = out;
        this.process = new GuestProcess(scheduler, req.vm(), req.plan(), Session.Kind.FOREGROUND, this);
    }

    void run() {
        Thread reader = new Thread(this::readClient, "client-reader-" + process.session().id());
        reader.setDaemon(true);
        reader.start();
        try {
            process.run();
        } finally {
            channel.completeExceptionally(new IOException("session ended"));
        }
    }

    @Override
    public void started(AgentChannel ch, String notice) throws IOException {
        channel.complete(ch);
        Wire.send(out, new DaemonMessage.Started(vmName, null, null, distribution, notice));
    }

    @Override
    public void output(int stream, byte[] data) throws IOException {
        Wire.write(out, stream, data, 0, data.length);
    }

    @Override
    public void ended(GuestProcess.Ending how) throws IOException {
        if (how instanceof GuestProcess.Exited x) {
            Wire.send(out, new DaemonMessage.Exit(x.status()));
        } else if (how instanceof GuestProcess.Failed f) {
            Wire.send(out, DaemonMessage.Failure.ofUvm(f.message()));
        } else if (how instanceof GuestProcess.Lost l) {
            Wire.send(out, DaemonMessage.Failure.ofUvm(l.message()));
        }
        // Aborted: the client is gone (or broke the protocol and was told); nobody to tell.
    }

    /** Forwards the client's stdin and control messages to the guest process. */
    private void readClient() {
        try {
            while (true) {
                Wire.Frame f = Wire.read(in);
                if (f.type() == Wire.STDIN) {
                    AgentChannel ch = channel.join();
                    if (f.payload().length == 0) {
                        ch.closeStdin();
                    } else {
                        ch.writeStdin(f.payload(), 0, f.payload().length);
                    }
                } else if (f.type() == Wire.CONTROL) {
                    ClientMessage msg = ClientMessage.decode(f);
                    if (msg instanceof ClientMessage.Signal s) {
                        channel.join().signal(s.signal());
                    } else if (msg instanceof ClientMessage.Resize r) {
                        channel.join().resize(r.rows(), r.cols());
                    } else {
                        throw new Wire.ProtocolException("unexpected control message \"" + msg.type() + "\" during a run");
                    }
                } else {
                    throw new Wire.ProtocolException("a client may not send frame type " + f.type());
                }
            }
        } catch (CompletionException e) {
            // The session ended before the command started; nothing to forward to.
            process.cancel("the session ended before the command started");
        } catch (Wire.ProtocolException e) {
            try {
                Wire.send(out, DaemonMessage.Failure.ofUvm("protocol error: " + e.getMessage()));
            } catch (IOException ignored) {
                // The client is gone as well.
            }
            process.cancel("protocol error: " + e.getMessage());
        } catch (IOException e) {
            process.cancel("client gone: " + e.getMessage());
        }
    }
}
