package dev.uvm.daemon.distro;

import dev.uvm.agent.AgentChannel;
import dev.uvm.agent.ChannelListener;
import dev.uvm.agent.ExecRequest;
import dev.uvm.vm.RunningVm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A short command in a running VM's utility environment, for the daemon's own housekeeping
 * (reading a distribution's {@code wsl.conf}, measuring disk use): it runs on the VM's agent
 * without a session of its own, so it neither boots nor holds up the VM; the caller makes sure
 * the VM is up. Output is collected up to {@link #MAX_OUTPUT} bytes per stream and acknowledged
 * on the calling thread as it arrives.
 */
public final class GuestShell {
    /** Output kept per stream; more is read and dropped. */
    static final int MAX_OUTPUT = 1 << 20;
    private static final int SIGKILL = 9;

    /** What the command did. */
    public record Result(int status, String stdout, String stderr) {
        /** stderr's last line, or the status, for a message. */
        public String why() {
            String last = stderr.strip().lines().reduce((a, b) -> b).orElse("");
            return last.isEmpty() ? "exit status " + status : last;
        }
    }

    private record Chunk(int stream, byte[] data, int exit) {
    }

    private GuestShell() {
    }

    /** Runs {@code sh -c script args...} in the utility environment, bounded by {@code timeout}. */
    public static Result sh(RunningVm vm, String script, List<String> args, Duration timeout) throws IOException {
        List<String> argv = new java.util.ArrayList<>(List.of("/bin/sh", "-c", script, "uvm"));
        argv.addAll(args);
        return run(vm, ExecRequest.of(argv), timeout);
    }

    /** Runs {@code exec} (in the utility environment or a distribution) without input, bounded by {@code timeout}. */
    public static Result run(RunningVm vm, ExecRequest exec, Duration timeout) throws IOException {
        List<String> argv = exec.argv();
        BlockingQueue<Chunk> events = new LinkedBlockingQueue<>();
        AgentChannel channel = vm.agent().exec(exec, new ChannelListener() {
            @Override
            public void onStdout(byte[] data) {
                events.add(new Chunk(1, data, 0));
            }

            @Override
            public void onStderr(byte[] data) {
                events.add(new Chunk(2, data, 0));
            }

            @Override
            public void onExit(int status) {
                events.add(new Chunk(0, null, status));
            }

            @Override
            public void onBroken(String reason) {
                events.add(new Chunk(-1, reason.getBytes(StandardCharsets.UTF_8), 0));
            }
        });
        channel.closeStdin();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                Chunk c = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (c == null) {
                    channel.signal(SIGKILL);
                    throw new IOException("`" + argv.get(argv.size() > 2 ? 2 : 0).lines().findFirst().orElse("")
                            + "` did not finish within "
                            + timeout.toMillis() + " ms in the VM");
                }
                switch (c.stream()) {
                    case 0 -> {
                        return new Result(c.exit(), out.toString(StandardCharsets.UTF_8),
                                err.toString(StandardCharsets.UTF_8));
                    }
                    case -1 -> throw new IOException("the VM went away: " + new String(c.data(), StandardCharsets.UTF_8));
                    default -> {
                        ByteArrayOutputStream to = c.stream() == 1 ? out : err;
                        if (to.size() < MAX_OUTPUT) {
                            to.write(c.data(), 0, Math.min(c.data().length, MAX_OUTPUT - to.size()));
                        }
                        channel.acknowledgeOutput(c.data().length);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.signal(SIGKILL);
            throw new IOException("interrupted while waiting for the VM");
        }
    }
}
