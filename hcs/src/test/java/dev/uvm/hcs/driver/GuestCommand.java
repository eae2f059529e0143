package dev.uvm.hcs.driver;

import dev.uvm.agent.AgentConnection;
import dev.uvm.agent.ChannelListener;
import dev.uvm.agent.ExecRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs one command over a guest agent connection and collects what it printed, as a session would. */
final class GuestCommand implements ChannelListener {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    /** Runs {@code argv} and waits (up to 20 s) for its exit. */
    static GuestCommand run(AgentConnection agent, String... argv)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        GuestCommand command = new GuestCommand();
        agent.exec(ExecRequest.of(List.of(argv)), command);
        command.exit.get(20, TimeUnit.SECONDS);
        return command;
    }

    int status() {
        return exit.join();
    }

    synchronized String stdout() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    synchronized String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void onStdout(byte[] data) {
        stdout.writeBytes(data);
    }

    @Override
    public synchronized void onStderr(byte[] data) {
        stderr.writeBytes(data);
    }

    @Override
    public void onExit(int status) {
        exit.complete(status);
    }

    @Override
    public void onBroken(String reason) {
        exit.completeExceptionally(new IOException(reason));
    }
}
