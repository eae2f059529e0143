package dev.uvm.vm;

import dev.uvm.config.VmConfig;
import java.io.IOException;
import java.util.Map;

/**
 * A hypervisor backend: boots VMs, and where it can, saves an idle VM to disk and restores it
 * ({@code idleAction = suspend}). Implemented for QEMU and HCS, each found through its
 * {@link VmDriverProvider}.
 *
 * <p>The daemon calls {@link #recover} once before it serves, then {@link #start}; the lifecycle
 * calls boot, suspend, restore and discardSaved from worker threads; {@link #close} comes last,
 * once every VM has stopped.
 */
public interface VmDriver {
    /** Short name for logs and metrics labels: {@code qemu}, {@code hcs}. */
    String name();

    /** A line for {@code uvm status}: acceleration in use and why. */
    String describe();

    /** The guest kernels VMs boot and where they come from, for {@code uvm status}; {@code null} if not known. */
    default String guestKernel() {
        return null;
    }

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

    /**
     * What a previous daemon on the same socket left behind.
     *
     * @param running    VMs still running that answer as expected; the lifecycle adopts them as idle
     * @param savedBytes VMs saved to disk, with the size of each saved state; they stay suspended
     */
    record Recovered(Map<String, RunningVm> running, Map<String, Long> savedBytes) {
        public static final Recovered NOTHING = new Recovered(Map.of(), Map.of());

        public Recovered {
            running = Map.copyOf(running);
            savedBytes = Map.copyOf(savedBytes);
        }
    }

    /**
     * Finds the VMs a previous daemon left running or saved, for the still {@code configured} ones;
     * what cannot be used (no longer configured, not answering, stale) is stopped or deleted, and
     * logged. Called once, before the daemon serves.
     */
    default Recovered recover(Map<String, VmConfig> configured) {
        return Recovered.NOTHING;
    }

    /**
     * Starts the driver's own background work before the daemon serves (QEMU decides its
     * accelerator, by a probe boot of {@code template} if it must); returns at once.
     */
    default void start(VmConfig template) {
    }

    /** Ends the driver's background work (a probe boot still running); the daemon is stopping. */
    default void close() {
    }
}
