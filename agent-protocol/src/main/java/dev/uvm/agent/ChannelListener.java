package dev.uvm.agent;

/**
 * Receives one guest process's output and exit. Called on the agent connection's reader thread:
 * implementations must not block (queue the data and return).
 */
public interface ChannelListener {
    void onStdout(byte[] data);

    void onStderr(byte[] data);

    /** The process exited with this status (exit code, or 128+N for signal N); no output follows. */
    void onExit(int status);

    /** The channel will never complete: the agent connection broke (the VM stopped or crashed). */
    void onBroken(String reason);
}
