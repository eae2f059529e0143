package dev.uvm.hcs.driver;

import dev.uvm.agent.AgentConnection;
import dev.uvm.agent.ReadyWait;
import dev.uvm.config.VmConfig;
import dev.uvm.hcs.ExitEvent;
import dev.uvm.hcs.HcsException;
import dev.uvm.hcs.LinuxUtilityVmSpec;
import dev.uvm.hcs.UtilityVm;
import dev.uvm.vm.BootException;
import dev.uvm.vm.BootTimings;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ByteChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One boot of an HCS utility VM: create, listen for the agent, start, accept, wait for READY, all
 * within the boot timeout. On any failure everything acquired so far is released (the agent
 * connection, the listener, and the compute system, terminated and closed) before the
 * {@link BootException} is thrown, so a failed boot leaks no handle and leaves no VM behind.
 */
final class HcsBoot {
    /** Bound on terminating the VM of a failed boot. */
    private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(HcsBoot.class);

    private final VmConfig config;
    private final String systemId;
    private final LinuxUtilityVmSpec spec;
    private final AgentTransport transport;
    private final long start = System.nanoTime();
    private final long deadline;
    private UtilityVm vm;
    private AgentTransport.Listener listener;
    private AgentConnection agent;

    HcsBoot(VmConfig config, String systemId, LinuxUtilityVmSpec spec, AgentTransport transport) {
        this.config = config;
        this.systemId = systemId;
        this.spec = spec;
        this.transport = transport;
        this.deadline = start + TimeUnit.MILLISECONDS.toNanos(config.bootTimeoutMillis());
    }

    HcsRunningVm run() throws BootException {
        try {
            vm = UtilityVm.create(systemId, spec, remaining());
            listener = transport.listen(config.name(), vm);
            CompletableFuture<ExitEvent> exit = vm.system().exitFuture();
            AgentTransport.Listener waiting = listener;
            exit.thenRun(waiting::close); // a VM that stops during boot ends the wait for its agent at once
            vm.start(remaining());
            long vmmUp = System.nanoTime() - start;
            agent = AgentConnection.over(config.name(), accept(exit));
            listener.close();
            ReadyWait.Ready ready = awaitReady(exit);
            return new HcsRunningVm(config.name(), vm, agent,
                    BootTimings.coldBoot(vmmUp, System.nanoTime() - start, ready),
                    Duration.ofMillis(config.shutdownTimeoutMillis()));
        } catch (BootException e) {
            cleanUp();
            throw e;
        } catch (HcsException e) {
            cleanUp();
            throw new BootException(failed(e.getMessage()), e);
        } catch (IOException | UnsupportedOperationException e) {
            cleanUp();
            throw new BootException(failed("guest agent transport (" + transport.describe() + "): "
                    + e.getMessage()), e);
        } catch (RuntimeException e) {
            cleanUp();
            throw e;
        }
    }

    private ByteChannel accept(CompletableFuture<ExitEvent> exit) throws IOException, BootException {
        try {
            return listener.accept(remaining());
        } catch (SocketTimeoutException e) {
            throw new BootException(failed("the guest agent did not connect to " + listener.address() + " within "
                    + config.bootTimeoutMillis() + " ms (bootTimeout); the guest kernel or its init is stuck,"
                    + " or the agent cannot reach the host over " + transport.describe()));
        } catch (ClosedChannelException e) {
            if (exit.isDone() && !exit.isCompletedExceptionally()) {
                throw new BootException(failed("the VM stopped before its guest agent connected: "
                        + ExitDescriptions.describe(exit.join())));
            }
            throw e;
        }
    }

    private ReadyWait.Ready awaitReady(CompletableFuture<ExitEvent> exit) throws BootException {
        ReadyWait outcome = agent.awaitReady(exit, deadline);
        if (outcome instanceof ReadyWait.Ready ready) {
            return ready;
        }
        if (outcome instanceof ReadyWait.TimedOut) {
            throw new BootException(failed("the guest agent connected but did not report ready within "
                    + config.bootTimeoutMillis() + " ms (bootTimeout)"));
        }
        if (outcome instanceof ReadyWait.VmExited) {
            throw new BootException(failed("the VM stopped before its guest agent reported ready: "
                    + ExitDescriptions.describe(exit.join())));
        }
        if (outcome instanceof ReadyWait.Closed) {
            throw new BootException(failed("the guest agent connection closed before it reported ready"));
        }
        throw new BootException(failed("interrupted while waiting for the guest agent"));
    }

    private void cleanUp() {
        if (agent != null) {
            agent.close();
        }
        if (listener != null) {
            listener.close();
        }
        if (vm != null) {
            try {
                vm.terminate(CLEANUP_TIMEOUT);
            } catch (HcsException e) {
                log.warn("VM {}: terminating after a failed boot: {}; closing the handle terminates it",
                        config.name(), e.getMessage());
            }
            vm.close();
        }
    }

    private String failed(String what) {
        return "VM " + config.name() + " failed to boot: " + what;
    }

    private Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
