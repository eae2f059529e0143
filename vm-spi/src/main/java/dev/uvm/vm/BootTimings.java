package dev.uvm.vm;

/**
 * How long the phases of one boot took, in nanoseconds from the launch request.
 *
 * @param vmmUpNanos        QEMU's QMP socket answered (the VMM process is up)
 * @param kernelStartNanos  estimated start of the guest kernel (agent ready minus guest uptime)
 * @param readyNanos        the guest agent announced itself
 */
public record BootTimings(long vmmUpNanos, long kernelStartNanos, long readyNanos) {
}
