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
    /** {@code uvm_vm_memory_reclaim_runs_total}, label {@code mode} = dropCache | gradual. */
    public static final String MEMORY_RECLAIM_RUNS = "uvm.vm.memory.reclaim.runs";
    /** {@code uvm_vm_memory_reclaimed_bytes_total}: host resident set before a reclaim minus after. */
    public static final String MEMORY_RECLAIMED = "uvm.vm.memory.reclaimed";
    /** {@code uvm_vm_memory_reclaim_duration_seconds} histogram: idle detected to host memory settled. */
    public static final String MEMORY_RECLAIM_DURATION = "uvm.vm.memory.reclaim.duration";
    /** {@code uvm_vm_guest_cpu_busy_ratio}: guest CPU busy share over the last 5 s sample. */
    public static final String GUEST_CPU_BUSY = "uvm.vm.guest.cpu.busy";
    /** {@code uvm_vm_keepalive_active}: 1 while a keepAlive window holds the VM up. */
    public static final String KEEPALIVE_ACTIVE = "uvm.vm.keepalive.active";
    /** {@code uvm_vm_keepalive_next_timestamp_seconds}: when the next keepAlive window opens; NaN if none. */
    public static final String KEEPALIVE_NEXT = "uvm.vm.keepalive.next.timestamp";
    /** {@code uvm_vm_prewarm_next_timestamp_seconds}: the next prewarm fire time; NaN if none. */
    public static final String PREWARM_NEXT = "uvm.vm.prewarm.next.timestamp";
    /** {@code uvm_vm_prewarms_total}: prewarm fire times reached (each boots the VM or restarts its idle timer). */
    public static final String PREWARMS = "uvm.vm.prewarms";
    /** {@code uvm_vm_guest_idle}: 1 while the guest counts as idle for memory reclaim. */
    public static final String GUEST_IDLE = "uvm.vm.guest.idle";
    /** {@code uvm_distribution_disk_bytes}, labels {@code distribution}, {@code vm}: space on the data disk. */
    public static final String DISTRIBUTION_DISK = "uvm.distribution.disk";
    /** {@code uvm_distribution_running}, labels {@code distribution}, {@code vm}: 1 while it runs. */
    public static final String DISTRIBUTION_RUNNING = "uvm.distribution.running";
    /** {@code uvm_forward_open}, labels {@code vm}, {@code port}: forwarded connections open now. */
    public static final String FORWARD_OPEN = "uvm.forward.open";
    /** {@code uvm_forward_connections_total}, labels {@code vm}, {@code port}: connections accepted. */
    public static final String FORWARD_CONNECTIONS = "uvm.forward.connections";
    /** {@code uvm_forward_bytes_total}, labels {@code vm}, {@code port}, {@code direction}: bytes relayed. */
    public static final String FORWARD_BYTES = "uvm.forward.bytes";
    /**
     * {@code uvm_forward_wake_first_byte_seconds} histogram, labels {@code vm}, {@code port}: from a
     * connection being accepted to its first byte from the guest, for connections that waited for the
     * VM to boot or be restored.
     */
    public static final String FORWARD_WAKE_FIRST_BYTE = "uvm.forward.wake.first.byte";
    /** {@code uvm_vm_wakeups_total}, labels {@code vm}, {@code cause}, {@code from}: boots and restores a session started. */
    public static final String WAKEUPS = "uvm.vm.wakeups";
}
