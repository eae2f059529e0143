package dev.uvm.core.reclaim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.config.MemoryReclaim;
import dev.uvm.config.VmConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Idle detection and reclaim decisions, driven by a virtual clock and made-up /proc/stat figures. */
class IdleDetectorTest {
    private static final long MIB = 1L << 20;
    /** 0.5% for 30 s, as the defaults. */
    private static final VmConfig DROP = VmConfig.defaults("default")
            .withReclaim(MemoryReclaim.DROP_CACHE, 0.5, 30_000);
    private static final VmConfig GRADUAL = DROP.withReclaim(MemoryReclaim.GRADUAL, 0.5, 30_000);
    private static final VmConfig OFF = DROP.withReclaim(MemoryReclaim.DISABLED, 0.5, 30_000);

    private final IdleDetector detector = new IdleDetector();
    private long now;
    private long busy;
    private long total;
    private long cache = 300 * MIB;

    /** Advances 5 s (500 jiffies on one CPU) of which {@code busyJiffies} were busy, and samples. */
    private IdleDetector.Verdict sample(VmConfig config, long busyJiffies) {
        return sample(config, busyJiffies, false);
    }

    private IdleDetector.Verdict sample(VmConfig config, long busyJiffies, boolean measuring) {
        now += 5_000;
        busy += busyJiffies;
        total += 500;
        return detector.observe(config, Map.of("cpu_busy", busy, "cpu_total", total, "mem_cached", cache), now,
                measuring);
    }

    @Test
    void quietGuest_becomesIdleAfterTheWindow_thenDropsOncePerIdlePeriod() {
        assertFalse(sample(DROP, 0).idle(), "first sample has no interval to judge");
        for (int i = 0; i < 5; i++) {
            IdleDetector.Verdict v = sample(DROP, 1);
            assertFalse(v.idle(), "idle for " + (i + 1) * 5 + " s only");
            assertInstanceOf(IdleDetector.None.class, v.action());
        }
        IdleDetector.Verdict v = sample(DROP, 1);
        assertTrue(v.idle());
        assertEquals(0.002, v.busyShare(), 1e-9);
        assertInstanceOf(IdleDetector.DropCaches.class, v.action());
        assertEquals(now, v.idleDetectedAtMillis());
        long detected = now;
        sample(DROP, 50); // the reclaim's own CPU: not counted, the window starts again
        for (int i = 0; i < 10; i++) {
            IdleDetector.Verdict later = sample(DROP, 0);
            assertTrue(later.idle());
            assertInstanceOf(IdleDetector.None.class, later.action(), "once per idle period");
            assertEquals(detected, later.idleDetectedAtMillis());
        }
    }

    @Test
    void blip_doesNotRestartTheWait_butWorkOverTheWindowDoes() {
        sample(DROP, 0);
        for (int i = 0; i < 4; i++) {
            sample(DROP, 0);
        }
        sample(DROP, 4); // 0.8% for 5 s: 0.13% over the window
        IdleDetector.Verdict v = sample(DROP, 0);
        assertTrue(v.idle(), "a blip averages out over the window");
        assertInstanceOf(IdleDetector.DropCaches.class, v.action());
        sample(DROP, 0); // rebased after the drop
        for (int i = 0; i < 5; i++) {
            assertTrue(sample(DROP, 0).idle(), "still the same idle period");
        }
        IdleDetector.Verdict busy = sample(DROP, 15); // 3% for 5 s: 0.5% over the window
        assertFalse(busy.idle(), "work over the window ends the idle period");
        for (int i = 0; i < 5; i++) {
            assertFalse(sample(DROP, 0).idle(), "the busy interval is still inside the window");
        }
        assertInstanceOf(IdleDetector.DropCaches.class, sample(DROP, 0).action(), "a new idle period drops again");
    }

    @Test
    void sessionsRunningWork_neverReclaimed() {
        sample(DROP, 0);
        for (int i = 0; i < 100; i++) {
            IdleDetector.Verdict v = sample(DROP, 250);
            assertFalse(v.idle());
            assertInstanceOf(IdleDetector.None.class, v.action());
            assertEquals(0.5, v.busyShare(), 1e-9);
        }
    }

    @Test
    void disabled_detectsIdleButNeverActs() {
        sample(OFF, 0);
        for (int i = 0; i < 20; i++) {
            assertInstanceOf(IdleDetector.None.class, sample(OFF, 0).action());
        }
        assertTrue(sample(OFF, 0).idle());
    }

    @Test
    void gradual_stepsAQuarterOfTheCachePerWindowDownToTheFloor() {
        sample(GRADUAL, 0);
        for (int i = 0; i < 5; i++) {
            sample(GRADUAL, 0);
        }
        cache = 400 * MIB;
        IdleDetector.Reclaim first = assertInstanceOf(IdleDetector.Reclaim.class, sample(GRADUAL, 0).action());
        assertEquals(100 * MIB, first.bytes());
        cache = 300 * MIB;
        assertInstanceOf(IdleDetector.None.class, sample(GRADUAL, 50).action(), "rebased: the step's own CPU");
        for (int i = 0; i < 5; i++) {
            IdleDetector.Verdict v = sample(GRADUAL, 0, i == 4);
            assertTrue(v.idle());
            assertInstanceOf(IdleDetector.None.class, v.action(), "a new window first, then no step while measuring");
        }
        IdleDetector.Reclaim second = assertInstanceOf(IdleDetector.Reclaim.class, sample(GRADUAL, 0).action());
        assertEquals(75 * MIB, second.bytes());
        cache = 140 * MIB;
        for (int i = 0; i < 6; i++) {
            sample(GRADUAL, 0);
        }
        assertInstanceOf(IdleDetector.None.class, sample(GRADUAL, 0).action(), "12 MiB above the floor is too little");
    }

    @Test
    void gradual_lastStepStopsAtTheFloor() {
        cache = 180 * MIB;
        sample(GRADUAL, 0);
        for (int i = 0; i < 5; i++) {
            sample(GRADUAL, 0);
        }
        IdleDetector.Reclaim r = assertInstanceOf(IdleDetector.Reclaim.class, sample(GRADUAL, 0).action());
        assertEquals(45 * MIB, r.bytes());
        cache = 140 * MIB;
        for (int i = 0; i < 10; i++) {
            assertInstanceOf(IdleDetector.None.class, sample(GRADUAL, 0).action());
        }
    }

    @Test
    void counterReset_byANewBoot_isAFirstSampleAgain() {
        sample(DROP, 0);
        for (int i = 0; i < 4; i++) {
            sample(DROP, 0);
        }
        busy = 0;
        total = 0;
        assertFalse(sample(DROP, 0).idle());
    }

    @Test
    void shorterWindowAndHigherThreshold_fromConfig() {
        VmConfig quick = DROP.withReclaim(MemoryReclaim.DROP_CACHE, 5, 10_000);
        sample(quick, 0);
        assertFalse(sample(quick, 20).idle(), "4% for 5 s: not yet a whole window");
        IdleDetector.Verdict v = sample(quick, 20);
        assertTrue(v.idle(), "4% over 10 s is idle at 5%");
        assertInstanceOf(IdleDetector.DropCaches.class, v.action());
    }
}
