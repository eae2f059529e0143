package dev.uvm.daemon;

import dev.uvm.core.lifecycle.StopReason;
import dev.uvm.core.lifecycle.VmStatus;
import dev.uvm.core.lifecycle.WarmUp;
import dev.uvm.daemon.distro.DistroRegistry;
import dev.uvm.io.ChannelStreams;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.ExitStatus;
import dev.uvm.protocol.VmInfo;
import dev.uvm.protocol.Wire;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import dev.uvm.vm.RunningVm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one client connection (docs/protocol.md): the hello exchange, then one request (run,
 * jobs, logs, kill, list, status, shutdown, stop-daemon). A connection that does not send its
 * hello and request within {@link #HANDSHAKE_TIMEOUT_MILLIS} is closed; a protocol error is
 * answered with an error message and the connection closed. Nothing a connection sends affects
 * another one.
 */
final class ConnectionHandler implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    /** How long a new connection may take to send its hello and request. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Connections served at once (each holds a thread and about 80 KiB of buffers); more are refused. */
    static final int MAX_CONNECTIONS = 512;
    private static final Semaphore OPEN = new Semaphore(MAX_CONNECTIONS);

    private final SocketChannel socket;
    private final Daemon daemon;
    private final ScheduledExecutorService watchdog;

    ConnectionHandler(SocketChannel socket, Daemon daemon, ScheduledExecutorService watchdog) {
        this.socket = socket;
        this.daemon = daemon;
        this.watchdog = watchdog;
    }

    @Override
    public void run() {
        OutputStream out = new BufferedOutputStream(ChannelStreams.out(socket), 1 << 16);
        if (!OPEN.tryAcquire()) {
            refuse(out, "the uvm daemon serves " + MAX_CONNECTIONS + " connections already; try again later");
            return;
        }
        ScheduledFuture<?> deadline = watchdog.schedule(this::closeQuietly, HANDSHAKE_TIMEOUT_MILLIS,
                TimeUnit.MILLISECONDS);
        // The socket is closed in finally, not by try-with-resources: the catch clauses still answer on it.
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(socket), 1 << 14));
            if (!(ClientMessage.decode(Wire.read(in)) instanceof ClientMessage.Hello hello)) {
                throw new Wire.ProtocolException("the first message must be hello");
            }
            if (hello.version() != Wire.VERSION) {
                throw new Wire.ProtocolException("protocol version " + hello.version() + " is not supported; this"
                        + " daemon speaks version " + Wire.VERSION + " (use the uvm client of the same release)");
            }
            Wire.send(out, DaemonMessage.Hello.current());
            ClientMessage request = ClientMessage.decode(Wire.read(in));
            deadline.cancel(false);
            if (daemon.isStopping() && !readOnly(request)) {
                Wire.send(out, DaemonMessage.Failure.ofUvm("the uvm daemon is shutting down; try again in a moment"));
                return;
            }
            serve(request, in, out);
        } catch (Wire.ProtocolException e) {
            log.info("closing a client connection: protocol error: {}", e.getMessage());
            try {
                Wire.send(out, DaemonMessage.Failure.ofUvm("protocol error: " + e.getMessage()));
            } catch (IOException ignored) {
                // The client is gone.
            }
        } catch (EOFException e) {
            log.debug("client closed the connection early");
        } catch (IOException e) {
            log.debug("client connection failed: {}", e.getMessage());
        } finally {
            deadline.cancel(false);
            closeQuietly();
            OPEN.release();
        }
    }

    /** Requests still served while the daemon stops. */
    private static boolean readOnly(ClientMessage request) {
        return request instanceof ClientMessage.GetStatus || request instanceof ClientMessage.ListVms
                || request instanceof ClientMessage.ListJobs || request instanceof ClientMessage.ReadLog;
    }

    private void serve(ClientMessage request, DataInputStream in, OutputStream out) throws IOException {
        JobRequests jobs = new JobRequests(daemon.jobs());
        if (request instanceof ClientMessage.Run run) {
            RunRequest r;
            try {
                r = RunRequest.of(run, daemon.distributions());
            } catch (DistroRegistry.NameException e) {
                Wire.send(out, new DaemonMessage.Failure(e.getMessage(), ExitStatus.BAD_REQUEST));
                return;
            }
            if (r.detach()) {
                Wire.send(out, jobs.detach(r));
            } else {
                new RunSession(daemon.scheduler(), r, in, out).run();
            }
        } else if (request instanceof ClientMessage.ListJobs) {
            Wire.send(out, jobs.list());
        } else if (request instanceof ClientMessage.ReadLog logs) {
            jobs.logs(logs, in, out);
        } else if (request instanceof ClientMessage.KillJob kill) {
            Wire.send(out, jobs.kill(kill));
        } else if (request instanceof ClientMessage.ListVms) {
            Wire.send(out, list());
        } else if (request instanceof ClientMessage.GetStatus) {
            Wire.send(out, daemon.status());
        } else if (request instanceof ClientMessage.Shutdown shutdown) {
            Wire.send(out, shutdown(shutdown));
        } else if (request instanceof ClientMessage.ImportDistro imp) {
            daemon.distroRequests().importDistro(imp, in, out);
        } else if (request instanceof ClientMessage.InstallDistro install) {
            daemon.distroRequests().install(install, in, out);
        } else if (request instanceof ClientMessage.ExportDistro export) {
            daemon.distroRequests().export(export, in, out);
        } else if (request instanceof ClientMessage.UnregisterDistro unregister) {
            Wire.send(out, daemon.distroRequests().unregister(unregister));
        } else if (request instanceof ClientMessage.SetDefaultDistro setDefault) {
            Wire.send(out, daemon.distroRequests().setDefault(setDefault));
        } else if (request instanceof ClientMessage.StopDaemon stop) {
            Wire.send(out, new DaemonMessage.DaemonStopping("daemon stopping"));
            daemon.stopAsync(stop.force());
        } else {
            throw new Wire.ProtocolException("\"" + request.type() + "\" is not a request (it belongs in a run)");
        }
    }

    private void refuse(OutputStream out, String message) {
        log.warn("refusing a client connection: {}", message);
        try (socket) {
            Wire.send(out, DaemonMessage.Failure.ofUvm(message));
        } catch (IOException ignored) {
            // The client is gone.
        }
    }

    private DaemonMessage.VmList list() {
        List<VmInfo> vms = new ArrayList<>();
        Map<String, RunningVm> up = new HashMap<>();
        daemon.scheduler().serving().join().forEach(u -> up.put(u.name(), u.vm()));
        for (VmStatus s : daemon.scheduler().list().join()) {
            WarmUp.Status warm = daemon.warmUp().status(s.name()).join();
            vms.add(new VmInfo(s.name(), s.state().label(), s.foregroundSessions(), s.backgroundSessions(),
                    s.uptimeMillis(), s.vmmPid(), s.memoryBytes(), s.hostResidentBytes(), s.idleTimeoutMillis(),
                    s.idleDeadlineMillis(), s.retryAtMillis(), warm.keepAliveActive(), warm.nextKeepAliveMillis(),
                    warm.nextPrewarmMillis(), daemon.pending().of(s.name()), s.lastStopReason(), s.lastError(),
                    daemon.distroRequests().of(s.name(), up.get(s.name())),
                    daemon.forwarder().forwarded(s.name()).stream().sorted().toList(),
                    daemon.forwarder().inUse(s.name()).stream().sorted().toList(),
                    daemon.declaredPorts().listeningFor(s.name()), daemon.declaredPorts().unavailableFor(s.name()),
                    daemon.forwardedConnections().of(s.name()),
                    up.get(s.name()) == null ? null : up.get(s.name()).kernel()));
        }
        return new DaemonMessage.VmList(vms);
    }

    private DaemonMessage shutdown(ClientMessage.Shutdown request) {
        List<String> hit = daemon.scheduler().shutdown(request.vm(), StopReason.SHUTDOWN, request.force()).join();
        if (request.vm() != null && hit.isEmpty()) {
            return new DaemonMessage.Failure("no VM named '" + request.vm() + "' is configured", ExitStatus.BAD_REQUEST);
        }
        long until = System.currentTimeMillis() + daemon.maxStopMillis();
        while (System.currentTimeMillis() < until) {
            if (daemon.scheduler().stopped(hit).join()) {
                break;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new DaemonMessage.Stopped(hit);
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }
}
