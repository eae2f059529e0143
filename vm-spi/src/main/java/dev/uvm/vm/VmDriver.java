package dev.uvm.vm;

import dev.uvm.config.VmConfig;
import dev.uvm.vm.BootException;
import java.io.IOException;

/**
 * A hypervisor backend: boots VMs, and where it can, saves an idle VM to disk and restores it
 * ({@code idleAction = suspend}). Implemented for QEMU and HCS.
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

    /** Why a VM with this config cannot be suspended (it is shut down instead), or null if it can. */
    default String suspendUnsupported(VmConfig config) {
        return "the " + name() + " backend cannot save a VM";
    }

    /**
     * Saves a running VM to disk and ends its VMM; returns the saved state's size in bytes. Blocks,
     * bounded by the config's shutdown timeout; called on a worker thread. On failure the VM is
     * forced down before the exception is thrown: either way no VMM is left running.
     */
    default long suspend(VmConfig config, RunningVm vm) throws IOException {
        vm.kill();
        throw new IOException(suspendUnsupported(config));
    }

    /**
     * Restores the VM saved by {@link #suspend} and returns once its guest agent answers and its
     * clock is corrected; the saved state is deleted whatever the outcome. Blocks, bounded by the
     * boot timeout. Throws when there is no usable saved state or the restore failed; the caller
     * then boots the VM cold.
     */
    default RunningVm restore(VmConfig config) throws BootException {
        throw new BootException("the " + name() + " backend cannot restore a saved VM");
    }

    /** Deletes the saved state of a VM, if there is one. */
    default void discardSaved(String vm, String why) {
    }
}
