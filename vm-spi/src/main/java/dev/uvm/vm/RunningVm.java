package dev.uvm.vm;

import dev.uvm.agent.AgentConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A booted VM as a driver hands it to the lifecycle. Methods may block briefly and are called
 * from worker threads, never from the event loop.
 */
public interface RunningVm {
    /** How long the guest agent may take to answer a statistics request. */
    Duration STATS_TIMEOUT = Duration.ofSeconds(2);

    /** The VMM process id (QEMU) or 0 where there is none (HCS). */
    long vmmPid();

    /** The guest agent connection that sessions run their processes over. */
    AgentConnection agent();

    BootTimings timings();

    /** Asks the guest to power off cleanly; returns without waiting. */
    void requestPowerOff();

    /** Forces the VM down and waits (bounded) until it is gone. */
    void kill();

    /** Completes when the VM has stopped, with a description of how it ended. */
    CompletableFuture<String> exited();

    /** Host memory the VM holds (VMM resident set, or HCS private working set), -1 if unknown. */
    long hostResidentBytes();

    /** The guest kernel's release and origin, for people ({@link BootKernel#label()}); {@code null} if unknown. */
    default String kernel() {
        return null;
    }

    /**
     * What the user must hear about this VM's boot, at once: the kernel is not the one the config
     * asked for, and why ({@link BootKernel#notice()}); {@code null} when nothing.
     */
    default String bootNotice() {
        return null;
    }

    /** Guest memory and CPU figures from the agent, waiting at most {@link #STATS_TIMEOUT}. */
    default Map<String, Long> guestStats() throws IOException {
        return agent().stats(STATS_TIMEOUT);
    }
}
