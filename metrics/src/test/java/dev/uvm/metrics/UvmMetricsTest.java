package dev.uvm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The exported names, labels and units: what dashboards and alerts are written against. */
class UvmMetricsTest {
    private final UvmMetrics metrics = new UvmMetrics("qemu");

    /** The value of one exported sample, or fails if the series is missing. */
    private double sample(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertTrue(m.find(), "missing series " + series + " in:\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void newVm_exportsEverySeries_atZero() {
        metrics.vm("default");
        String s = metrics.scrape();
        assertEquals(1.0, sample(s, "uvm_vm_state{state=\"stopped\",vm=\"default\",}"));
        for (String st : VmMetrics.STATES) {
            if (!st.equals("stopped")) {
                assertEquals(0.0, sample(s, "uvm_vm_state{state=\"" + st + "\",vm=\"default\",}"));
            }
        }
        assertEquals(0.0, sample(s, "uvm_sessions_active{kind=\"foreground\",vm=\"default\",}"));
        assertEquals(0.0, sample(s, "uvm_sessions_active{kind=\"background\",vm=\"default\",}"));
        assertEquals(0.0, sample(s, "uvm_vm_starts_total{result=\"success\",vm=\"default\",}"));
        assertEquals(0.0, sample(s, "uvm_vm_starts_total{result=\"failure\",vm=\"default\",}"));
        for (String r : VmMetrics.STOP_REASONS) {
            assertEquals(0.0, sample(s, "uvm_vm_stops_total{reason=\"" + r + "\",vm=\"default\",}"));
        }
        assertEquals(0.0, sample(s, "uvm_vm_forced_stops_total{vm=\"default\",}"));
        assertEquals(0.0, sample(s, "uvm_vm_boot_duration_seconds_count{backend=\"qemu\",vm=\"default\",}"));
        for (String m : new String[] {"assigned", "host_resident", "guest_total", "guest_available", "guest_cache"}) {
            assertEquals(0.0, sample(s, "uvm_vm_memory_" + m + "_bytes{vm=\"default\",}"));
        }
        assertTrue(Double.isNaN(sample(s, "uvm_vm_idle_deadline_timestamp_seconds{vm=\"default\",}")));
        assertTrue(Double.isNaN(sample(s, "uvm_vm_last_session_end_timestamp_seconds{vm=\"default\",}")));
        assertEquals(0.0, sample(s, "uvm_vm_idle_timeout_seconds{vm=\"default\",}"));
    }

    @Test
    void distribution_exportsItsDiskUseAndState_untilItIsRemoved() {
        DistroMetrics d = metrics.distribution("debian", "default");
        String labels = "{distribution=\"debian\",vm=\"default\",}";
        assertEquals(-1.0, sample(metrics.scrape(), "uvm_distribution_disk_bytes" + labels));
        d.diskBytes(612L << 20);
        d.running(true);
        String s = metrics.scrape();
        assertEquals(612.0 * (1 << 20), sample(s, "uvm_distribution_disk_bytes" + labels));
        assertEquals(1.0, sample(s, "uvm_distribution_running" + labels));
        metrics.removeDistribution("debian");
        assertFalse(metrics.scrape().contains("distribution=\"debian\""));
    }

    @Test
    void boot_recordsHistogramInSeconds_withBucketsFrom50msTo60s() {
        VmMetrics vm = metrics.vm("default");
        vm.bootSucceeded(1800, Map.of("vmm_up", 40L, "kernel_start", 300L, "agent_ready", 1800L), 512L << 20);
        String s = metrics.scrape();
        String labels = "backend=\"qemu\",vm=\"default\",";
        assertEquals(1.0, sample(s, "uvm_vm_boot_duration_seconds_count{" + labels + "}"));
        assertEquals(1.8, sample(s, "uvm_vm_boot_duration_seconds_sum{" + labels + "}"), 1e-9);
        assertEquals(0.0, sample(s, "uvm_vm_boot_duration_seconds_bucket{" + labels + "le=\"0.05\",}"));
        assertEquals(0.0, sample(s, "uvm_vm_boot_duration_seconds_bucket{" + labels + "le=\"1.5\",}"));
        assertEquals(1.0, sample(s, "uvm_vm_boot_duration_seconds_bucket{" + labels + "le=\"2.0\",}"));
        assertEquals(1.0, sample(s, "uvm_vm_boot_duration_seconds_bucket{" + labels + "le=\"60.0\",}"));
        assertEquals(1.0, sample(s, "uvm_vm_boot_phase_duration_seconds_count{" + labels.replace("backend", "backend")
                .replace("vm=", "phase=\"vmm_up\",vm=") + "}"));
        assertEquals(1.0, sample(s, "uvm_vm_starts_total{result=\"success\",vm=\"default\",}"));
        assertEquals(512.0 * (1 << 20), sample(s, "uvm_vm_memory_assigned_bytes{vm=\"default\",}"));
        assertTrue(s.contains("# TYPE uvm_vm_boot_duration_seconds histogram"), s);
    }

    @Test
    void stateSessionsStopsAndIdle_followTheLifecycle() {
        VmMetrics vm = metrics.vm("second");
        vm.state("running");
        vm.sessions(2, 1);
        vm.idle(90_000, 1_700_000_000_000L, 1_700_000_090_000L);
        vm.memory(300L << 20, 500L << 20, 400L << 20, 50L << 20);
        String s = metrics.scrape();
        assertEquals(1.0, sample(s, "uvm_vm_state{state=\"running\",vm=\"second\",}"));
        assertEquals(0.0, sample(s, "uvm_vm_state{state=\"stopped\",vm=\"second\",}"));
        assertEquals(2.0, sample(s, "uvm_sessions_active{kind=\"foreground\",vm=\"second\",}"));
        assertEquals(1.0, sample(s, "uvm_sessions_active{kind=\"background\",vm=\"second\",}"));
        assertEquals(90.0, sample(s, "uvm_vm_idle_timeout_seconds{vm=\"second\",}"));
        assertEquals(1.70000009E9, sample(s, "uvm_vm_idle_deadline_timestamp_seconds{vm=\"second\",}"));
        assertEquals(300.0 * (1 << 20), sample(s, "uvm_vm_memory_host_resident_bytes{vm=\"second\",}"));
        vm.stopped("idle", true, 31_000);
        s = metrics.scrape();
        assertEquals(1.0, sample(s, "uvm_vm_stops_total{reason=\"idle\",vm=\"second\",}"));
        assertEquals(1.0, sample(s, "uvm_vm_forced_stops_total{vm=\"second\",}"));
        assertEquals(1.0, sample(s, "uvm_vm_stop_duration_seconds_count{vm=\"second\",}"));
        assertEquals(0.0, sample(s, "uvm_vm_memory_host_resident_bytes{vm=\"second\",}"));
    }

    @Test
    void suspendAndRestore_areCountedApartFromBootsAndStops() {
        VmMetrics vm = metrics.vm("saved");
        vm.bootSucceeded(2000, Map.of(), 512L << 20);
        vm.suspended(400, 77L << 20);
        String s = metrics.scrape();
        assertEquals(1.0, sample(s, "uvm_vm_suspends_total{result=\"success\",vm=\"saved\",}"));
        assertEquals(77.0 * (1 << 20), sample(s, "uvm_vm_saved_state_bytes{vm=\"saved\",}"));
        assertEquals(0.0, sample(s, "uvm_vm_memory_assigned_bytes{vm=\"saved\",}"));
        assertEquals(0.0, sample(s, "uvm_vm_stops_total{reason=\"idle\",vm=\"saved\",}"));
        vm.restored(350, true, 512L << 20);
        vm.restored(90, false, 512L << 20);
        s = metrics.scrape();
        assertEquals(1.0, sample(s, "uvm_vm_restores_total{result=\"success\",vm=\"saved\",}"));
        assertEquals(1.0, sample(s, "uvm_vm_restores_total{result=\"failure\",vm=\"saved\",}"));
        assertEquals(1.0, sample(s, "uvm_vm_restore_duration_seconds_count{backend=\"qemu\",vm=\"saved\",}"));
        assertEquals(0.35, sample(s, "uvm_vm_restore_duration_seconds_sum{backend=\"qemu\",vm=\"saved\",}"), 1e-9);
        assertEquals(1.0, sample(s, "uvm_vm_suspend_duration_seconds_count{vm=\"saved\",}"));
        assertEquals(1.0, sample(s, "uvm_vm_starts_total{result=\"success\",vm=\"saved\",}"), "a restore is not a start");
        assertEquals(0.0, sample(s, "uvm_vm_saved_state_bytes{vm=\"saved\",}"));
    }

    @Test
    void jvmAndProcessMetrics_areExported() {
        String s = metrics.scrape();
        assertTrue(s.contains("jvm_memory_used_bytes{"), "JVM memory");
        assertTrue(s.contains("process_resident_memory_bytes "), "process RSS");
        assertTrue(s.contains("process_cpu_seconds_total "), "process CPU");
        assertFalse(s.contains("uvm_vm_state{"), "no VM series before a VM is configured");
    }
}
