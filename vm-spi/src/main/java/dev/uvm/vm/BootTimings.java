package dev.uvm.vm;

import dev.uvm.agent.ReadyWait;

/**
 * How long the phases of one boot took, in nanoseconds from the launch request.
 *
 * @param vmmUpNanos        the VMM is up (QEMU's QMP socket answered; HCS created and started the system)
 * @param kernelStartNanos  estimated start of the guest kernel (agent ready minus guest uptime); for a
 *                          restore, when the saved state was loaded
 * @param readyNanos        the guest agent announced itself
 */
public record BootTimings(long vmmUpNanos, long kernelStartNanos, long readyNanos) {
    /**
     * The timings of a cold boot whose agent reported {@code ready} at {@code readyNanos}: the kernel
     * started the guest's uptime before that, but not before the VMM was up.
     */
    public static BootTimings coldBoot(long vmmUpNanos, long readyNanos, ReadyWait.Ready ready) {
        long kernelStart = Math.max(vmmUpNanos, readyNanos - (long) (ready.uptimeSeconds() * 1e9));
        return new BootTimings(vmmUpNanos, kernelStart, readyNanos);
    }
}
