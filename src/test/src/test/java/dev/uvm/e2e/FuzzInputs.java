package dev.uvm.e2e;

import dev.uvm.protocol.Wire;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Inputs for the daemon's socket: random generators (from a seed, so a failure can be replayed)
 * and a table of malformed inputs with the error each must get.
 */
final class FuzzInputs {
    /** Answers the daemon may give: control messages by type, STDOUT/STDERR frames as frame3/frame4. */
    static final Set<String> ANSWERS = Set.of("hello", "error", "result", "started", "exit", "end", "frame3", "frame4");

    /** Valid requests that stop nothing, as seeds for mutation. */
    private static final String[] REQUESTS = {
        "{\"type\":\"list\"}",
        "{\"type\":\"status\"}",
        "{\"type\":\"jobs\"}",
        "{\"type\":\"logs\",\"job\":\"1\",\"follow\":true}",
        "{\"type\":\"kill\",\"job\":\"1\",\"signal\":15}",
        "{\"type\":\"run\",\"argv\":[\"true\"],\"env\":[\"A=1\"],\"vm\":\"default\"}",
        "{\"type\":\"run\",\"argv\":[\"true\"],\"tty\":true,\"rows\":24,\"cols\":80}",
    };

    private static final String RUN = "json:{\"type\":\"run\",";

    static final String HELLO = "{\"type\":\"hello\",\"version\":" + Wire.VERSION + "}";

    /** Malformed inputs (after a valid hello unless they replace it) and a phrase of the error each gets. */
    static final Map<String, String> MALFORMED = Map.ofEntries(
            Map.entry("first:{\"type\":\"hello\",\"version\":2}", "protocol version 2 is not supported"),
            Map.entry("first:{\"type\":\"hello\"}", "protocol version -1 is not supported"),
            Map.entry("first:{\"type\":\"list\"}", "the first message must be hello"),
            Map.entry("json:[1,2,3]", "not a JSON object with a \"type\" field"),
            Map.entry("json:{\"type\":", "not valid JSON"),
            Map.entry("json:{\"type\":\"reboot\"}", "unknown request type \"reboot\""),
            Map.entry(RUN + "\"argv\":[]}", "non-empty \"argv\""),
            Map.entry(RUN + "\"argv\":[1]}", "must be an array of strings"),
            Map.entry(RUN + "\"argv\":\"true\"}", "must be an array of strings"),
            Map.entry(RUN + "\"argv\":[\"a\\u0000b\"]}", "NUL byte"),
            Map.entry(RUN + "\"argv\":[\"env\"],\"env\":[\"NOEQUALS\"]}", "is not KEY=VALUE"),
            Map.entry(RUN + "\"argv\":[\"true\"],\"tty\":true,\"rows\":0}", "\"rows\" must be a number"),
            Map.entry(RUN + "\"argv\":[\"true\"],\"tty\":true,\"detach\":true}", "cannot have a terminal"),
            Map.entry("json:{\"type\":\"kill\",\"job\":\"1\",\"signal\":99}", "\"signal\" must be a signal number"),
            Map.entry("json:{\"type\":\"logs\"}", "logs needs a \"job\" id"),
            Map.entry("header:1:65537", "claims 65537 bytes; the limit is 65536"),
            Map.entry("header:1:4294967295", "claims 4294967295 bytes"),
            Map.entry("header:2:65537", "claims 65537 bytes; the limit is 65536"),
            Map.entry("header:9:0", "unknown frame type 9"),
            Map.entry("header:0:0", "unknown frame type 0"),
            Map.entry("header:3:0", "expected a control frame, got frame type 3"));

    private FuzzInputs() {
    }

