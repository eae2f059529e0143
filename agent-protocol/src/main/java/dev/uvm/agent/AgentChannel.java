package dev.uvm.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One guest process started over the agent connection.
 *
 * <p>Concurrency: {@link #writeStdin} blocks the calling thread while the channel's stdin credit
 * is used up (the guest process is not reading); every other method returns at once. The
 * channel's listener is called on the connection's reader thread.
 */
public final class AgentChannel {
    /** Credit window of each direction, in bytes, as in guest/PROTOCOL.md. */
    public static final int WINDOW_BYTES = 256 * 1024;

    private final AgentConnection connection;
    private final int id;
    final ChannelListener listener;
    private final Object creditLock = new Object();
    private int stdinCredit = WINDOW_BYTES;
    private volatile String closedReason;

    AgentChannel(AgentConnection connection, int id, ChannelListener listener) {
        this.connection = connection;
        this.id = id;
        this.listener = listener;
    }

    public int id() {
        return id;
    }

    /** Sends bytes to the process's stdin, waiting for credit as the guest consumes them. */
    public void writeStdin(byte[] data, int offset, int length) throws IOException {
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            int chunk;
            synchronized (creditLock) {
                while (stdinCredit == 0 && closedReason == null) {
                    try {
                        creditLock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while waiting for the guest to read stdin");
                    }
                }
                if (closedReason != null) {
                    throw new IOException("stdin of guest process closed: " + closedReason);
                }
                chunk = Math.min(Math.min(stdinCredit, end - pos), AgentFrame.MAX_PAYLOAD);
                stdinCredit -= chunk;
            }
            connection.send(new AgentFrame(AgentFrame.STDIN, id, Arrays.copyOfRange(data, pos, pos + chunk)));
            pos += chunk;
        }
    }

    /** Closes the process's stdin (EOF). */
    public void closeStdin() throws IOException {
        connection.send(AgentFrame.of(AgentFrame.STDIN, id));
    }

    /** Sends a signal to the process group. */
    public void signal(int signal) throws IOException {
        connection.send(AgentFrame.ofInt(AgentFrame.SIGNAL, id, signal));
    }

    public void resize(int rows, int cols) throws IOException {
        connection.send(new AgentFrame(AgentFrame.RESIZE, id,
                ByteBuffer.allocate(4).putShort((short) rows).putShort((short) cols).array()));
    }

    /** Returns output credit: the host has consumed {@code bytes} of this channel's output. */
    public void acknowledgeOutput(int bytes) throws IOException {
        if (bytes > 0) {
            connection.send(AgentFrame.ofInt(AgentFrame.OUTPUT_ACK, id, bytes));
        }
    }

    void stdinAcknowledged(int bytes) {
        synchronized (creditLock) {
            stdinCredit = Math.min(WINDOW_BYTES, stdinCredit + bytes);
            creditLock.notifyAll();
        }
    }

    void closed(String reason) {
        synchronized (creditLock) {
            closedReason = reason;
            creditLock.notifyAll();
        }
    }
}
