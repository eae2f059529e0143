package dev.uvm.core.lifecycle;

import dev.uvm.config.IdleAction;
import dev.uvm.config.VmConfig;
import dev.uvm.vm.BootException;
import dev.uvm.vm.RunningVm;
import dev.uvm.vm.VmDriver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one named VM: boots it for the first session, counts sessions, stops it after
 * the idle timeout, cleanly and then forced; or, with {@code idleAction = suspend}, saves it to
 * disk and restores it for the next session, booting it cold when the restore fails.
 *
 * <p>Concurrency: every method runs on the event loop (checked). Blocking work, booting and
 * stopping the VMM, runs on {@code workers} and posts its result back as an event. Events carry
 * a generation number ({@code instanceGen} for a boot and its VM, {@code timerGen} for the idle
 * and force timers); an event from an older generation is stale and ignored, so a late timer or
 * the exit of a VM that was already replaced does nothing.
 */
public final class VmLifecycle {
    private static final Logger log = LoggerFactory.getLogger(VmLifecycle.class);

    private final String name;
    private final VmDriver driver;
    private final EventLoop loop;
    private final Executor workers;
    private final Timers timers;
    private final LifecycleListener listener;

    private VmConfig config;
    private VmState state = VmState.STOPPED;
    private long stateSince;
    private final Set<Session> sessions = new LinkedHashSet<>();
    private final List<CompletableFuture<RunningVm>> waiters = new ArrayList<>();
    private RunningVm instance;
    /** The configuration the instance (or the boot in flight) was booted with. */
    private VmConfig instanceConfig;
    /**
     * The configuration the saved state was made with (the instance's), which a restore uses
     * whatever the config says now: a change that needs another VMM command line (memory,
     * processors, ...) waits for the next cold boot instead of costing the saved state. Null when
     * nothing is saved, or the state was found after a daemon restart (the config in force then).
     */
    private VmConfig savedConfig;
    private long instanceGen;
    private long timerGen;
    private Timers.Cancellable timer;
    private long idleDeadline = -1;
    private long lastSessionEnd = -1;
    private long bootStartedAt;
    private long readyAt = -1;
    private long stopStartedAt;
    private StopReason stopReason;
    private boolean stopForced;
    private boolean stopAfterBoot;
    /** Set when a shutdown arrives while the VM is being saved: the saved state is discarded. */
    private StopReason discardAfterSuspend;
    private StopReason lastStopReason;
    private String lastError;
    private boolean removed;
    private int consecutiveFailures;
    private long retryAt = -1;

    /** Delay before the next boot after the second consecutive failure; doubles up to the maximum. */
    static final long FIRST_BACKOFF_MILLIS = 1_000;
    static final long MAX_BACKOFF_MILLIS = 60_000;

    public VmLifecycle(VmConfig config, VmDriver driver, EventLoop loop, Executor workers, Timers timers,
                       LifecycleListener listener) {
        this.name = config.name();
        this.config = config;
        this.driver = driver;
        this.loop = loop;
        this.workers = workers;
        this.timers = timers;
        this.listener = listener;
        this.stateSince = timers.nowMillis();
    }

    public String name() {
        return name;
    }

    public VmState state() {
        return state;
    }

    public VmConfig config() {
        return config;
    }

    /**
     * Adds a session. The future completes with the VM once it is ready (at once when it is up),
     * or fails with the boot error.
     */
    public CompletableFuture<RunningVm> open(Session session) {
        assertInLoop();
        CompletableFuture<RunningVm> ready = new CompletableFuture<>();
        if (removed) {
            ready.completeExceptionally(new IllegalStateException("VM " + name + " is no longer configured"));
            return ready;
        }
        if (state == VmState.FAILED && timers.nowMillis() < retryAt) {
            ready.completeExceptionally(new VmUnavailableException("VM " + name + " failed to boot "
                    + consecutiveFailures + " times in a row; uvm waits " + (retryAt - timers.nowMillis())
                    + " ms more before trying again (fix the cause, then retry). Last error: " + lastError));
            return ready;
        }
        sessions.add(session);
        sessionsChanged();
        switch (state) {
            case STOPPED, FAILED -> {
                waiters.add(ready);
                session.waitingForVm();
                listener.wakingUp(config, session.cause(), false);
                startBoot("boot requested");
            }
            case SUSPENDED -> {
                waiters.add(ready);
                session.waitingForVm();
                listener.wakingUp(config, session.cause(), true);
                startRestore();
            }
            case STARTING, RESTORING, STOPPING, SUSPENDING -> {
                waiters.add(ready);
                session.waitingForVm();
            }
            case IDLE -> {
                cancelTimer();
                moveTo(VmState.RUNNING, session + " arrived");
                ready.complete(instance);
            }
            case RUNNING -> ready.complete(instance);
            default -> throw new IllegalStateException("unhandled state " + state);
        }
        return ready;
    }

