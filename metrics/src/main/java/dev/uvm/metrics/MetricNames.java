package dev.uvm.metrics;

/**
 * Every meter name uvm exports, in one place. Micrometer names are dotted; the Prometheus
 * exposition adds the unit and {@code _total} suffixes, giving the names in the comments.
 */
public final class MetricNames {
    private MetricNames() {
    }

    /** {@code uvm_vm_boot_duration_seconds} histogram: start request to guest agent ready. */
    public static final String BOOT_DURATION = "uvm.vm.boot.duration";
    /** {@code uvm_vm_boot_phase_duration_seconds} histogram, label {@code phase}. */
    public static final String BOOT_PHASE_DURATION = "uvm.vm.boot.phase.duration";
    /** {@code uvm_vm_stop_duration_seconds} histogram: stop request to VM gone. */
    public static final String STOP_DURATION = "uvm.vm.stop.duration";
    /** {@code uvm_vm_state} gauge: 1 for the current state, 0 for the others. */
    public static final String STATE = "uvm.vm.state";
    /** {@code uvm_sessions_active} gauge, label {@code kind} = foreground | background. */
    public static final String SESSIONS_ACTIVE = "uvm.sessions.active";
    /** {@code uvm_vm_starts_total}, label {@code result} = success | failure. */
    public static final String STARTS = "uvm.vm.starts";
    /** {@code uvm_vm_stops_total}, label {@code reason}. */
    public static final String STOPS = "uvm.vm.stops";
    /** {@code uvm_vm_forced_stops_total}. */
    public static final String FORCED_STOPS = "uvm.vm.forced.stops";
    /** {@code uvm_vm_suspends_total}, label {@code result} = success | failure (the VM was stopped instead). */
    public static final String SUSPENDS = "uvm.vm.suspends";
    /** {@code uvm_vm_suspend_duration_seconds} histogram: idle timeout to VM saved and VMM gone. */
    public static final String SUSPEND_DURATION = "uvm.vm.suspend.duration";
    /** {@code uvm_vm_restores_total}, label {@code result} = success | failure (a cold boot followed). */
    public static final String RESTORES = "uvm.vm.restores";
    /** {@code uvm_vm_restore_duration_seconds} histogram: restore request to guest agent answering. */
    public static final String RESTORE_DURATION = "uvm.vm.restore.duration";
    /** {@code uvm_vm_saved_state_bytes}: size of the suspended VM's saved state on disk; 0 when none. */
    public static final String SAVED_STATE = "uvm.vm.saved.state";
    /** {@code uvm_vm_memory_assigned_bytes}: guest RAM of the running VM, 0 when stopped. */
    public static final String MEMORY_ASSIGNED = "uvm.vm.memory.assigned";
    /** {@code uvm_vm_memory_host_resident_bytes}: VMM resident set (Linux) or private working set (HCS). */
    public static final String MEMORY_HOST_RESIDENT = "uvm.vm.memory.host.resident";
    /** {@code uvm_vm_memory_guest_total_bytes}, from the guest's /proc/meminfo. */
    public static final String MEMORY_GUEST_TOTAL = "uvm.vm.memory.guest.total";
    /** {@code uvm_vm_memory_guest_available_bytes}. */
    public static final String MEMORY_GUEST_AVAILABLE = "uvm.vm.memory.guest.available";
    /** {@code uvm_vm_memory_guest_cache_bytes}. */
    public static final String MEMORY_GUEST_CACHE = "uvm.vm.memory.guest.cache";
    /** {@code uvm_vm_idle_timeout_seconds}: the configured idle timeout; -1 = never. */
    public static final String IDLE_TIMEOUT = "uvm.vm.idle.timeout";
    /** {@code uvm_vm_last_session_end_timestamp_seconds}: NaN until a session has ended. */
    public static final String LAST_SESSION_END = "uvm.vm.last.session.end.timestamp";
    /** {@code uvm_vm_idle_deadline_timestamp_seconds}: NaN while no idle timer is armed. */
    public static final String IDLE_DEADLINE = "uvm.vm.idle.deadline.timestamp";
}
