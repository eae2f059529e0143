package dev.uvm.daemon.forward;

import dev.uvm.agent.AgentChannel;
import dev.uvm.agent.ChannelListener;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.Session;
import dev.uvm.metrics.ForwardMetrics;
import dev.uvm.vm.RunningVm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded connection: the host-side socket joined to a TCP connection the guest opens to
 * {@code 127.0.0.1:guestPort}, which the agent opens itself ({@code CONNECT}: no process per
 * connection) and carries as a channel's stdin and stdout, with the channel's credit windows as
 * flow control. While it is open the connection holds the VM like a background session, so the VM
 * is not reclaimed under it.
 *
 * <p>Threads: {@link #run} carries guest-to-host bytes (taken from a queue the agent's reader
 * thread fills, each chunk acknowledged once written to the socket); a second thread carries
 * host-to-guest bytes, blocking on the guest's stdin credit. Either end closing ends both. The first
 * thread also ends a connection that carried nothing either way for {@code forwardIdleTimeout}, so
 * a client that connects and stays silent does not hold the VM up for ever.
 *
 * <p>A connection to a declared port may find its VM down: opening the session boots or restores
 * it. Unless the guest's first ports report has the port listening already (a restored server),
 * {@link Target#beforeConnect} starts what should listen (distributions' boot commands) and the
 * relay waits, up to the VM's boot timeout, until the guest reports the port listening. The
 * time from accept to the first byte back is recorded for such connections.
 */
final class Relay implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    private static final byte[] END = new byte[0];
    private static final long OPEN_TIMEOUT_SECONDS = 60;
    private static final long IDLE_CHECK_MILLIS = 500;

    /** What runs in the VM once it is up and before the relay waits for the guest port. */
    @FunctionalInterface
    public interface BeforeConnect {
        void prepare(String vm, RunningVm instance) throws IOException;
    }

    /**
     * Where a connection goes.
     *
     * @param vm            the VM's name
     * @param hostPort      the port the client connected to
     * @param guestPort     the port in the guest
     * @param idleMillis    {@code forwardIdleTimeout}
     * @param waitMillis    how long to wait for the guest port to listen once the VM is up; 0 = do not wait
     *                      (a port already reported listening)
     * @param beforeConnect run before that wait, or {@code null}
     * @param up            the VM's instance when it is known to be up (automatic forwarding: the guest
     *                      reported the port): the guest connection is opened at once, before the
     *                      session, which saves a round trip through the event loop; else {@code null}
     */
    record Target(String vm, int hostPort, int guestPort, long idleMillis, long waitMillis, BeforeConnect beforeConnect,
                  RunningVm up) {
    }

    private final Scheduler scheduler;
    private final Target target;
    private final String vm;
    private final int port;
    private final SocketChannel client;
    private final ExecutorService threads;
    private final ForwardMetrics metrics;
    private final OpenConnections open;
    private final long idleMillis;
    private final BlockingQueue<byte[]> toClient = new LinkedBlockingQueue<>();
    /** When a byte last went either way (System.nanoTime). */
    private volatile long lastActivity = System.nanoTime();
    private final long acceptedAt = System.nanoTime();
    /** Whether the first byte back is still to be timed (the connection woke the VM). */
    private boolean timeFirstByte;

    Relay(Scheduler scheduler, Target target, SocketChannel client, ExecutorService threads, ForwardMetrics metrics,
          OpenConnections open) {
        this.scheduler = scheduler;
        this.target = target;
        this.vm = target.vm();
        this.port = target.guestPort();
        this.idleMillis = target.idleMillis();
        this.client = client;
        this.threads = threads;
        this.metrics = metrics;
        this.open = open;
    }

    @Override
    public void run() {
        Session session = new Session(Session.Kind.BACKGROUND, Session.Cause.PORT, lost -> closeClient());
        metrics.opened();
        open.opened(vm);
        try {
            ChannelListener guest = new GuestSide();
            AgentChannel early = target.up() != null ? connectGuest(target.up(), guest) : null;
            RunningVm instance = scheduler.open(vm, session).get(OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (early != null && instance != target.up()) {
                log.info("VM {}: a connection to forwarded port {} was closed: the VM restarted meanwhile", vm, port);
                return;
            }
            timeFirstByte = session.waitedForVm();
            if (early == null && target.waitMillis() > 0 && !guestListens(instance)) {
                return;
            }
            toHost(early != null ? early : connectGuest(instance, guest));
        } catch (ExecutionException | TimeoutException | IOException e) {
            log.info("VM {}: a connection to forwarded port {} could not reach the guest: {}", vm, port,
                    e instanceof TimeoutException ? "the VM did not come up in time" : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeClient();
            scheduler.close(vm, session);
            metrics.closed();
            open.closed(vm);
        }
    }

    /** The guest end: the server's bytes are queued for {@link #toHost}; its end or the VM's ends the relay. */
    private final class GuestSide implements ChannelListener {
        @Override
        public void onStdout(byte[] data) {
            toClient.add(data);
        }

        @Override
        public void onStderr(byte[] data) {
            log.debug("VM {}: forwarding port {}: {}", vm, port, new String(data).strip());
        }

        @Override
        public void onExit(int status) {
            toClient.add(END);
        }

        @Override
        public void onBroken(String reason) {
            toClient.add(END);
        }
    }

    /** Opens the guest end of the connection and starts carrying the client's bytes to it. */
    private AgentChannel connectGuest(RunningVm instance, ChannelListener guest) throws IOException {
        AgentChannel channel = instance.agent().connect(port, guest);
        threads.execute(() -> toGuest(channel));
        return channel;
    }

    /** Starts what should listen and waits for the guest port; false (logged) when it does not come. */
    private boolean guestListens(RunningVm instance) throws IOException, InterruptedException {
        if (instance.agent().listens(port, target.waitMillis())) {
            return true; // a restored VM, whose server listened when it was saved
        }
        if (target.beforeConnect() != null) {
            target.beforeConnect().prepare(vm, instance);
        }
        if (instance.agent().awaitPort(port, target.waitMillis())) {
            return true;
        }
        log.warn("VM {}: a connection to declared port 127.0.0.1:{} was closed: nothing in the guest listened on"
                + " port {} within {} ms of the VM being up (its bootTimeout). Start the server from the"
                + " distribution's /etc/wsl.conf [boot] command so that it runs whenever the VM boots",
                vm, target.hostPort(), port, target.waitMillis());
        return false;
    }

    private void toHost(AgentChannel channel) throws InterruptedException {
        try {
            while (true) {
                byte[] data = toClient.poll(IDLE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                if (data == null) {
                    if (System.nanoTime() - lastActivity > idleMillis * 1_000_000) {
                        log.info("VM {}: closed a connection to forwarded port {} that carried nothing for {} ms"
                                + " (forwardIdleTimeout)", vm, port, idleMillis);
                        channel.signal(15);
                        return;
                    }
                    continue;
                }
                lastActivity = System.nanoTime();
                if (data == END) {
                    return;
                }
                if (timeFirstByte) {
                    timeFirstByte = false;
                    metrics.wakeFirstByte(lastActivity - acceptedAt);
                }
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    client.write(buf);
                }
                channel.acknowledgeOutput(data.length);
                metrics.toHost(data.length);
            }
        } catch (IOException e) {
            // The host side closed: the guest process ends with the channel.
            try {
                channel.signal(15);
            } catch (IOException ignored) {
                // The channel is gone already.
            }
        }
    }

    private void toGuest(AgentChannel channel) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try {
            while (client.read(buf) >= 0) {
                lastActivity = System.nanoTime();
                channel.writeStdin(buf.array(), 0, buf.position());
                metrics.toGuest(buf.position());
                buf.clear();
            }
            channel.closeStdin();
        } catch (IOException e) {
            // Either end closed; the other thread ends the relay.
        }
    }

    private void closeClient() {
        try {
            client.close();
        } catch (IOException ignored) {
            // Nothing more to do.
        }
    }
}
