package dev.uvm.agent;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What to run in the guest: argv, extra environment and whether to allocate a PTY.
 */
public record ExecRequest(List<String> argv, List<String> env, boolean pty, int rows, int cols) {

    public ExecRequest {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least argv[0]");
        }
        argv = List.copyOf(argv);
        env = List.copyOf(env);
    }

    public static ExecRequest of(List<String> argv) {
        return new ExecRequest(argv, List.of(), false, 0, 0);
    }

    /** The EXEC payload as specified in guest/PROTOCOL.md. */
    byte[] encode() {
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        for (String s : argv) {
            putString(strings, s);
        }
        for (String s : env) {
            putString(strings, s);
        }
        byte[] tail = strings.toByteArray();
        ByteBuffer buf = ByteBuffer.allocate(13 + tail.length);
        buf.put((byte) (pty ? 1 : 0)).putShort((short) rows).putShort((short) cols)
                .putInt(argv.size()).putInt(env.size()).put(tail);
        if (buf.capacity() > AgentFrame.MAX_PAYLOAD) {
            throw new IllegalArgumentException("command line and environment exceed "
                    + AgentFrame.MAX_PAYLOAD + " bytes");
        }
        return buf.array();
    }

    private static void putString(ByteArrayOutputStream out, String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("argument contains a NUL byte: " + s.replace('\0', '?'));
        }
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