    /** Removes a session; the last one to leave a running VM arms the idle timer. */
    public void close(Session session) {
        assertInLoop();
        if (!sessions.remove(session)) {
            return;
        }
        sessionsChanged();
        if (sessions.isEmpty()) {
            lastSessionEnd = timers.nowMillis();
            if (state == VmState.RUNNING) {
                moveTo(VmState.IDLE, "last session ended");
                armIdleTimer();
            }
        }
    }

    /**
     * Stops the VM now (cleanly, forced after the shutdown timeout, or at once with {@code force}).
     * A saved VM's state is discarded (the next session boots cold), except when the daemon stops:
     * the next daemon restores it.
     */
    public void shutdown(StopReason reason, boolean force) {
        assertInLoop();
        switch (state) {
            case RUNNING, IDLE -> beginStop(reason, force);
            case SUSPENDED -> {
                if (reason != StopReason.DAEMON_STOP) {
                    discardSaved(reason);
                }
            }
            case SUSPENDING -> {
                if (reason != StopReason.DAEMON_STOP) {
                    discardAfterSuspend = reason;
                }
                failWaiters("VM " + name + " was shut down while it was being saved (" + reason.label() + ")");
                detachSessions(reason);
            }
            case STARTING, RESTORING -> {
                stopAfterBoot = true;
                stopReason = reason;
                failWaiters("VM " + name + " was shut down while it was booting (" + reason.label() + ")");
                detachSessions(reason);
            }
            case STOPPING -> {
                if (force && instance != null) {
                    stopForced = true;
                    RunningVm vm = instance;
                    workers.execute(vm::kill);
                }
            }
            default -> {
                // STOPPED or FAILED: nothing runs.
            }
        }
    }

    /** Applies a new configuration; the idle timeout re-arms from the last session's end. */
    public void reconfigure(VmConfig newConfig) {
        assertInLoop();
        long oldTimeout = config.vmIdleTimeoutMillis();
        config = newConfig;
        if (state == VmState.IDLE && oldTimeout != newConfig.vmIdleTimeoutMillis()) {
            cancelTimer();
            armIdleTimer();
        }
    }

    /**
     * The VM was removed from the config: stop it when idle and refuse new sessions. A saved state
     * is kept (a config edit must never cost the user's files): adding the VM back restores it,
     * {@code uvm terminate} discards it.
     */
    public void remove() {
        assertInLoop();
        removed = true;
        if (state == VmState.IDLE) {
            beginStop(StopReason.CONFIG, false);
        } else if (state == VmState.SUSPENDED || state == VmState.SUSPENDING) {
            log.warn("VM {} was removed from the config while {}; its saved state is kept: add [vm.{}] back to"
                    + " restore it, or run `uvm terminate {}` to discard it", name, state.label(), name, name);
        }
    }

    /** The VM is in the config again (it was removed): it serves sessions again, with what it kept. */
    public void readd(VmConfig newConfig) {
        assertInLoop();
        removed = false;
        reconfigure(newConfig);
        log.info("VM {} is configured again ({})", name, state.label());
    }

    public boolean isRemoved() {
        return removed;
    }

    public VmStatus status() {
        assertInLoop();
        int fg = 0;
        int bg = 0;
        for (Session s : sessions) {
            if (s.kind() == Session.Kind.FOREGROUND) {
                fg++;
            } else {
                bg++;
            }
        }
        boolean up = state.hasVm() && instance != null;
        return new VmStatus(name, state, fg, bg, up && readyAt >= 0 ? timers.nowMillis() - readyAt : -1,
                up ? instance.vmmPid() : 0, -1, config.memoryBytes(), config.vmIdleTimeoutMillis(),
                state == VmState.IDLE ? idleDeadline : -1,
                lastStopReason == null ? null : lastStopReason.label(), lastError,
                state == VmState.FAILED && retryAt > timers.nowMillis() ? retryAt : -1);
    }

