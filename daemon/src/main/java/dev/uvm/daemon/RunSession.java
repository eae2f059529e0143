package dev.uvm.daemon;

import dev.uvm.agent.AgentChannel;
import dev.uvm.agent.ChannelListener;
import dev.uvm.agent.ExecRequest;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.Session;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.Wire;
import dev.uvm.vm.RunningVm;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code run} request: a session that lives exactly as long as the client's connection.
 *
 * <p>Concurrency: the connection's thread runs {@link #run}, which owns the client's output side
 * and consumes {@link Event}s from one queue; a second thread reads the client's frames (stdin,
 * signals) and forwards them. Output from the guest is queued by the agent reader (never blocking
 * it) and acknowledged to the agent only after it was written to the client, so a slow client
 * stalls only its own guest process, and the queue is bounded by the agent's credit window.
 */
final class RunSession {
    private static final Logger log = LoggerFactory.getLogger(RunSession.class);
    private static final int SIGKILL = 9;

    private sealed interface Event permits VmReady, VmFailed, Output, Exited, Broken, Lost, ClientGone {
    }

    private record VmReady(RunningVm vm) implements Event {
    }

    private record VmFailed(String message) implements Event {
    }

    private record Output(int type, byte[] data) implements Event {
    }

    private record Exited(int status) implements Event {
    }

    private record Broken(String reason) implements Event {
    }

    private record Lost(String reason) implements Event {
    }

    private record ClientGone(String why) implements Event {
    }

    private final Scheduler scheduler;
    private final String vmName;
    private final ExecRequest request;
    private final DataInputStream in;
    private final OutputStream out;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<AgentChannel> channel = new CompletableFuture<>();
    private final Session session;

    RunSession(Scheduler scheduler, RunRequest req, DataInputStream in, OutputStream out) {
        this.scheduler = scheduler;
        this.vmName = req.vm();
        this.request = req.exec();
        this.in = in;
        this.out = out;
        this.session = new Session(Session.Kind.FOREGROUND, lost -> events.add(new Lost(lost.message())));
    }

    void run() {
        scheduler.open(vmName, session).whenComplete((vm, err) -> events.add(err == null ? new VmReady(vm)
                : new VmFailed(err instanceof CompletionException && err.getCause() != null
                        ? err.getCause().getMessage() : err.getMessage())));
        Thread reader = new Thread(this::readClient, "client-reader-" + session.id());
        reader.setDaemon(true);
        reader.start();
        AgentChannel ch = null;
        try {
            while (true) {
                Event ev = events.take();
                if (ev instanceof VmReady r) {
                    try {
                        ch = r.vm().agent().exec(request, listener());
                    } catch (IOException e) {
                        fail("cannot start the command in VM " + vmName + ": " + e.getMessage());
                        return;
                    }
                    channel.complete(ch);
                    Wire.send(out, new DaemonMessage.Started(vmName));
                } else if (ev instanceof VmFailed f) {
                    fail(f.message());
                    return;
                } else if (ev instanceof Output o) {
                    Wire.write(out, o.type(), o.data(), 0, o.data().length);
                    ch.acknowledgeOutput(o.data().length);
                } else if (ev instanceof Exited x) {
                    Wire.send(out, new DaemonMessage.Exit(x.status()));
                    return;
                } else if (ev instanceof Broken b) {
                    Event lost = events.poll(3, TimeUnit.SECONDS);
                    fail(lost instanceof Lost l ? l.reason() : "VM " + vmName + " stopped: " + b.reason());
                    return;
                } else if (ev instanceof Lost l) {
                    fail(l.reason());
                    return;
                } else if (ev instanceof ClientGone g) {
                    log.debug("{} on VM {}: client gone ({})", session, vmName, g.why());
                    if (ch != null) {
                        ch.signal(SIGKILL);
                    }
                    return;
                }
            }
        } catch (IOException e) {
            log.debug("{} on VM {}: client connection failed: {}", session, vmName, e.getMessage());
            killQuietly(ch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killQuietly(ch);
        } finally {
            channel.completeExceptionally(new IOException("session ended"));
            scheduler.close(vmName, session);
        }
    }

    private void killQuietly(AgentChannel ch) {
        if (ch != null) {
            try {
                ch.signal(SIGKILL);
            } catch (IOException ignored) {
                // The VM is gone; nothing left to kill.
            }
        }
    }

    private void fail(String message) throws IOException {
        Wire.send(out, DaemonMessage.Failure.ofUvm(message));
    }

    private ChannelListener listener() {
        return new ChannelListener() {
            @Override
            public void onStdout(byte[] data) {
                events.add(new Output(Wire.STDOUT, data));
            }

            @Override
            public void onStderr(byte[] data) {
                events.add(new Output(Wire.STDERR, data));
            }

            @Override
            public void onExit(int status) {
                events.add(new Exited(status));
            }

            @Override
            public void onBroken(String reason) {
                events.add(new Broken(reason));
            }
        };
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
            events.add(new ClientGone("session ended"));
        } catch (Wire.ProtocolException e) {
            try {
                Wire.send(out, DaemonMessage.Failure.ofUvm("protocol error: " + e.getMessage()));
            } catch (IOException ignored) {
                // The client is gone as well.
            }
            events.add(new ClientGone("protocol error: " + e.getMessage()));
        } catch (IOException e) {
            events.add(new ClientGone(e.getMessage()));
        }
    }
}
