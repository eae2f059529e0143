package dev.uvm.daemon;

import dev.uvm.protocol.ExitStatus;
import dev.uvm.protocol.Wire;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uvm.qemu.ProcStatus;
import dev.uvm.core.lifecycle.StopReason;
import dev.uvm.core.lifecycle.VmState;
import dev.uvm.core.lifecycle.VmStatus;
import dev.uvm.core.lifecycle.WarmUp;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import dev.uvm.io.ChannelStreams;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
    /** Requests still served while the daemon stops. */
    private static final Set<String> READ_ONLY = Set.of("status", "list", "jobs", "logs");

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
            JsonNode hello = Wire.read(in).json();
            if (!"hello".equals(hello.path("type").asText())) {
                throw new Wire.ProtocolException("the first message must be hello");
            }
            int version = hello.path("version").asInt(-1);
            if (version != Wire.VERSION) {
                throw new Wire.ProtocolException("protocol version " + version + " is not supported; this daemon"
                        + " speaks version " + Wire.VERSION + " (use the uvm client of the same release)");
            }
            Wire.send(out, Wire.message("hello").put("version", Wire.VERSION).put("daemon", ExitStatus.RELEASE));
            JsonNode req = Wire.read(in).json();
            deadline.cancel(false);
            String type = req.path("type").asText();
            if (daemon.isStopping() && !READ_ONLY.contains(type)) {
                Wire.send(out, Wire.error("the uvm daemon is shutting down; try again in a moment").put("code", ExitStatus.UVM_ERROR));
                return;
            }
            switch (type) {
                case "run" -> run(RunRequest.parse(req), in, out);
                case "jobs" -> Wire.send(out, new JobRequests(daemon.jobs()).list());
                case "logs" -> new JobRequests(daemon.jobs()).logs(req, in, out);
                case "kill" -> Wire.send(out, new JobRequests(daemon.jobs()).kill(req));
                case "list" -> Wire.send(out, list());
                case "status" -> Wire.send(out, daemon.status());
                case "shutdown" -> Wire.send(out, shutdown(req));
                case "stop-daemon" -> {
                    Wire.send(out, Wire.message("result").put("message", "daemon stopping"));
                    daemon.stopAsync(req.path("force").asBoolean(false));
                }
                default -> throw new Wire.ProtocolException("unknown request type \"" + type + "\"");
            }
        } catch (Wire.ProtocolException e) {
            log.info("closing a client connection: protocol error: {}", e.getMessage());
            try {
                Wire.send(out, Wire.error("protocol error: " + e.getMessage()).put("code", ExitStatus.UVM_ERROR));
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

    private void refuse(OutputStream out, String message) {
        log.warn("refusing a client connection: {}", message);
        try (socket) {
            Wire.send(out, Wire.error(message).put("code", ExitStatus.UVM_ERROR));
        } catch (IOException ignored) {
            // The client is gone.
        }
    }

    private void run(RunRequest request, DataInputStream in, OutputStream out) throws IOException {
        if (request.detach()) {
            Wire.send(out, new JobRequests(daemon.jobs()).detach(request));
        } else {
            new RunSession(daemon.scheduler(), request, in, out).run();
        }
    }

    private ObjectNode list() {
        ArrayNode vms = Wire.mapper().createArrayNode();
        for (VmStatus s : daemon.scheduler().list().join()) {
            ObjectNode n = vms.addObject();
            n.put("name", s.name()).put("state", s.state().label())
                    .put("foregroundSessions", s.foregroundSessions())
                    .put("backgroundSessions", s.backgroundSessions())
                    .put("uptimeMillis", s.uptimeMillis()).put("pid", s.vmmPid())
                    .put("memoryBytes", s.memoryBytes())
                    .put("hostResidentBytes", s.vmmPid() > 0 ? ProcStatus.residentBytes(s.vmmPid()) : -1)
                    .put("idleTimeoutMillis", s.idleTimeoutMillis())
                    .put("idleDeadlineMillis", s.idleDeadlineMillis())
                    .put("retryAtMillis", s.retryAtMillis());
            WarmUp.Status warm = daemon.warmUp().status(s.name()).join();
            n.put("keepAliveActive", warm.keepAliveActive()).put("nextKeepAliveMillis", warm.nextKeepAliveMillis())
                    .put("nextPrewarmMillis", warm.nextPrewarmMillis());
            var pending = n.putArray("pendingChanges");
            daemon.config().pending(s.name()).forEach(pending::add);
            n.put("lastStopReason", s.lastStopReason());
            n.put("lastError", s.lastError());
        }
        ObjectNode result = Wire.message("result");
        result.set("vms", vms);
        return result;
    }

    private ObjectNode shutdown(JsonNode req) {
        String vm = req.hasNonNull("vm") ? req.get("vm").asText() : null;
        boolean force = req.path("force").asBoolean(false);
        List<String> hit = daemon.scheduler().shutdown(vm, StopReason.SHUTDOWN, force).join();
        if (vm != null && hit.isEmpty()) {
            return Wire.error("no VM named '" + vm + "' is configured").put("code", 1);
        }
        long until = System.currentTimeMillis() + daemon.maxStopMillis();
        while (System.currentTimeMillis() < until) {
            boolean done = daemon.scheduler().list().join().stream()
                    .filter(s -> hit.contains(s.name()))
                    .allMatch(s -> s.state() == VmState.STOPPED || s.state() == VmState.FAILED);
            if (done) {
                break;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ObjectNode result = Wire.message("result");
        ArrayNode stopped = result.putArray("stopped");
        hit.forEach(stopped::add);
        return result;
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }
}