    /** The bytes of a {@link #MALFORMED} key. */
    static byte[] malformed(String key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String kind = key.substring(0, key.indexOf(':'));
        String rest = key.substring(kind.length() + 1);
        switch (kind) {
            case "first" -> out.writeBytes(frame(Wire.CONTROL, rest.getBytes(StandardCharsets.UTF_8)));
            case "json" -> {
                out.writeBytes(frame(Wire.CONTROL, HELLO.getBytes(StandardCharsets.UTF_8)));
                out.writeBytes(frame(Wire.CONTROL, rest.getBytes(StandardCharsets.UTF_8)));
            }
            case "header" -> {
                String[] f = rest.split(":");
                out.writeBytes(frame(Wire.CONTROL, HELLO.getBytes(StandardCharsets.UTF_8)));
                out.writeBytes(ByteBuffer.allocate(5).put((byte) Integer.parseInt(f[0]))
                        .putInt((int) Long.parseLong(f[1])).array());
            }
            default -> throw new IllegalArgumentException(key);
        }
        return out.toByteArray();
    }

    /** One random input: noise, random frames, mutated or truncated requests, or a session fed junk. */
    static byte[] generate(Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int kind = rnd.nextInt(6);
        if (kind != 0 && kind != 4) {
            out.writeBytes(frame(Wire.CONTROL, HELLO.getBytes(StandardCharsets.UTF_8)));
        }
        switch (kind) {
            case 0 -> out.writeBytes(noise(rnd, 512));
            case 1 -> {
                // A frame with a random type and a random (often lying) length, then a little payload.
                int len = rnd.nextBoolean() ? rnd.nextInt() : rnd.nextInt(Wire.MAX_CONTROL + 2);
                out.writeBytes(ByteBuffer.allocate(5).put((byte) rnd.nextInt(256)).putInt(len).array());
                out.writeBytes(noise(rnd, 256));
            }
            case 2 -> out.writeBytes(frame(Wire.CONTROL, mutate(rnd, request(rnd))));
            case 3 -> {
                // A request cut short: the header claims all of it.
                byte[] req = request(rnd);
                byte[] whole = frame(Wire.CONTROL, req);
                out.writeBytes(Arrays.copyOf(whole, 1 + rnd.nextInt(whole.length - 1)));
            }
            case 4 -> {
                out.writeBytes(frame(Wire.CONTROL, mutate(rnd, HELLO.getBytes(StandardCharsets.UTF_8))));
                out.writeBytes(frame(Wire.CONTROL, request(rnd)));
            }
            default -> {
                // A valid run, then junk on its session: random stdin, signals, resizes, frames.
                out.writeBytes(frame(Wire.CONTROL, REQUESTS[5].getBytes(StandardCharsets.UTF_8)));
                for (int i = rnd.nextInt(4); i >= 0; i--) {
                    switch (rnd.nextInt(3)) {
                        case 0 -> out.writeBytes(frame(Wire.STDIN, noise(rnd, 64)));
                        case 1 -> out.writeBytes(frame(Wire.CONTROL, ("{\"type\":\""
                                + (rnd.nextBoolean() ? "signal" : "resize") + "\",\"signal\":" + rnd.nextInt(100)
                                + ",\"rows\":" + (rnd.nextInt(70000) - 10) + ",\"cols\":" + rnd.nextInt(300) + "}")
                                .getBytes(StandardCharsets.UTF_8)));
                        default -> out.writeBytes(frame(rnd.nextInt(256), noise(rnd, 32)));
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private static byte[] request(Random rnd) {
        return REQUESTS[rnd.nextInt(REQUESTS.length)].getBytes(StandardCharsets.UTF_8);
    }

    /** Flips, replaces or drops a few bytes. */
    private static byte[] mutate(Random rnd, byte[] in) {
        byte[] b = in.clone();
        for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(3)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = (byte) rnd.nextInt(256);
                default -> b = Arrays.copyOf(b, Math.max(1, at));
            }
        }
        return b;
    }

    private static byte[] noise(Random rnd, int max) {
        byte[] b = new byte[rnd.nextInt(max + 1)];
        rnd.nextBytes(b);
        return b;
    }

    static byte[] frame(int type, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).put((byte) type).putInt(payload.length).put(payload).array();
    }
}