    /** The running VM, or {@code null}. For samplers; call on the loop. */
    public RunningVm instance() {
        assertInLoop();
        return state.hasVm() ? instance : null;
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** Takes over a VM that a previous daemon left running: it is idle, its timer armed from now. */
    public void adopt(RunningVm vm) {
        assertInLoop();
        if (state != VmState.STOPPED) {
            throw new IllegalStateException("VM " + name + ": cannot adopt a VM in state " + state);
        }
        long gen = ++instanceGen;
        instance = vm;
        instanceConfig = config;
        readyAt = timers.nowMillis();
        lastSessionEnd = readyAt;
        moveTo(VmState.IDLE, "adopted VMM pid " + vm.vmmPid() + " after a daemon restart");
        armIdleTimer();
        vm.exited().whenComplete((how, err) -> loop.execute(() -> vmExited(gen, err != null ? err.toString() : how)));
    }

    /** A previous daemon saved this VM: it is suspended until a session arrives. */
    public void adoptSuspended() {
        assertInLoop();
        if (state != VmState.STOPPED) {
            throw new IllegalStateException("VM " + name + ": cannot adopt a saved VM in state " + state);
        }
        moveTo(VmState.SUSPENDED, "found its saved state after a daemon restart");
    }

    // ---- boot and restore ----

    /** A boot or a restore, run on a worker: blocks until the guest agent is ready. */
    private interface Launch {
        RunningVm run(VmConfig config) throws BootException;
    }

    private void startBoot(String why) {
        launch(VmState.STARTING, why, driver::boot, config);
    }

    private void startRestore() {
        VmConfig with = savedConfig != null ? savedConfig : config;
        savedConfig = null; // a restore uses the saved state up, whatever its outcome
        if (!with.equals(config)) {
            log.info("VM {}: restoring it with the settings it was saved with; the config's changes apply at its"
                    + " next cold boot", name);
        }
        launch(VmState.RESTORING, "restoring the saved VM", driver::restore, with);
    }

    private void launch(VmState next, String why, Launch action, VmConfig bootConfig) {
        long gen = ++instanceGen;
        bootStartedAt = timers.nowMillis();
        stopAfterBoot = false;
        instanceConfig = bootConfig;
        moveTo(next, why);
        workers.execute(() -> {
            try {
                RunningVm vm = action.run(bootConfig);
                loop.execute(() -> bootSucceeded(gen, vm));
                vm.exited().whenComplete((how, err) ->
                        loop.execute(() -> vmExited(gen, err != null ? err.toString() : how)));
            } catch (BootException e) {
                loop.execute(() -> bootFailed(gen, e.getMessage()));
            } catch (RuntimeException e) {
                log.error("VM {}: unexpected error while booting", name, e);
                loop.execute(() -> bootFailed(gen, "VM " + name + " failed to boot: internal error: " + e));
            }
        });
    }

    private void bootSucceeded(long gen, RunningVm vm) {
        if (gen != instanceGen || !state.isBooting()) {
            log.warn("VM {}: discarding a VM from a stale boot (generation {})", name, gen);
            workers.execute(vm::kill);
            return;
        }
        instance = vm;
        readyAt = timers.nowMillis();
        lastError = null;
        consecutiveFailures = 0;
        retryAt = -1;
        boolean restored = state == VmState.RESTORING;
        if (restored) {
            listener.restored(instanceConfig, vm, readyAt - bootStartedAt, null);
        } else {
            listener.bootFinished(instanceConfig, vm, readyAt - bootStartedAt);
        }
        if (stopAfterBoot) {
            moveTo(VmState.STOPPING, "shutdown requested during boot");
            stopStartedAt = timers.nowMillis();
            stopForced = false;
            workers.execute(vm::requestPowerOff);
            armForceTimer();
            return;
        }
        List<CompletableFuture<RunningVm>> ready = new ArrayList<>(waiters);
        waiters.clear();
        if (sessions.isEmpty()) {
            moveTo(VmState.IDLE, "booted, but every waiting session had left");
            armIdleTimer();
        } else {
            moveTo(VmState.RUNNING, (restored ? "restored in " : "booted in ") + (readyAt - bootStartedAt) + " ms");
        }
        ready.forEach(f -> f.complete(vm));
    }

    private void bootFailed(long gen, String error) {
        if (gen != instanceGen || !state.isBooting()) {
            return;
        }
        if (state == VmState.RESTORING) {
            restoreFailed(error);
            return;
        }
        lastError = error;
        lastStopReason = StopReason.BOOT_FAILURE;
        consecutiveFailures++;
        long delay = consecutiveFailures < 2 ? 0
                : Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(16, consecutiveFailures - 2));
        retryAt = timers.nowMillis() + delay;
        listener.bootFailed(instanceConfig, error, timers.nowMillis() - bootStartedAt);
        moveTo(VmState.FAILED, error);
        failWaiters(error);
        sessions.clear();
        sessionsChanged();
    }

