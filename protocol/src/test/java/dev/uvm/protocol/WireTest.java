package dev.uvm.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Frames of the client protocol: round trips, limits, and any byte stream failing only as an IOException. */
class WireTest {
    private static final int SEEDS = 5000;

    @Test
    void frames_roundTrip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Wire.send(out, ClientMessage.Hello.current());
        byte[] data = new byte[Wire.MAX_DATA];
        new Random(1).nextBytes(data);
        Wire.write(out, Wire.STDOUT, data, 0, data.length);
        Wire.write(out, Wire.STDIN, data, 0, 0);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(ClientMessage.Hello.current(), ClientMessage.decode(Wire.read(in)));
        Wire.Frame f = Wire.read(in);
        assertEquals(Wire.STDOUT, f.type());
        assertArrayEquals(data, f.payload());
        assertEquals(0, Wire.read(in).payload().length);
        assertThrows(EOFException.class, () -> Wire.read(in));
    }

    @Test
    void oversizedLength_isRejectedFromTheHeader_beforeAnyPayloadIsRead() {
        for (long len : new long[] {Wire.MAX_CONTROL + 1L, 0x7FFFFFFFL, 0xFFFFFFFFL}) {
            byte[] header = ByteBuffer.allocate(5).put((byte) Wire.CONTROL).putInt((int) len).array();
            // A stream that fails if anything past the header is read.
            InputStream headerOnly = new ByteArrayInputStream(header) {
                @Override
                public synchronized int read(byte[] b, int off, int n) {
                    if (available() == 0) {
                        fail("read past the header of a frame claiming " + len + " bytes");
                    }
                    return super.read(b, off, n);
                }
            };
            Wire.ProtocolException e = assertThrows(Wire.ProtocolException.class,
                    () -> Wire.read(new DataInputStream(headerOnly)));
            assertTrue(e.getMessage().contains("claims " + len + " bytes"), e.getMessage());
        }
        byte[] stdin = ByteBuffer.allocate(5).put((byte) Wire.STDIN).putInt(Wire.MAX_DATA + 1).array();
        assertThrows(Wire.ProtocolException.class,
                () -> Wire.read(new DataInputStream(new ByteArrayInputStream(stdin))));
    }

    @Test
    void truncatedFrames_endInEof_atEveryCut() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Wire.send(out, ClientMessage.Run.of("default", java.util.List.of("true"), java.util.List.of()));
        byte[] whole = out.toByteArray();
        for (int cut = 0; cut < whole.length; cut++) {
            byte[] part = Arrays.copyOf(whole, cut);
            assertThrows(EOFException.class, () -> Wire.read(new DataInputStream(new ByteArrayInputStream(part))),
                    "cut at " + cut);
        }
    }

    @Test
    void randomBytes_yieldFramesOrProtocolErrors_neverAnythingElse() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            byte[] bytes = new byte[rnd.nextInt(200)];
            rnd.nextBytes(bytes);
            if (bytes.length > 5 && rnd.nextBoolean()) {
                // Often a plausible header, so that payloads get parsed too.
                bytes[0] = (byte) (1 + rnd.nextInt(4));
                ByteBuffer.wrap(bytes, 1, 4).putInt(rnd.nextInt(bytes.length - 4));
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            try {
                while (true) {
                    Wire.Frame f = Wire.read(in);
                    assertTrue(f.type() >= Wire.CONTROL && f.type() <= Wire.STDERR);
                    if (f.type() == Wire.CONTROL) {
                        assertTrue(ClientMessage.decode(f) != null);
                    }
                }
            } catch (IOException expected) {
                // EOF, an oversized or unknown frame, or a payload that is not a JSON request.
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ": " + e, e);
            }
        }
    }

    @Test
    void controlPayloads_thatAreNotJsonObjectsWithAType_areProtocolErrors() {
        for (String payload : new String[] {"", "null", "[]", "\"run\"", "{\"type\":1}", "{\"type\":", "{}", "{\"type\":\"reboot\"}",
                "\u00ff\u00fe",
                "[".repeat(5000)}) {
            Wire.Frame f = new Wire.Frame(Wire.CONTROL, payload.getBytes(StandardCharsets.UTF_8));
            assertThrows(Wire.ProtocolException.class, () -> ClientMessage.decode(f), payload);
            assertThrows(Wire.ProtocolException.class, () -> DaemonMessage.decode(f, null), payload);
        }
        assertThrows(Wire.ProtocolException.class, () -> ClientMessage.decode(new Wire.Frame(Wire.STDIN, new byte[0])));
    }
}
