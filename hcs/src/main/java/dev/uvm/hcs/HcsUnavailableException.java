package dev.uvm.hcs;

import dev.uvm.hcs.raw.HResult;

/**
 * The Host Compute Service cannot be used from this process: not Windows and no
 * {@value HcsLibrary#LIBRARY_PROPERTY} set, or the library failed to load.
 */
public final class HcsUnavailableException extends HcsException {

    private static final long serialVersionUID = 1L;

    HcsUnavailableException(String message, Throwable cause) {
        super("load computecore", null, HResult.HCS_E_SERVICE_NOT_AVAILABLE, null, message, cause);
    }
}