    /** The saved VM could not be restored (its state is gone): boot it cold, unless it was shut down meanwhile. */
    private void restoreFailed(String error) {
        listener.restored(instanceConfig, null, timers.nowMillis() - bootStartedAt, error);
        log.warn("VM {}: restoring the saved VM failed, so it boots cold: {}", name, error);
        if (stopAfterBoot) {
            lastStopReason = stopReason;
            moveTo(VmState.STOPPED, "the restore failed after a shutdown was requested: " + error);
            return;
        }
        startBoot("the restore failed, booting cold: " + error);
    }

    // ---- suspend ----

    private void beginSuspend() {
        cancelTimer();
        long gen = instanceGen;
        stopStartedAt = timers.nowMillis();
        discardAfterSuspend = null;
        moveTo(VmState.SUSPENDING, "idle (idleAction = suspend)");
        RunningVm vm = instance;
        VmConfig saveConfig = config;
        workers.execute(() -> {
            long bytes = -1;
            String error = null;
            try {
                bytes = driver.suspend(saveConfig, vm);
            } catch (IOException | RuntimeException e) {
                error = e.getMessage() != null ? e.getMessage() : e.toString();
            }
            long saved = bytes;
            String failure = error;
            loop.execute(() -> suspendFinished(gen, saved, failure));
        });
    }

    private void suspendFinished(long gen, long bytes, String error) {
        if (gen != instanceGen || state != VmState.SUSPENDING) {
            return;
        }
        long took = timers.nowMillis() - stopStartedAt;
        instance = null;
        readyAt = -1;
        listener.suspended(instanceConfig, took, bytes, error);
        if (error != null) {
            log.warn("VM {}: saving it failed, so it was stopped instead: {}", name, error);
            lastStopReason = StopReason.IDLE;
            lastError = "suspend failed: " + error;
            listener.stopped(config, StopReason.IDLE, true, took);
            moveTo(VmState.STOPPED, "the save failed: " + error);
        } else {
            savedConfig = instanceConfig;
            moveTo(VmState.SUSPENDED, "saved " + bytes + " bytes in " + took + " ms");
            if (discardAfterSuspend != null) {
                discardSaved(discardAfterSuspend);
            }
        }
        if (sessions.isEmpty() || removed) {
            failWaiters("VM " + name + " stopped");
        } else if (state == VmState.SUSPENDED) {
            listener.wakingUp(config, latestCause(), true);
            startRestore();
        } else {
            listener.wakingUp(config, latestCause(), false);
            startBoot("a session arrived while the VM was being saved");
        }
    }

    private void discardSaved(StopReason reason) {
        savedConfig = null;
        lastStopReason = reason;
        String why = "saved state discarded (" + reason.label() + ")";
        workers.execute(() -> driver.discardSaved(name, why));
        moveTo(VmState.STOPPED, why);
    }

    // ---- idle and stop ----

    private void armIdleTimer() {
        long timeout = config.vmIdleTimeoutMillis();
        if (timeout < 0) {
            idleDeadline = -1;
            listener.idleTimerChanged(config, lastSessionEnd, -1);
            return;
        }
        long now = timers.nowMillis();
        long from = lastSessionEnd >= 0 ? lastSessionEnd : now;
        idleDeadline = from + timeout;
        long gen = ++timerGen;
        timer = timers.schedule("idle timeout of VM " + name, Math.max(0, idleDeadline - now),
                () -> loop.execute(() -> idleTimerFired(gen)));
        listener.idleTimerChanged(config, lastSessionEnd, idleDeadline);
    }

    private void cancelTimer() {
        timerGen++;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        if (idleDeadline >= 0) {
            idleDeadline = -1;
            listener.idleTimerChanged(config, lastSessionEnd, -1);
        }
    }

