package dev.uvm.hcs;

import dev.uvm.hcs.raw.HResult;
import dev.uvm.hcs.schema.ModifySettingRequest;
import dev.uvm.hcs.schema.Properties;
import dev.uvm.hcs.schema.PropertyQuery;
import dev.uvm.hcs.schema.SystemState;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A Linux utility VM run by HCS: the calls the scheduler's HCS driver needs, over {@link ComputeSystem}.
 *
 * <p>Stopping follows what WSL and hcsshim do: ask the guest to stop, wait for the exit event with a
 * timeout, and terminate when the guest does not cooperate. All calls block the calling thread for
 * at most the given timeout, so call them off the lifecycle's owner thread and post the result back.
 */
public final class UtilityVm implements AutoCloseable {

    /** How long HCS may take to create a VM (hcsshim's default). */
    public static final Duration CREATE_TIMEOUT = Duration.ofMinutes(4);

    /** Bound on property queries, which HCS answers without involving the guest. */
    public static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);

    private final ComputeSystem system;
    private final LinuxUtilityVmSpec spec;

    private UtilityVm(ComputeSystem system, LinuxUtilityVmSpec spec) {
        this.system = system;
        this.spec = spec;
    }

    /** Creates the VM (not yet started) with {@link #CREATE_TIMEOUT}. */
    public static UtilityVm create(String id, LinuxUtilityVmSpec spec) {
        return create(id, spec, CREATE_TIMEOUT);
    }

    /**
     * Creates the VM (not yet started).
     *
     * @throws HcsUnavailableException if HCS cannot be used in this process
     * @throws HcsException if HCS refuses the VM, for example {@link HcsException#isAlreadyExists()}
     */
    public static UtilityVm create(String id, LinuxUtilityVmSpec spec, Duration timeout) {
        return new UtilityVm(ComputeSystem.create(id, UtilityVmDocument.build(spec), timeout), spec);
    }

    public String id() {
        return system.id();
    }

    public LinuxUtilityVmSpec spec() {
        return spec;
    }

    /** The underlying compute system, for requests this facade does not cover. */
    public ComputeSystem system() {
        return system;
    }

    /** Boots the VM; returns once HCS has powered it on (not when the guest is ready). */
    public void start(Duration timeout) {
        system.start(timeout);
    }

    /**
     * Asks the guest to shut down and waits for the VM to exit.
     *
     * @return true if the VM exited within {@code timeout} (or had already); false if the guest did
     *         not comply in time, in which case the caller should {@link #terminate}
     */
    public boolean shutdown(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            system.shutdown(timeout);
        } catch (HcsException e) {
            if (e.isTimeout()) {
                return system.hasExited();
            }
            throw e;
        }
        return system.awaitExit(remaining(deadline)).isPresent();
    }

    /**
     * Powers the VM off and waits for its exit. A VM that has already stopped is fine.
     *
     * @throws HcsException {@link HcsException#isTimeout()} if it is still not stopped after {@code timeout}
     */
    public void terminate(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        system.terminate(timeout);
        if (system.awaitExit(remaining(deadline)).isPresent()) {
            return;
        }
        // HCS may not send an exit event for every path to Stopped; ask it directly.
        Properties properties = system.properties(null, QUERY_TIMEOUT);
        if (properties.state() != SystemState.STOPPED) {
            throw new HcsException("HcsTerminateComputeSystem", id(), HResult.HCS_E_OPERATION_TIMEOUT, null);
        }
        system.exitObserved(ExitEvent.fromExitType(id(), properties.exitType()));
    }

    /** Memory, working set, uptime and CPU time, with {@link #QUERY_TIMEOUT}. */
    public VmStatistics statistics() {
        return statistics(QUERY_TIMEOUT);
    }

    public VmStatistics statistics(Duration timeout) {
        return VmStatistics.from(system.properties(PropertyQuery.of(PropertyQuery.STATISTICS), timeout).statistics());
    }

    /** Adds a 9p share to the running VM. */
    public void addPlan9Share(Plan9ShareSpec share, Duration timeout) {
        system.modify(ModifySettingRequest.add(ModifySettingRequest.PLAN9_SHARES, UtilityVmDocument.share(share)),
                timeout);
    }

    /** Calls {@code listener} once when the VM exits, on the binding's event thread; see {@link ComputeSystem#onExit}. */
    public void onExit(Consumer<ExitEvent> listener) {
        system.onExit(listener);
    }

    public Optional<ExitEvent> awaitExit(Duration timeout) {
        return system.awaitExit(timeout);
    }

    public boolean hasExited() {
        return system.hasExited();
    }

    /** Closes the handle; with terminateOnLastHandleClosed (the default) HCS then terminates a running VM. */
    @Override
    public void close() {
        system.close();
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    @Override
    public String toString() {
        return "UtilityVm(" + id() + ")";
    }
}
