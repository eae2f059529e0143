package dev.uvm.core.reclaim;

import dev.uvm.config.ConfigKey;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.vm.RunningVm;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code autoMemoryReclaim}: feeds each serving VM's guest statistics to its {@link IdleDetector},
 * runs the reclaim it asks for through the guest agent, then follows the VM's host resident set
 * until it stops falling (free page reporting hands freed guest pages back to the host about 2 s
 * after they are freed) and records what came back.
 *
 * <p>{@link #observe} is called by the periodic sampler, one call at a time; the measurement runs
 * on {@code poller}.
 */
public final class MemoryReclaimer {
    private static final Logger log = LoggerFactory.getLogger(MemoryReclaimer.class);
    /** How often host memory is read while a reclaim's effect is measured. */
    static final long POLL_MILLIS = 250;
    /** Host memory counts as settled once it has not fallen by more than {@link #SETTLE_BYTES} for this long. */
    static final long SETTLE_MILLIS = 4_000;
    static final long SETTLE_BYTES = 1L << 20;
    /** A measurement ends after this long whatever happens. */
    static final long MEASURE_LIMIT_MILLIS = 60_000;

    private final Listener listener;
    private final ScheduledExecutorService poller;
    private final LongSupplier clock;
    private final Map<String, Tracked> vms = new HashMap<>();

    private static final class Tracked {
        final RunningVm instance;
        final IdleDetector detector = new IdleDetector();
        volatile Measurement measuring;

        Tracked(RunningVm instance) {
            this.instance = instance;
        }
    }

    /**
     * What the reclaimer judged and did, for metrics. Called on the sampler's thread and on
     * {@code poller}; implementations only record numbers.
     */
    public interface Listener {
        /** The guest's CPU share over the detector's window, and whether it counts as idle. */
        void guestActivity(String vm, double busyShare, boolean idle);

        /** A reclaim ({@code mode}: dropCache or gradual) was asked of the guest. */
        void reclaimStarted(String vm, String mode);

        /** The host memory a reclaim returned, once it settled, and how long after idleness was detected. */
        void reclaimFinished(String vm, long returnedBytes, long millisSinceIdle);
    }

    public MemoryReclaimer(Listener listener, ScheduledExecutorService poller, LongSupplier clock) {
        this.listener = listener;
        this.poller = poller;
        this.clock = clock;
    }

    /** Judges one sample of a serving VM and starts the reclaim its detector asks for. */
    public synchronized void observe(Scheduler.Up up, Map<String, Long> stats) {
        Tracked t = vms.get(up.name());
        if (t == null || t.instance != up.vm()) {
            if (t != null && t.measuring != null) {
                t.measuring.cancel();
            }
            t = new Tracked(up.vm());
            vms.put(up.name(), t);
        }
        long now = clock.getAsLong();
        IdleDetector.Verdict v = t.detector.observe(up.config(), stats, now, t.measuring != null);
        listener.guestActivity(up.name(), v.busyShare(), v.idle());
        String mode = ConfigKey.reclaimName(up.config().autoMemoryReclaim());
        try {
            if (v.action() instanceof IdleDetector.DropCaches) {
                long before = up.vm().hostResidentBytes();
                up.vm().agent().dropCaches();
                start(up.name(), t, mode, before, v.idleDetectedAtMillis(), stats);
            } else if (v.action() instanceof IdleDetector.Reclaim r) {
                long before = up.vm().hostResidentBytes();
                up.vm().agent().reclaim(r.bytes());
                start(up.name(), t, mode, before, v.idleDetectedAtMillis(), stats);
            }
        } catch (IOException e) {
            log.warn("VM {}: memory reclaim request failed: {}", up.name(), e.getMessage());
        }
    }

    /** Forgets VMs that are no longer serving (stopped, removed). */
    public synchronized void retain(Set<String> serving) {
        for (String name : new HashSet<>(vms.keySet())) {
            if (!serving.contains(name)) {
                Tracked t = vms.remove(name);
                if (t.measuring != null) {
                    t.measuring.cancel();
                }
                listener.guestActivity(name, 0, false);
            }
        }
    }

    private void start(String name, Tracked t, String mode, long before, long idleDetectedAt,
                       Map<String, Long> stats) {
        listener.reclaimStarted(name, mode);
        log.info("event=reclaim vm={} mode={} phase=started host_rss_bytes={} guest_cache_bytes={}", name, mode,
                before, stats.getOrDefault("mem_cached", -1L));
        Measurement m = new Measurement(name, t, mode, before, idleDetectedAt);
        t.measuring = m;
        m.future = poller.scheduleWithFixedDelay(m::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Follows one VM's host memory after a reclaim until it settles. */
    private final class Measurement {
        final String name;
        final Tracked tracked;
        final String mode;
        final long before;
        final long idleDetectedAt;
        final long startedAt = clock.getAsLong();
        long lowest;
        long lowestAt;
        volatile ScheduledFuture<?> future;
        boolean done;

        Measurement(String name, Tracked tracked, String mode, long before, long idleDetectedAt) {
            this.name = name;
            this.tracked = tracked;
            this.mode = mode;
            this.before = before;
            this.idleDetectedAt = idleDetectedAt;
            this.lowest = before;
            this.lowestAt = startedAt;
        }

        void poll() {
            if (done) {
                return;
            }
            long now = clock.getAsLong();
            long rss = tracked.instance.hostResidentBytes();
            if (rss < 0 || before < 0) {
                finish(now, false);
                return;
            }
            if (rss < lowest - SETTLE_BYTES) {
                lowest = rss;
                lowestAt = now;
            } else if (rss < lowest) {
                lowest = rss;
            }
            if (now - lowestAt >= SETTLE_MILLIS || now - startedAt >= MEASURE_LIMIT_MILLIS) {
                finish(now, true);
            }
        }

        void finish(long now, boolean measured) {
            done = true;
            cancel();
            tracked.measuring = null;
            if (!measured) {
                log.info("event=reclaim vm={} mode={} phase=abandoned why=\"host memory no longer measurable\"",
                        name, mode);
                return;
            }
            long returned = Math.max(0, before - lowest);
            long took = lowestAt - idleDetectedAt;
            listener.reclaimFinished(name, returned, took);
            log.info("event=reclaim vm={} mode={} phase=settled host_rss_before_bytes={} host_rss_after_bytes={}"
                            + " returned_bytes={} ms_since_idle={} settle_ms={}", name, mode, before, lowest, returned,
                    took, lowestAt - startedAt);
        }

        void cancel() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
