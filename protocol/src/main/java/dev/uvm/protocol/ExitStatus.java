package dev.uvm.protocol;

/**
 * The exit statuses of the {@code uvm} command that are not a guest process's own. The daemon puts
 * them in {@code error} messages ({@code code}); the client ends with them.
 */
public final class ExitStatus {
    /** A request the daemon cannot do as asked: it names a job or VM that does not exist, or a job that has ended. */
    public static final int BAD_REQUEST = 1;
    /** A bad command line or config. */
    public static final int USAGE = 2;
    /** {@code uvm daemon}: another daemon already serves the socket (so nothing was started). */
    public static final int DAEMON_ALREADY_RUNNING = 3;
    /** uvm itself failed (the VM could not boot, was shut down under the session, the daemon went away), as {@code docker run} uses 125. */
    public static final int UVM_ERROR = 125;
    /** The client's stdout was closed under it, as for a process killed by SIGPIPE. */
    public static final int BROKEN_PIPE = 128 + 13;

    private ExitStatus() {
    }
}
