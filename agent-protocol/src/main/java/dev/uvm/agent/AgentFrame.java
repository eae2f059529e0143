package dev.uvm.agent;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * One frame of the guest agent protocol ({@code guest/PROTOCOL.md}): a 9-byte header
 * (type, channel, length; big-endian) and a payload of at most {@link #MAX_PAYLOAD} bytes.
 */
public record AgentFrame(int type, int channel, byte[] payload) {

    public static final int HEADER_BYTES = 9;
    public static final int MAX_PAYLOAD = 65536;

    // Guest -> host.
    public static final int READY = 0x01;
    public static final int STDOUT = 0x10;
    public static final int STDERR = 0x11;
    public static final int EXIT = 0x12;
    public static final int STDIN_ACK = 0x13;
    public static final int STATS = 0x14;
    public static final int PONG = 0x15;
    public static final int LOG = 0x16;
    /** The TCP ports guest processes listen on (any address or loopback): big-endian u16 each, sorted. */
    public static final int PORTS = 0x17;

    // Host -> guest.
    public static final int EXEC = 0x02;
    public static final int STDIN = 0x03;
    public static final int SIGNAL = 0x04;
    public static final int RESIZE = 0x05;
    public static final int POWEROFF = 0x06;
    public static final int STATS_REQ = 0x07;
    public static final int OUTPUT_ACK = 0x08;
    public static final int PING = 0x09;
    public static final int DROP_CACHES = 0x0A;
    public static final int SET_TIME = 0x0B;
    /** Opens a TCP connection to the guest's 127.0.0.1 on a new channel: u16 port, big-endian. */
    public static final int CONNECT = 0x0C;

    private static final byte[] EMPTY = new byte[0];

    public static AgentFrame of(int type, int channel) {
        return new AgentFrame(type, channel, EMPTY);
    }

    public static AgentFrame ofInt(int type, int channel, int value) {
        return new AgentFrame(type, channel, ByteBuffer.allocate(4).putInt(value).array());
    }

    /** The payload read as one big-endian u32 (EXIT, STDIN_ACK). */
    public int intPayload() {
        if (payload.length < 4) {
            throw new IllegalStateException("frame type " + type + " needs a 4-byte payload, has " + payload.length);
        }
        return ByteBuffer.wrap(payload).getInt();
    }

    /** Reads one frame; throws {@link EOFException} at a clean end of stream. */
    public static AgentFrame read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("agent channel closed");
        }
        int channel = in.readInt();
        int length = in.readInt();
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("agent frame of type " + type + " claims " + Integer.toUnsignedString(length)
                    + " payload bytes; the limit is " + MAX_PAYLOAD);
        }
        byte[] payload = length == 0 ? EMPTY : new byte[length];
        in.readFully(payload);
        return new AgentFrame(type, channel, payload);
    }

    /** Writes the frame as one buffer, so that concurrent writers (under a lock) never interleave. */
    public void write(OutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        buf.put((byte) type).putInt(channel).putInt(payload.length).put(payload);
        out.write(buf.array());
    }
}
