package dev.uvm.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uvm.io.ChannelStreams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A client of QEMU's machine protocol (QMP) on a Unix socket. Commands carry an id and wait
 * for their answer with a bounded timeout; asynchronous events go to a listener.
 */
public final class QmpClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel socket;
    private final OutputStream out;
    private final BufferedReader in;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Consumer<JsonNode> eventListener = e -> { };
    private volatile String closedReason;
    private final CompletableFuture<String> greeting = new CompletableFuture<>();

    private QmpClient(SocketChannel socket) {
        this.socket = socket;
        this.out = ChannelStreams.out(socket);
        this.in = new BufferedReader(new InputStreamReader(ChannelStreams.in(socket), StandardCharsets.UTF_8));
    }

    /** Connects, reads the greeting and negotiates capabilities. */
    public static QmpClient connect(Path socketPath, Duration timeout) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socketPath));
        QmpClient client = new QmpClient(ch);
        Thread reader = new Thread(client::readLoop, "qmp-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            String hello = client.greeting.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (hello == null || !JSON.readTree(hello).has("QMP")) {
                throw new IOException("QMP socket " + socketPath + " did not greet: " + hello);
            }
            client.execute("qmp_capabilities", null, timeout);
            return client;
        } catch (TimeoutException e) {
            client.close();
            throw new IOException("QEMU did not greet on " + socketPath + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new IOException("interrupted while connecting to " + socketPath);
        } catch (ExecutionException e) {
            client.close();
            throw new IOException("QMP socket " + socketPath + ": " + e.getCause().getMessage());
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    public void onEvent(Consumer<JsonNode> listener) {
        this.eventListener = listener;
    }

    /** Runs a command and returns its {@code return} value; QMP errors become {@link QmpException}. */
    public JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) throws IOException {
        String id = "uvm-" + ids.incrementAndGet();
        ObjectNode req = JSON.createObjectNode().put("execute", command).put("id", id);
        if (arguments != null) {
            req.set("arguments", JSON.valueToTree(arguments));
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            if (closedReason != null) {
                throw new IOException("QMP connection closed: " + closedReason);
            }
            synchronized (out) {
                out.write((JSON.writeValueAsString(req) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            JsonNode resp = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (resp.has("error")) {
                JsonNode err = resp.get("error");
                throw new QmpException(command, err.path("class").asText(), err.path("desc").asText());
            }
            return resp.get("return");
        } catch (TimeoutException e) {
            throw new IOException("QMP command " + command + " got no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for QMP command " + command);
        } catch (ExecutionException e) {
            throw new IOException("QMP command " + command + " failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pending.remove(id);
        }
    }

    private void readLoop() {
        String reason = "QEMU closed the QMP socket";
        try {
            greeting.complete(in.readLine());
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode msg = JSON.readTree(line);
                if (msg.has("event")) {
                    eventListener.accept(msg);
                } else if (msg.has("id")) {
                    CompletableFuture<JsonNode> f = pending.get(msg.get("id").asText());
                    if (f != null) {
                        f.complete(msg);
                    }
                }
            }
        } catch (IOException e) {
            reason = "QMP read failed: " + e.getMessage();
        } finally {
            closedReason = reason;
            IOException cause = new IOException(reason);
            greeting.completeExceptionally(cause);
            pending.values().forEach(f -> f.completeExceptionally(cause));
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    /** An error answer from QEMU. */
    public static final class QmpException extends IOException {
        private final String errorClass;

        QmpException(String command, String errorClass, String description) {
            super("QMP " + command + " failed: " + errorClass + ": " + description);
            this.errorClass = errorClass;
        }

        public String errorClass() {
            return errorClass;
        }
    }
}
