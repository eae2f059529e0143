package dev.uvm.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The meters of one VM. Every series exists from the moment the VM is configured, at 0 where
 * the value is known to be zero (counters, sessions, memory of a stopped VM), so dashboards and
 * alerts never see a missing series. Timestamps with no value yet are NaN.
 */
public final class VmMetrics {
    /** Boot and stop histogram buckets: 50 ms to 60 s. */
    static final Duration[] BUCKETS = {
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofMillis(750), Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(2),
        Duration.ofMillis(2500), Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(5),
        Duration.ofMillis(7500), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(20),
        Duration.ofSeconds(30), Duration.ofSeconds(45), Duration.ofSeconds(60)};
    public static final List<String> STATES = List.of("stopped", "starting", "running", "idle", "stopping",
            "suspending", "suspended", "restoring", "failed");
    public static final List<String> STOP_REASONS = List.of("idle", "shutdown", "crash", "boot_failure", "config",
            "daemon_stop");
    public static final List<String> RECLAIM_MODES = List.of("dropCache", "gradual");
    public static final List<String> PHASES = List.of("vmm_up", "kernel_start", "agent_ready");

    private final MeterRegistry registry;
    private final String vm;
    private final String backend;
    private final AtomicReference<String> state = new AtomicReference<>("stopped");
    private final Map<String, double[]> values = new HashMap<>();
    private final Map<String, Counter> stops = new HashMap<>();
    private final Counter startsOk;
    private final Counter startsFailed;
    private final Counter forcedStops;
    private final Counter suspendsOk;
    private final Counter suspendsFailed;
    private final Counter restoresOk;
    private final Counter restoresFailed;
    private final Timer suspend;
    private final Timer restore;
    private final Timer boot;
    private final Timer stop;
    private final Map<String, Timer> phases = new HashMap<>();
    private final Map<String, Counter> reclaimRuns = new HashMap<>();
    private final Counter reclaimedBytes;
    private final Timer reclaimDuration;
    private final Counter prewarms;
    /** By cause label and then from state ({@code stopped}, {@code suspended}). */
    private final Map<String, Counter> wakeUps = new HashMap<>();
    /** The wake-up causes, as {@code Session.Cause} labels them. */
    public static final List<String> WAKE_CAUSES = List.of("session", "port", "prewarm", "keep_alive");

