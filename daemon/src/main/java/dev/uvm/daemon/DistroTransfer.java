package dev.uvm.daemon;

import dev.uvm.agent.AgentChannel;
import dev.uvm.agent.ExecRequest;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.Session;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.Wire;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A distribution's files on their way between a client and a VM's data disk: one guest process in
 * the utility environment (GNU tar), with a session of its own, whose stdin is fed by the client
 * ({@code uvm import}) or by the Debian installer ({@code uvm install}), or whose stdout goes to the
 * client ({@code uvm export}). The client gets {@code started}, then its data or progress, then
 * what {@link Finish} makes of the process's end.
 *
 * <p>Concurrency: the connection's thread runs the {@link GuestProcess} and writes to the client;
 * a second thread reads the client's frames (the tarball of an import; for the others only to
 * notice that the client went away, which kills the guest process); a {@link Feed} runs on a
 * third once the process runs. Both write the process's stdin through {@link Stdin}, whose lock
 * orders their writes with {@link Stdin#stop}: a {@link HostDiskGuard}, polled on a fourth thread
 * while the process runs, stops the feeding when the host's disk nears full. The guest's tar then
 * sees its input end early, fails, and deletes what it unpacked; the rest of the input is drained
 * and dropped, and the client is told why.
 */
final class DistroTransfer implements GuestProcess.Owner {
    /** Output kept of a stream that does not go to the client, for the final message. */
    private static final int KEEP = 16 * 1024;

    /** What the client is told when the process ended. */
    interface Finish {
        /** The process exited with {@code status}; {@code stdout} and {@code stderr} are what it printed (the tail). */
        DaemonMessage exited(int status, String stdout, String stderr) throws IOException;

        /** The process never ran or its VM went away; {@code why} says how. */
        DaemonMessage failed(String why);
    }

    /** Writes the guest process's stdin from elsewhere than the client, then closes it. */
    interface Feed {
        void into(Stdin stdin) throws IOException;
    }

    /** How often the host's free space is read while the guest process runs. */
    private static final long GUARD_EVERY_MILLIS = 25;

    /**
     * The guest process's stdin. Once {@link #stop stopped} (the host's disk is nearly full), it is
     * closed and what is written after is dropped, so the client or installer feeding it is drained
     * rather than blocked.
     */
    static final class Stdin {
        private final AgentChannel channel;
        private String stopped;
        private boolean closed;

        Stdin(AgentChannel channel) {
            this.channel = channel;
        }

        synchronized void write(byte[] data, int offset, int length) throws IOException {
            if (!closed) {
                channel.writeStdin(data, offset, length);
            }
        }

        synchronized void close() throws IOException {
            if (!closed) {
                closed = true;
                channel.closeStdin();
            }
        }

        /** Ends the input early because of {@code why}; the first reason is kept. */
        synchronized void stop(String why) throws IOException {
            if (stopped == null) {
                stopped = why;
                close();
            }
        }

        synchronized String stopped() {
            return stopped;
        }

        synchronized boolean closed() {
            return closed;
        }
    }

    private final String vm;
    private final String distribution;
    private final DataInputStream in;
    private final OutputStream out;
    private final boolean clientFeeds;
    private final Feed feed;
    private final boolean stdoutToClient;
    private final Finish finish;
    private final GuestProcess process;
    private final HostDiskGuard guard;
    private final CompletableFuture<Stdin> stdin = new CompletableFuture<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private volatile boolean ended;

    /**
     * @param clientFeeds    the client's STDIN frames are the process's stdin (else it is {@code feed}'s, or empty)
     * @param stdoutToClient the process's stdout goes to the client as STDOUT frames (else it is kept)
     * @param guard          stops the input when the host's disk nears full, or null (nothing is written)
     */
    DistroTransfer(Scheduler scheduler, String vm, String distribution, List<String> argv, DataInputStream in,
                   OutputStream out, boolean clientFeeds, Feed feed, boolean stdoutToClient, HostDiskGuard guard,
                   Finish finish) {
        this.vm = vm;
        this.distribution = distribution;
        this.in = in;
        this.out = out;
        this.clientFeeds = clientFeeds;
        this.feed = feed;
        this.stdoutToClient = stdoutToClient;
        this.guard = guard;
        this.finish = finish;
        this.process = new GuestProcess(scheduler, vm, ExecPlan.of(ExecRequest.of(argv)), Session.Kind.FOREGROUND,
                this);
    }

    void run() {
        Thread reader = new Thread(this::readClient, "client-reader-" + process.session().id());
        reader.setDaemon(true);
        reader.start();
        try {
            process.run();
        } finally {
            stdin.completeExceptionally(new IOException("transfer ended"));
        }
    }

    @Override
    public void started(AgentChannel ch, String notice) throws IOException {
        Stdin in = new Stdin(ch);
        stdin.complete(in);
        Wire.send(out, new DaemonMessage.Started(vm, null, null, distribution, notice));
        if (guard != null) {
            daemonThread("host-disk-guard-", () -> watch(in));
        }
        if (feed != null) {
            daemonThread("feed-", () -> {
                try {
                    feed.into(in);
                } catch (IOException e) {
                    process.cancel("feeding the guest failed: " + e.getMessage());
                }
            });
        } else if (!clientFeeds) {
            in.close();
        }
    }

    private void daemonThread(String name, Runnable body) {
        Thread t = new Thread(body, name + process.session().id());
        t.setDaemon(true);
        t.start();
    }

    /** Polls the host's free space until the input ends or the transfer does. */
    private void watch(Stdin in) {
        try {
            while (!ended) {
                String low = guard.low();
                if (low != null) {
                    in.stop(low);
                    return;
                }
                if (in.closed()) {
                    return;
                }
                Thread.sleep(GUARD_EVERY_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            process.cancel("closing the guest's input failed: " + e.getMessage());
        }
    }

    @Override
    public void output(int stream, byte[] data) throws IOException {
        if (stream == Wire.STDOUT && stdoutToClient) {
            Wire.write(out, Wire.STDOUT, data, 0, data.length);
        } else {
            keep(stream == Wire.STDOUT ? stdout : stderr, data);
        }
    }

    /** Keeps the last {@link #KEEP} bytes of a stream. */
    private static void keep(ByteArrayOutputStream to, byte[] data) {
        to.write(data, 0, data.length);
        if (to.size() > 2 * KEEP) {
            byte[] all = to.toByteArray();
            to.reset();
            to.write(all, all.length - KEEP, KEEP);
        }
    }

    @Override
    public void ended(GuestProcess.Ending how) throws IOException {
        ended = true;
        String stopped = stdin.isDone() && !stdin.isCompletedExceptionally() ? stdin.join().stopped() : null;
        if (how instanceof GuestProcess.Exited x && x.status() != 0 && stopped != null) {
            Wire.send(out, finish.failed(stopped));
        } else if (how instanceof GuestProcess.Exited x) {
            Wire.send(out, finish.exited(x.status(), stdout.toString(StandardCharsets.UTF_8),
                    stderr.toString(StandardCharsets.UTF_8)));
        } else if (how instanceof GuestProcess.Failed f) {
            Wire.send(out, finish.failed(f.message()));
        } else if (how instanceof GuestProcess.Lost l) {
            Wire.send(out, finish.failed(l.message()));
        } else if (how instanceof GuestProcess.Aborted a) {
            finish.failed(a.why()); // the client is gone; this only releases what the transfer held
        }
    }

    /** Forwards the client's tarball (an import), or waits for the client to go away. */
    private void readClient() {
        try {
            while (true) {
                Wire.Frame f = Wire.read(in);
                if (f.type() == Wire.STDIN && clientFeeds) {
                    Stdin to = stdin.join();
                    if (f.payload().length == 0) {
                        to.close();
                    } else {
                        to.write(f.payload(), 0, f.payload().length);
                    }
                } else {
                    throw new Wire.ProtocolException("a client may not send frame type " + f.type() + " here");
                }
            }
        } catch (CompletionException e) {
            process.cancel("the transfer ended before the guest process started");
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
