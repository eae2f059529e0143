package dev.uvm.core.lifecycle;

/** Why a VM stopped; the {@code reason} label of {@code uvm_vm_stops_total}. */
public enum StopReason {
    IDLE,
    SHUTDOWN,
    CRASH,
    BOOT_FAILURE,
    CONFIG,
    DAEMON_STOP;

    public String label() {
        return name().toLowerCase();
    }
}
