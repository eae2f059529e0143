package dev.uvm.protocol;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Frames of the client protocol (docs/protocol.md): a 5-byte header (type u8, length u32,
 * big-endian) and a payload. Control frames carry one JSON message ({@link ClientMessage},
 * {@link DaemonMessage}); stdio travels as raw bytes.
 */
public final class Wire {
    /** Protocol version sent in {@code hello}; a peer with another version is refused. */
    public static final int VERSION = 1;
    /** The release of uvm, also sent in {@code hello}: the client and daemon of one release always match. */
    public static final String RELEASE = "0.1.0";
    public static final int CONTROL = 0x01;
    public static final int STDIN = 0x02;
    public static final int STDOUT = 0x03;
    public static final int STDERR = 0x04;
    /**
     * Largest payload of a control frame, in bytes: a run request's argv and environment must fit
     * the agent's 64 KiB EXEC frame anyway, and a small limit bounds what a connection may make
     * the daemon allocate before it has proven anything.
     */
    public static final int MAX_CONTROL = 1 << 16;
    /** Largest payload of a stdio frame. */
    public static final int MAX_DATA = 1 << 16;

    private Wire() {
    }

    /** One received frame. */
    public record Frame(int type, byte[] payload) {
        /** The payload of a control frame; any other frame here is a protocol error. */
        public byte[] control() throws ProtocolException {
            if (type != CONTROL) {
                throw new ProtocolException("expected a control frame, got frame type " + type);
            }
            return payload;
        }
    }

    /** A peer broke the protocol; the message says how. */
    public static final class ProtocolException extends IOException {
        public ProtocolException(String message) {
            super(message);
        }
    }

    public static Frame read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed");
        }
        int len = in.readInt();
        int max = type == CONTROL ? MAX_CONTROL : MAX_DATA;
        if (type < CONTROL || type > STDERR) {
            throw new ProtocolException("unknown frame type " + type);
        }
        // An unsigned length over the limit reads as negative here.
        if (len < 0 || len > max) {
            throw new ProtocolException("frame of type " + type + " claims " + Integer.toUnsignedString(len)
                    + " bytes; the limit is " + max);
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        return new Frame(type, payload);
    }

    /** Writes one frame and flushes; frames of concurrent writers to {@code out} never interleave. */
    public static void write(OutputStream out, int type, byte[] data, int off, int len) throws IOException {
        synchronized (out) {
            out.write(ByteBuffer.allocate(5).put((byte) type).putInt(len).array());
            out.write(data, off, len);
            out.flush();
        }
    }

    public static void send(OutputStream out, ClientMessage message) throws IOException {
        byte[] bytes = message.encode();
        write(out, CONTROL, bytes, 0, bytes.length);
    }

    public static void send(OutputStream out, DaemonMessage message) throws IOException {
        byte[] bytes = message.encode();
        write(out, CONTROL, bytes, 0, bytes.length);
    }
}
