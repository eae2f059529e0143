package dev.uvm.core.reclaim;

import dev.uvm.config.MemoryReclaim;
import dev.uvm.config.VmConfig;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * Decides, from the guest agent's periodic statistics, when one running VM is idle and what
 * memory reclaim to run. Pure logic with no clock or threads of its own: the caller passes the
 * sample time, so tests drive it with a virtual clock.
 *
 * <p>The guest counts as idle once its CPU busy share (busy jiffies over all jiffies of all its
 * CPUs, from /proc/stat) over the last {@link VmConfig#reclaimIdleWindowMillis()} is under
 * {@link VmConfig#reclaimIdleCpuPercent()}. The share is taken over the whole window, not per
 * sample, so a blip (a timer, a cron job inside the guest) does not restart the wait, while
 * real work does. {@code dropCache} reclaims once per idle period; {@code gradual} reclaims a
 * step per window until the page cache is down to {@link #GRADUAL_FLOOR_BYTES}. After a reclaim
 * the window starts again from the next sample (the reclaim's own work shows up as guest CPU and
 * is not counted), and no new reclaim starts while the last one's effect on host memory is still
 * being measured.
 */
public final class IdleDetector {
    /** {@code gradual} leaves this much page cache, as WSL's gradual mode does. */
    public static final long GRADUAL_FLOOR_BYTES = 128L << 20;
    /** The smallest {@code gradual} step worth a request. */
    public static final long GRADUAL_MIN_STEP_BYTES = 16L << 20;

    /** What to do after a sample. */
    public sealed interface Action permits None, DropCaches, Reclaim {
    }

    /** Nothing to do. */
    public record None() implements Action {
    }

    /** Drop every guest cache and compact ({@code dropCache}). */
    public record DropCaches() implements Action {
    }

    /** Reclaim about this many bytes of page cache and compact ({@code gradual}). */
    public record Reclaim(long bytes) implements Action {
    }

    /** The outcome of one sample: the busy share seen, whether the guest is idle, and the action. */
    public record Verdict(double busyShare, boolean idle, Action action, long idleDetectedAtMillis) {
    }

    private static final Action NONE = new None();

    private record Sample(long millis, long busy, long total) {
    }

    /** Samples from the one at or just before the window's start up to the latest. */
    private final Deque<Sample> samples = new ArrayDeque<>();
    private long idleDetectedAtMillis = -1;
    private boolean reclaimedThisPeriod;
    private boolean rebaseNext;

    /**
     * Judges one sample.
     *
     * @param stats      the agent's STATS figures ({@code cpu_busy}, {@code cpu_total}, {@code mem_cached})
     * @param measuring  whether the previous reclaim's effect is still being measured
     */
    public Verdict observe(VmConfig config, Map<String, Long> stats, long nowMillis, boolean measuring) {
        Long busy = stats.get("cpu_busy");
        Long total = stats.get("cpu_total");
        if (busy == null || total == null) {
            return new Verdict(0, false, NONE, -1);
        }
        Sample now = new Sample(nowMillis, busy, total);
        Sample last = samples.peekLast();
        if (last == null || total < last.total || busy < last.busy) {
            samples.clear();
            samples.add(now);
            idleDetectedAtMillis = -1;
            return new Verdict(0, false, NONE, -1);
        }
        double sampleShare = share(last, now);
        samples.add(now);
        boolean idleBefore = idleDetectedAtMillis >= 0;
        if (rebaseNext) {
            // The interval just ended held the reclaim's own work: the window starts again here.
            rebaseNext = false;
            samples.clear();
            samples.add(now);
            return new Verdict(sampleShare, idleBefore, NONE, idleDetectedAtMillis);
        }
        long windowStart = nowMillis - config.reclaimIdleWindowMillis();
        while (samples.size() > 2 && second().millis <= windowStart) {
            samples.removeFirst();
        }
        Sample base = samples.peekFirst();
        if (base.millis > windowStart) {
            return new Verdict(sampleShare, idleBefore, NONE, idleDetectedAtMillis);
        }
        if (share(base, now) * 100 >= config.reclaimIdleCpuPercent()) {
            idleDetectedAtMillis = -1;
            reclaimedThisPeriod = false;
            return new Verdict(sampleShare, false, NONE, -1);
        }
        if (idleDetectedAtMillis < 0) {
            idleDetectedAtMillis = nowMillis;
        }
        Action action = measuring || reclaimedThisPeriod ? NONE : action(config, stats);
        if (!(action instanceof None)) {
            rebaseNext = true;
        }
        return new Verdict(sampleShare, true, action, idleDetectedAtMillis);
    }

    private Sample second() {
        Iterator<Sample> it = samples.iterator();
        it.next();
        return it.next();
    }

    private static double share(Sample from, Sample to) {
        long dTotal = to.total - from.total;
        return dTotal <= 0 ? 0 : (double) (to.busy - from.busy) / dTotal;
    }

    private Action action(VmConfig config, Map<String, Long> stats) {
        if (config.autoMemoryReclaim() == MemoryReclaim.DROP_CACHE) {
            reclaimedThisPeriod = true;
            return new DropCaches();
        }
        if (config.autoMemoryReclaim() == MemoryReclaim.GRADUAL) {
            long cache = stats.getOrDefault("mem_cached", 0L);
            long above = cache - GRADUAL_FLOOR_BYTES;
            if (above < GRADUAL_MIN_STEP_BYTES) {
                reclaimedThisPeriod = true;
                return NONE;
            }
            return new Reclaim(Math.min(above, Math.max(cache / 4, GRADUAL_MIN_STEP_BYTES)));
        }
        return NONE;
    }
}