    /** The idle timer fired: re-check idleness, as WSL does, before stopping. */
    void idleTimerFired(long gen) {
        if (gen != timerGen || state != VmState.IDLE || !sessions.isEmpty()) {
            log.debug("VM {}: ignoring stale idle timer (generation {}, current {}, state {})",
                    name, gen, timerGen, state);
            return;
        }
        if (config.idleAction() == IdleAction.SUSPEND && !removed) {
            String unsupported = driver.suspendUnsupported(config);
            if (unsupported == null) {
                beginSuspend();
                return;
            }
            log.info("VM {}: idleAction = suspend, but {}; shutting it down instead", name, unsupported);
        }
        beginStop(removed ? StopReason.CONFIG : StopReason.IDLE, false);
    }

    private void beginStop(StopReason reason, boolean force) {
        cancelTimer();
        stopReason = reason;
        stopForced = force;
        stopStartedAt = timers.nowMillis();
        moveTo(VmState.STOPPING, reason.label() + (force ? " (forced)" : ""));
        detachSessions(reason);
        RunningVm vm = instance;
        if (force) {
            workers.execute(vm::kill);
        } else {
            workers.execute(vm::requestPowerOff);
            armForceTimer();
        }
    }

    private void armForceTimer() {
        long gen = ++timerGen;
        timer = timers.schedule("shutdown timeout of VM " + name, config.shutdownTimeoutMillis(),
                () -> loop.execute(() -> forceTimerFired(gen)));
    }

    void forceTimerFired(long gen) {
        if (gen != timerGen || state != VmState.STOPPING) {
            return;
        }
        log.warn("VM {}: did not power off within {} ms; forcing it down", name, config.shutdownTimeoutMillis());
        stopForced = true;
        RunningVm vm = instance;
        workers.execute(vm::kill);
    }

    private void vmExited(long gen, String how) {
        if (gen != instanceGen || !state.hasVm() || state == VmState.SUSPENDING) {
            return; // While saving, the VMM quits by design; suspendFinished decides what happened.
        }
        cancelTimer();
        long now = timers.nowMillis();
        instance = null;
        readyAt = -1;
        if (state == VmState.STOPPING) {
            lastStopReason = stopReason;
            listener.stopped(config, stopReason, stopForced, now - stopStartedAt);
            moveTo(VmState.STOPPED, "VM exited: " + how);
        } else {
            String error = "VM " + name + " exited unexpectedly: " + how;
            lastStopReason = StopReason.CRASH;
            lastError = error;
            listener.stopped(config, StopReason.CRASH, false, 0);
            detachSessions(new Session.VmLost(error, StopReason.CRASH));
            moveTo(VmState.STOPPED, error);
        }
        if (!sessions.isEmpty() && !removed) {
            listener.wakingUp(config, latestCause(), false);
            startBoot("a session is waiting");
        } else {
            failWaiters("VM " + name + " stopped");
        }
    }

    // ---- helpers ----

    /** What woke the VM when it comes up again for waiting sessions: the cause of the latest to arrive. */
    private Session.Cause latestCause() {
        Session.Cause cause = Session.Cause.SESSION;
        for (Session s : sessions) {
            cause = s.cause();
        }
        return cause;
    }

    /** Detaches every session from a VM whose shutdown for {@code reason} was asked for. */
    private void detachSessions(StopReason reason) {
        detachSessions(new Session.VmLost("VM " + name + " was shut down (" + reason.label() + ")", reason));
    }

    private void detachSessions(Session.VmLost why) {
        if (sessions.isEmpty()) {
            return;
        }
        List<Session> lost = new ArrayList<>(sessions);
        sessions.clear();
        sessionsChanged();
        lost.forEach(s -> s.vmLost(why));
    }

    private void failWaiters(String error) {
        List<CompletableFuture<RunningVm>> failed = new ArrayList<>(waiters);
        waiters.clear();
        failed.forEach(f -> f.completeExceptionally(new VmUnavailableException(error)));
    }

    private void sessionsChanged() {
        int fg = 0;
        for (Session s : sessions) {
            if (s.kind() == Session.Kind.FOREGROUND) {
                fg++;
            }
        }
        listener.sessionsChanged(config, fg, sessions.size() - fg);
    }

    private void moveTo(VmState next, String why) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("VM " + name + ": illegal transition " + state + " -> " + next
                    + " (" + why + ")");
        }
        long now = timers.nowMillis();
        VmState from = state;
        long spent = now - stateSince;
        state = next;
        stateSince = now;
        listener.transition(config, from, next, spent, why);
    }

    private void assertInLoop() {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("VM " + name + ": lifecycle touched outside the event loop");
        }
    }
}