    VmMetrics(MeterRegistry registry, String vm, String backend) {
        this.registry = registry;
        this.vm = vm;
        this.backend = backend;
        Tags tags = Tags.of("vm", vm);
        for (String s : STATES) {
            Gauge.builder(MetricNames.STATE, state, st -> st.get().equals(s) ? 1 : 0).tags(tags).tag("state", s)
                    .description("1 for the VM's current lifecycle state, 0 for the others").register(registry);
        }
        gauge(MetricNames.SESSIONS_ACTIVE, "foreground", null, "Sessions holding the VM", 0);
        gauge(MetricNames.SESSIONS_ACTIVE, "background", null, "Sessions holding the VM", 0);
        startsOk = Counter.builder(MetricNames.STARTS).tags(tags).tag("result", "success")
                .description("VM boots by result").register(registry);
        startsFailed = Counter.builder(MetricNames.STARTS).tags(tags).tag("result", "failure")
                .description("VM boots by result").register(registry);
        for (String r : STOP_REASONS) {
            stops.put(r, Counter.builder(MetricNames.STOPS).tags(tags).tag("reason", r)
                    .description("VM stops by reason").register(registry));
        }
        forcedStops = Counter.builder(MetricNames.FORCED_STOPS).tags(tags)
                .description("VM stops that needed a forced VMM termination").register(registry);
        suspendsOk = result(MetricNames.SUSPENDS, "success", "Idle VMs saved to disk by result (failure: stopped instead)");
        suspendsFailed = result(MetricNames.SUSPENDS, "failure", "Idle VMs saved to disk by result (failure: stopped instead)");
        restoresOk = result(MetricNames.RESTORES, "success", "Saved VMs restored by result (failure: booted cold instead)");
        restoresFailed = result(MetricNames.RESTORES, "failure", "Saved VMs restored by result (failure: booted cold instead)");
        suspend = Timer.builder(MetricNames.SUSPEND_DURATION).tags(tags)
                .description("Time from the idle timeout until the VM is saved and its VMM gone")
                .serviceLevelObjectives(BUCKETS).register(registry);
        restore = Timer.builder(MetricNames.RESTORE_DURATION).tags(tags).tag("backend", backend)
                .description("Time from the restore request until the restored guest's agent answers")
                .serviceLevelObjectives(BUCKETS).register(registry);
        bytes(MetricNames.SAVED_STATE, "Size of the suspended VM's saved state on disk");
        boot = Timer.builder(MetricNames.BOOT_DURATION).tags(tags).tag("backend", backend)
                .description("Time from the start request to the guest agent's ready signal")
                .serviceLevelObjectives(BUCKETS).register(registry);
        for (String p : PHASES) {
            phases.put(p, Timer.builder(MetricNames.BOOT_PHASE_DURATION).tags(tags).tag("backend", backend)
                    .tag("phase", p).description("Time from the start request to the end of each boot phase")
                    .serviceLevelObjectives(BUCKETS).register(registry));
        }
        stop = Timer.builder(MetricNames.STOP_DURATION).tags(tags)
                .description("Time from the stop request until the VM is gone")
                .serviceLevelObjectives(BUCKETS).register(registry);
        bytes(MetricNames.MEMORY_ASSIGNED, "Guest RAM assigned to the running VM");
        bytes(MetricNames.MEMORY_HOST_RESIDENT, "Host memory held by the VM (VMM resident set or HCS private working set)");
        bytes(MetricNames.MEMORY_GUEST_TOTAL, "Guest MemTotal");
        bytes(MetricNames.MEMORY_GUEST_AVAILABLE, "Guest MemAvailable");
        bytes(MetricNames.MEMORY_GUEST_CACHE, "Guest page cache (Cached)");
        gauge(MetricNames.IDLE_TIMEOUT, null, "seconds", "Configured idle timeout; -1 means never", 0);
        gauge(MetricNames.LAST_SESSION_END, null, "seconds", "When the last session ended (NaN: none yet)", Double.NaN);
        gauge(MetricNames.IDLE_DEADLINE, null, "seconds",
                "When the armed idle timer fires (NaN: no timer armed)", Double.NaN);
        for (String mode : RECLAIM_MODES) {
            reclaimRuns.put(mode, Counter.builder(MetricNames.MEMORY_RECLAIM_RUNS).tags(tags).tag("mode", mode)
                    .description("Memory reclaims run on the idle guest, by autoMemoryReclaim mode").register(registry));
        }
        reclaimedBytes = Counter.builder(MetricNames.MEMORY_RECLAIMED).tags(tags).baseUnit("bytes")
                .description("Host memory the VM gave back through reclaims (resident set before minus after)")
                .register(registry);
        reclaimDuration = Timer.builder(MetricNames.MEMORY_RECLAIM_DURATION).tags(tags)
                .description("Time from the guest being found idle until the VM's host memory stopped falling")
                .serviceLevelObjectives(BUCKETS).register(registry);
        gauge(MetricNames.KEEPALIVE_ACTIVE, null, null, "1 while a keepAlive window holds the VM up, else 0", 0);
        gauge(MetricNames.KEEPALIVE_NEXT, null, "seconds", "When the next keepAlive window opens (NaN: none)",
                Double.NaN);
        gauge(MetricNames.PREWARM_NEXT, null, "seconds", "When the next prewarm boot is due (NaN: none)", Double.NaN);
        prewarms = Counter.builder(MetricNames.PREWARMS).tags(tags)
                .description("prewarm fire times reached; each boots the VM or restarts its idle timer")
                .register(registry);
        for (String cause : WAKE_CAUSES) {
            for (String from : List.of("stopped", "suspended")) {
                wakeUps.put(cause + "/" + from, Counter.builder(MetricNames.WAKEUPS).tags(tags).tag("cause", cause)
                        .tag("from", from).description("Boots (from stopped) and restores (from suspended) by what"
                                + " asked for the VM").register(registry));
            }
        }
        gauge(MetricNames.GUEST_CPU_BUSY, null, "ratio",
                "Share of the guest's CPU time spent busy over the last sample interval", 0);
        gauge(MetricNames.GUEST_IDLE, null, null,
                "1 while the guest has stayed under reclaimIdleCpu for reclaimIdleWindow, else 0", 0);
    }

