package dev.uvm.bench;

import dev.uvm.client.DaemonConnection;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Daemon-side latency of one session: connect, hello, {@code run} a command, read until its
 * {@code exit}, in a JVM that stays up (so no client start-up is counted). Sessions run one after
 * another on a running VM, in its utility environment ({@code system}), whatever distributions
 * are installed.
 *
 * <pre>SessionLoad SOCKET SESSIONS WARMUP [VM] [CMD...]</pre>
 *
 * Prints one line per phase, {@code name n p50_ms p90_ms p99_ms max_ms}: {@code total} (connect
 * to exit), {@code connect} (connect and hello), {@code started} (run request to "started") and
 * {@code exec} ("started" to exit). Stops early, with a message, after 120 s or the first failed
 * session.
 */
public final class SessionLoad {
    private static final long TIME_LIMIT_NANOS = 120_000_000_000L;

    private SessionLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SessionLoad SOCKET SESSIONS WARMUP [VM] [CMD...]");
            System.exit(2);
        }
        Path socket = Path.of(args[0]);
        int sessions = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        String vm = args.length > 3 ? args[3] : "default";
        String[] cmd = args.length > 4 ? Arrays.copyOfRange(args, 4, args.length) : new String[] {"true"};
        long[] total = new long[sessions];
        long[] connect = new long[sessions];
        long[] started = new long[sessions];
        long[] exec = new long[sessions];
        long begin = System.nanoTime();
        int done = 0;
        for (int i = -warmup; i < sessions; i++) {
            if (System.nanoTime() - begin > TIME_LIMIT_NANOS) {
                System.err.println("SessionLoad: time limit reached after " + done + " sessions");
                break;
            }
            long[] t = once(socket, vm, cmd);
            if (i >= 0) {
                total[i] = t[3] - t[0];
                connect[i] = t[1] - t[0];
                started[i] = t[2] - t[1];
                exec[i] = t[3] - t[2];
                done++;
            }
        }
        print("total", total, done);
        print("connect", connect, done);
        print("started", started, done);
        print("exec", exec, done);
    }

    /** One session; returns nano times: before connect, after hello, at "started", at "exit". */
    private static long[] once(Path socket, String vm, String[] cmd) throws IOException {
        long[] t = new long[4];
        t[0] = System.nanoTime();
        try (DaemonConnection conn = DaemonConnection.open(socket)) {
            t[1] = System.nanoTime();
            // system: the VM's utility environment, as before distributions existed
            conn.send(new ClientMessage.Run(vm, List.of(cmd), List.of(), false, 0, 0, false, null, null, null, false,
                    true));
            while (true) {
                DaemonMessage msg = conn.receive(null);
                if (msg instanceof DaemonMessage.Started) {
                    t[2] = System.nanoTime();
                } else if (msg instanceof DaemonMessage.Exit x) {
                    t[3] = System.nanoTime();
                    if (x.code() != 0) {
                        throw new IOException("command exited with " + x.code());
                    }
                    return t;
                } else if (msg instanceof DaemonMessage.Failure f) {
                    throw new IOException("daemon: " + f.message());
                }
            }
        }
    }

    private static void print(String name, long[] nanos, int n) {
        if (n == 0) {
            System.out.println(name + " 0 - - - -");
            return;
        }
        long[] s = Arrays.copyOf(nanos, n);
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%s %d %.2f %.2f %.2f %.2f%n", name, n, ms(rank(s, 50)), ms(rank(s, 90)),
                ms(rank(s, 99)), ms(s[n - 1]));
    }

    /** Nearest-rank percentile of sorted values. */
    static long rank(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
