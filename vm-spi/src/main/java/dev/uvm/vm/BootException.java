package dev.uvm.vm;

/** A VM that could not be booted; the message names the cause and what to do. */
public class BootException extends Exception {
    public BootException(String message) {
        super(message);
    }

    public BootException(String message, Throwable cause) {
        super(message, cause);
    }
}