    private Counter result(String name, String result, String description) {
        return Counter.builder(name).tag("vm", vm).tag("result", result).description(description).register(registry);
    }

    private void bytes(String name, String description) {
        gauge(name, null, "bytes", description, 0);
    }

    private void gauge(String name, String kind, String unit, String description, double initial) {
        double[] cell = {initial};
        values.put(kind == null ? name : name + "/" + kind, cell);
        Gauge.Builder<Supplier<Number>> b = Gauge.builder(name, () -> cell[0]).tag("vm", vm).description(description);
        if (kind != null) {
            b.tag("kind", kind);
        }
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    private void set(String key, double value) {
        values.get(key)[0] = value;
    }

    public void state(String label) {
        state.set(label);
    }

    public String currentState() {
        return state.get();
    }

    public void sessions(int foreground, int background) {
        set(MetricNames.SESSIONS_ACTIVE + "/foreground", foreground);
        set(MetricNames.SESSIONS_ACTIVE + "/background", background);
    }

    /** A boot finished; phases in ms from the start request ({@code vmm_up}, {@code kernel_start}, {@code agent_ready}). */
    public void bootSucceeded(long totalMillis, Map<String, Long> phaseMillis, long assignedBytes) {
        startsOk.increment();
        boot.record(totalMillis, TimeUnit.MILLISECONDS);
        phaseMillis.forEach((p, ms) -> {
            Timer t = phases.get(p);
            if (t != null && ms >= 0) {
                t.record(ms, TimeUnit.MILLISECONDS);
            }
        });
        set(MetricNames.MEMORY_ASSIGNED, assignedBytes);
    }

    public void bootFailed() {
        startsFailed.increment();
    }

    public void stopped(String reason, boolean forced, long stopMillis) {
        Counter c = stops.get(reason);
        if (c != null) {
            c.increment();
        }
        if (forced) {
            forcedStops.increment();
        }
        if (!reason.equals("crash")) {
            stop.record(stopMillis, TimeUnit.MILLISECONDS);
        }
        zeroMemory();
    }

    /** The VM no longer holds memory: every memory gauge goes to 0. */
    private void zeroMemory() {
        for (String k : List.of(MetricNames.MEMORY_ASSIGNED, MetricNames.MEMORY_HOST_RESIDENT,
                MetricNames.MEMORY_GUEST_TOTAL, MetricNames.MEMORY_GUEST_AVAILABLE, MetricNames.MEMORY_GUEST_CACHE)) {
            set(k, 0);
        }
    }

    /** An idle VM was saved ({@code bytes} on disk) or, with negative {@code bytes}, the save failed. */
    public void suspended(long millis, long bytes) {
        (bytes >= 0 ? suspendsOk : suspendsFailed).increment();
        suspend.record(millis, TimeUnit.MILLISECONDS);
        if (bytes >= 0) {
            set(MetricNames.SAVED_STATE, bytes);
            zeroMemory();
        }
    }

    /** A saved VM was restored ({@code ok}) or the restore failed and a cold boot follows. */
    public void restored(long millis, boolean ok, long assignedBytes) {
        set(MetricNames.SAVED_STATE, 0);
        if (ok) {
            restoresOk.increment();
            restore.record(millis, TimeUnit.MILLISECONDS);
            set(MetricNames.MEMORY_ASSIGNED, assignedBytes);
        } else {
            restoresFailed.increment();
        }
    }

    /** The saved state's size on disk (0 once it is discarded). */
    public void savedBytes(long bytes) {
        set(MetricNames.SAVED_STATE, bytes);
    }

    /** A memory sample of the running VM; a negative figure is left unchanged (not measurable now). */
    public void memory(long hostResident, long guestTotal, long guestAvailable, long guestCache) {
        setIfKnown(MetricNames.MEMORY_HOST_RESIDENT, hostResident);
        setIfKnown(MetricNames.MEMORY_GUEST_TOTAL, guestTotal);
        setIfKnown(MetricNames.MEMORY_GUEST_AVAILABLE, guestAvailable);
        setIfKnown(MetricNames.MEMORY_GUEST_CACHE, guestCache);
    }

    private void setIfKnown(String key, long v) {
        if (v >= 0) {
            set(key, v);
        }
    }

    /** Idle timer figures; epoch ms, negative = none. */
    public void idle(long timeoutMillis, long lastSessionEndMillis, long deadlineMillis) {
        set(MetricNames.IDLE_TIMEOUT, timeoutMillis < 0 ? -1 : timeoutMillis / 1000.0);
        set(MetricNames.LAST_SESSION_END, lastSessionEndMillis < 0 ? Double.NaN : lastSessionEndMillis / 1000.0);
        set(MetricNames.IDLE_DEADLINE, deadlineMillis < 0 ? Double.NaN : deadlineMillis / 1000.0);
    }

    public void idleTimeout(long timeoutMillis) {
        set(MetricNames.IDLE_TIMEOUT, timeoutMillis < 0 ? -1 : timeoutMillis / 1000.0);
    }

    /** A reclaim was started in {@code mode} ({@code dropCache} or {@code gradual}). */
    public void reclaimStarted(String mode) {
        Counter c = reclaimRuns.get(mode);
        if (c != null) {
            c.increment();
        }
    }

    /** A reclaim's effect on the host settled: bytes given back (may be 0) and ms since idle was detected. */
    public void reclaimFinished(long bytesReturned, long millisSinceIdle) {
        reclaimedBytes.increment(Math.max(0, bytesReturned));
        reclaimDuration.record(Math.max(0, millisSinceIdle), TimeUnit.MILLISECONDS);
    }

    /** Warm-up schedule state; epoch ms, negative = none. */
    public void warmUp(boolean keepAliveActive, long nextKeepAliveMillis, long nextPrewarmMillis) {
        set(MetricNames.KEEPALIVE_ACTIVE, keepAliveActive ? 1 : 0);
        set(MetricNames.KEEPALIVE_NEXT, nextKeepAliveMillis < 0 ? Double.NaN : nextKeepAliveMillis / 1000.0);
        set(MetricNames.PREWARM_NEXT, nextPrewarmMillis < 0 ? Double.NaN : nextPrewarmMillis / 1000.0);
    }

    /** A prewarm fire time was reached. */
    public void prewarmed() {
        prewarms.increment();
    }

    /** A session found the VM down: {@code cause} is a {@link #WAKE_CAUSES} label. */
    public void wokeUp(String cause, boolean restore) {
        Counter c = wakeUps.get(cause + "/" + (restore ? "suspended" : "stopped"));
        if (c != null) {
            c.increment();
        }
    }

    /** Guest CPU busy share (0..1) over the last sample, and whether the guest counts as idle. */
    public void guestActivity(double busyShare, boolean idle) {
        set(MetricNames.GUEST_CPU_BUSY, busyShare);
        set(MetricNames.GUEST_IDLE, idle ? 1 : 0);
    }

    String backend() {
        return backend;
    }

}
