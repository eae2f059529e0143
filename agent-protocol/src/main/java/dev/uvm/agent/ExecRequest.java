package dev.uvm.agent;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What to run in the guest: argv, extra environment, whether to allocate a PTY, and where: in the
 * utility environment ({@code context} {@code null}) or in a distribution ({@link Context}).
 *
 * @param login      run the user's login shell from the distribution's {@code /etc/passwd} instead of
 *                   {@code argv} (only with a context)
 * @param keepStrays leave what the process starts running after it exits (background jobs); by default
 *                   the agent runs it in a cgroup of its own with a pids limit and kills what is left
 *                   in it when the process exits
 */
public record ExecRequest(List<String> argv, List<String> env, boolean pty, int rows, int cols, Context context,
                          boolean login, boolean keepStrays) {
    /** Flag bits of the EXEC payload (guest/PROTOCOL.md). */
    private static final int PTY = 1;
    private static final int CONTEXT = 2;
    private static final int LOGIN = 4;
    private static final int KEEP_STRAYS = 8;
    /** Flags, rows, cols, argc and envc. */
    static final int FIXED_BYTES = 13;

    public ExecRequest {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least argv[0]");
        }
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        if (login && context == null) {
            throw new IllegalArgumentException("a login shell needs a distribution");
        }
    }

    /** A session's command: what it leaves running is ended with it. */
    public ExecRequest(List<String> argv, List<String> env, boolean pty, int rows, int cols, Context context,
                       boolean login) {
        this(argv, env, pty, rows, cols, context, login, false);
    }

    /** The same command, leaving what it starts running after it exits (a background job). */
    public ExecRequest withStraysKept() {
        return new ExecRequest(argv, env, pty, rows, cols, context, login, true);
    }

    /** A command in the utility environment. */
    public ExecRequest(List<String> argv, List<String> env, boolean pty, int rows, int cols) {
        this(argv, env, pty, rows, cols, null, false);
    }

    public static ExecRequest of(List<String> argv) {
        return new ExecRequest(argv, List.of(), false, 0, 0);
    }

    /**
     * Where a process runs in a distribution. The agent creates the distribution's namespaces on
     * the first EXEC that names its root, and uses {@code hostname}, {@code binds} and {@code boot}
     * only then.
     *
     * @param root     the distribution's root in the guest, such as {@code /data/distros/debian}
     * @param hostname the distribution's host name
     * @param user     user name, or empty for root
     * @param cwd      working directory, or empty for the user's home
     * @param binds    utility-environment paths bind-mounted into the distribution, {@code SRC=DST} each
     * @param boot     a command run once as root when the namespaces are created, or empty
     */
    public record Context(String root, String hostname, String user, String cwd, List<String> binds, String boot) {
        public Context {
            binds = List.copyOf(binds);
        }

        List<String> strings() {
            return List.of(root, hostname, user, cwd, String.join("\n", binds), boot);
        }
    }

    /** The bytes the EXEC payload takes: the agent's frame limit applies to it. */
    public int encodedSize() {
        int size = FIXED_BYTES;
        for (String s : strings()) {
            size += s.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return size;
    }

    private List<String> strings() {
        List<String> all = new java.util.ArrayList<>(argv);
        all.addAll(env);
        if (context != null) {
            all.addAll(context.strings());
        }
        return all;
    }

    /** The EXEC payload as specified in guest/PROTOCOL.md. */
    byte[] encode() {
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        for (String s : strings()) {
            putString(strings, s);
        }
        byte[] tail = strings.toByteArray();
        ByteBuffer buf = ByteBuffer.allocate(FIXED_BYTES + tail.length);
        int flags = (pty ? PTY : 0) | (context != null ? CONTEXT : 0) | (login ? LOGIN : 0)
                | (keepStrays ? KEEP_STRAYS : 0);
        buf.put((byte) flags).putShort((short) rows).putShort((short) cols)
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
