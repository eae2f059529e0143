package dev.uvm.scheduler.lifecycle;

import dev.uvm.config.VmConfig;
import dev.uvm.qemu.BootException;

/**
 * A hypervisor backend: boots VMs. Implemented for QEMU and HCS.
 */
public interface VmDriver {
    /** Short name for logs and metrics labels: {@code qemu}, {@code hcs}. */
    String name();

    /** A line for {@code uvm status}: acceleration in use and why. */
    String describe();

    /**
     * Boots a VM and returns once its guest agent is ready. Blocks for the whole boot, bounded by
     * the config's boot timeout; called on a worker thread.
     */
    RunningVm boot(VmConfig config) throws BootException;
}
