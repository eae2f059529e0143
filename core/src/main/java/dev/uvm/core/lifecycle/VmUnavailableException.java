package dev.uvm.core.lifecycle;

/** A session could not get its VM: the boot failed, or the VM was shut down meanwhile. */
public final class VmUnavailableException extends RuntimeException {
    public VmUnavailableException(String message) {
        super(message);
    }
}
