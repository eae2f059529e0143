package dev.uvm.hcs.driver;

import dev.uvm.agent.AgentConnection;
import dev.uvm.hcs.ExitEvent;
import dev.uvm.hcs.HcsException;
import dev.uvm.hcs.UtilityVm;
import dev.uvm.vm.BootTimings;
import dev.uvm.vm.RunningVm;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RunningVm} backed by an HCS utility VM and its guest agent connection.
 *
 * <p>Concurrency: the exit listener runs on the binding's {@code hcs-events} thread; power-off,
 * kill and the samplers run on worker threads. The compute system handle is closed exactly once,
 * after the exit has been observed and after every HcsShutDownComputeSystem this object started
 * has returned, so a stop request never races with the close; {@link #exited()} completes after
 * the close, so the next boot of the same VM never finds the old system still registered.
 */
final class HcsRunningVm implements RunningVm {
    /** Bound on HcsTerminateComputeSystem and on waiting for the exit that follows. */
    static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(HcsRunningVm.class);

    private final String name;
    private final UtilityVm vm;
    private final AgentConnection agent;
    private final BootTimings timings;
    private final Duration shutdownTimeout;
    private final CompletableFuture<String> exited = new CompletableFuture<>();
    private final Object lock = new Object();
    private boolean exitSeen; // guarded by lock
    private boolean finished; // guarded by lock
    private CompletableFuture<Void> stopRequests = CompletableFuture.completedFuture(null); // guarded by lock

    HcsRunningVm(String name, UtilityVm vm, AgentConnection agent, BootTimings timings, Duration shutdownTimeout) {
        this.name = name;
        this.vm = vm;
        this.agent = agent;
        this.timings = timings;
        this.shutdownTimeout = shutdownTimeout;
        vm.onExit(this::exitObserved);
    }

    @Override
    public long vmmPid() {
        return 0;
    }

    @Override
    public AgentConnection agent() {
        return agent;
    }

    @Override
    public BootTimings timings() {
        return timings;
    }

    /** Sends POWEROFF to the guest agent, then asks HCS to shut the VM down on a background thread. */
    @Override
    public void requestPowerOff() {
        CompletableFuture<Void> request = new CompletableFuture<>();
        synchronized (lock) {
            if (exitSeen) {
                return;
            }
            stopRequests = CompletableFuture.allOf(stopRequests, request);
        }
        try {
            agent.powerOff();
        } catch (IOException e) {
            log.info("VM {}: guest agent unreachable for power-off ({}); relying on HcsShutDownComputeSystem",
                    name, e.getMessage());
        }
        Thread stopper = new Thread(() -> {
            try {
                if (!vm.shutdown(shutdownTimeout)) {
                    log.info("VM {}: still running {} ms after HcsShutDownComputeSystem", name,
                            shutdownTimeout.toMillis());
                }
            } catch (HcsException e) {
                log.info("VM {}: {}", name, e.getMessage());
            } catch (IllegalStateException handleClosed) {
                // kill() gave up on terminating and closed the handle; HCS terminates the VM.
            } finally {
                request.complete(null);
            }
        }, "hcs-shutdown-" + name);
        stopper.setDaemon(true);
        stopper.start();
    }

    /** HcsTerminateComputeSystem, then waits (bounded) until the exit has been handled. */
    @Override
    public void kill() {
        if (exited.isDone()) {
            return;
        }
        try {
            vm.terminate(KILL_TIMEOUT);
        } catch (HcsException e) {
            log.warn("VM {}: {}; closing the handle so that HCS terminates it", name, e.getMessage());
            finish("HCS system " + vm.id() + " could not be terminated (" + e.getMessage()
                    + "); its handle was closed, which terminates it");
            return;
        } catch (IllegalStateException handleClosed) {
            // The exit was handled while we were getting here.
        }
        try {
            exited.get(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("VM {}: terminated, but its exit was not handled within {} ms", name, KILL_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public CompletableFuture<String> exited() {
        return exited;
    }

    /** The VM's private working set from HCS Statistics, or -1 when HCS cannot tell (any more). */
    @Override
    public long hostResidentBytes() {
        if (exited.isDone()) {
            return -1;
        }
        try {
            return vm.statistics(STATS_TIMEOUT).privateWorkingSetBytes();
        } catch (HcsException | IllegalStateException e) {
            return -1;
        }
    }

    /** Runs on hcs-events: closes up once the stop requests in flight have returned. */
    private void exitObserved(ExitEvent event) {
        CompletableFuture<Void> pending;
        synchronized (lock) {
            exitSeen = true;
            pending = stopRequests;
        }
        String how = ExitDescriptions.describe(event);
        pending.whenComplete((ignored, error) -> finish(how));
    }

    private void finish(String how) {
        synchronized (lock) {
            exitSeen = true;
            if (finished) {
                return;
            }
            finished = true;
        }
        agent.close();
        vm.close();
        log.info("VM {}: {}", name, how);
        exited.complete(how);
    }

    @Override
    public String toString() {
        return "HcsRunningVm(" + name + ", " + vm.id() + ")";
    }
}
