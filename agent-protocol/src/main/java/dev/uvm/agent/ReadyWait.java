package dev.uvm.agent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How waiting for a booting guest's agent to report READY ended, while its VM may die first. Each
 * backend turns the outcomes other than {@link Ready} into its own boot error (with its logs).
 */
public sealed interface ReadyWait {
    /** How long a VM whose agent connection closed before READY gets to show that it exited. */
    long EXIT_GRACE_MILLIS = 1_000;

    /** The agent reported READY with this text. */
    record Ready(String text) implements ReadyWait {
        /** The guest's uptime in seconds at READY ({@code uptime=} in the text), or 0. */
        public double uptimeSeconds() {
            for (String word : text.split("\\s+")) {
                if (word.startsWith("uptime=")) {
                    try {
                        return Double.parseDouble(word.substring("uptime=".length()));
                    } catch (NumberFormatException e) {
                        return 0;
                    }
                }
            }
            return 0;
        }
    }

    /** Neither READY nor the VM's exit came before the deadline. */
    record TimedOut() implements ReadyWait {
    }

    /** The VM exited before its agent was ready. */
    record VmExited() implements ReadyWait {
    }

    /** The agent connection closed before READY, and the VM still runs. */
    record Closed(String reason) implements ReadyWait {
    }

    /** The waiting thread was interrupted (its interrupt flag is set again). */
    record Interrupted() implements ReadyWait {
    }

    /**
     * Waits until {@code agent} reports READY, {@code vmExit} completes, or {@code deadlineNanos}
     * ({@link System#nanoTime}) passes.
     */
    static ReadyWait await(AgentConnection agent, CompletableFuture<?> vmExit, long deadlineNanos) {
        try {
            CompletableFuture.anyOf(agent.ready(), vmExit).get(Math.max(0, deadlineNanos - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new TimedOut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Interrupted();
        } catch (ExecutionException e) {
            // The agent connection broke before READY; which of the two it was is decided below.
        }
        CompletableFuture<String> ready = agent.ready();
        if (ready.isDone() && !ready.isCompletedExceptionally()) {
            return new Ready(ready.join());
        }
        try {
            vmExit.get(EXIT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            return new VmExited();
        } catch (TimeoutException e) {
            return new Closed(agent.closedFuture().getNow("the guest agent connection closed"));
        } catch (ExecutionException e) {
            return new VmExited();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Interrupted();
        }
    }
}
