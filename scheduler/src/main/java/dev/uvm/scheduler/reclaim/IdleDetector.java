package dev.uvm.scheduler.reclaim;

import dev.uvm.config.MemoryReclaim;
import dev.uvm.config.VmConfig;
import java.util.Map;

/**
 * Decides, from the guest agent's periodic statistics, when one running VM is idle and what
 * memory reclaim to run. Pure logic with no clock or threads of its own: the caller passes the
 * sample time, so tests drive it with a virtual clock.
 *
 * <p>The guest counts as idle once its CPU busy share (busy jiffies over all jiffies of all its
 * CPUs, from /proc/stat) has stayed under {@link VmConfig#reclaimIdleCpuPercent()} for
 * {@link VmConfig#reclaimIdleWindowMillis()}. {@code dropCache} reclaims once per idle period;
 * {@code gradual} reclaims a step per sample until the page cache is down to
 * {@link #GRADUAL_FLOOR_BYTES}. The sample right after a reclaim is neither judged nor acted on (the
 * reclaim's own work shows up as guest CPU), and no new reclaim starts while the last one's effect on host
 * memory is still being measured.
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

    private long lastBusy = -1;
    private long lastTotal = -1;
    private long lastSampleMillis = -1;
    private long idleSinceMillis = -1;
    private long idleDetectedAtMillis = -1;
    private boolean reclaimedThisPeriod;
    private boolean skipNext;
    private double lastShare;

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
            return new Verdict(lastShare, false, NONE, -1);
        }
        if (lastTotal < 0 || total < lastTotal || busy < lastBusy) {
            remember(busy, total, nowMillis);
            return new Verdict(0, false, NONE, -1);
        }
        long dTotal = total - lastTotal;
        double share = dTotal == 0 ? 0 : (double) (busy - lastBusy) / dTotal;
        long intervalStart = lastSampleMillis;
        remember(busy, total, nowMillis);
        lastShare = share;
        boolean skipped = skipNext;
        if (skipped) {
            skipNext = false;
        } else if (share * 100 >= config.reclaimIdleCpuPercent()) {
            idleSinceMillis = -1;
            idleDetectedAtMillis = -1;
            reclaimedThisPeriod = false;
        } else if (idleSinceMillis < 0) {
            idleSinceMillis = intervalStart;
        }
        boolean idle = idleSinceMillis >= 0 && nowMillis - idleSinceMillis >= config.reclaimIdleWindowMillis();
        if (!idle) {
            return new Verdict(share, false, NONE, -1);
        }
        if (idleDetectedAtMillis < 0) {
            idleDetectedAtMillis = nowMillis;
        }
        Action action = skipped || measuring || reclaimedThisPeriod ? NONE : action(config, stats);
        if (!(action instanceof None)) {
            skipNext = true;
        }
        return new Verdict(share, true, action, idleDetectedAtMillis);
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

    private void remember(long busy, long total, long nowMillis) {
        lastBusy = busy;
        lastTotal = total;
        lastSampleMillis = nowMillis;
    }
}
