package dev.uvm.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/**
 * Streams over a blocking {@link ByteChannel} that let one thread read while another writes
 * (a {@code SocketChannel}, or an hvsocket stream of the HCS backend).
 *
 * <p>{@code Channels.newInputStream}/{@code newOutputStream} cannot be used for that on JDK 17:
 * both synchronize on the channel's blocking lock, so a reader blocked in {@code read} stalls
 * every writer. The channel itself has separate read and write locks; these adapters call it
 * directly.
 */
public final class ChannelStreams {
    private ChannelStreams() {
    }

    public static InputStream in(ByteChannel ch) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                return ch.read(ByteBuffer.wrap(b, off, len));
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    public static OutputStream out(ByteChannel ch) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
