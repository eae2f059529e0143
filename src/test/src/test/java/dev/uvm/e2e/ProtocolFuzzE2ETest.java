package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.client.DaemonConnection;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.Wire;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The daemon under random, truncated and malformed input on its socket: every bad connection is
 * answered with an error or closed, never with a malformed frame, never left hanging, and a
 * well-behaved session keeps being served during and after the storm.
 */
class ProtocolFuzzE2ETest {
    private static final Duration ANSWER = Duration.ofSeconds(30);
    private static final int CASES = 1200;
    private static final long SEED = 20240601L;
    private static UvmDaemon daemon;
    private static final Map<String, Integer> OUTCOMES = new ConcurrentHashMap<>();

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = new UvmDaemon("[vm]\nvmIdleTimeout = 120000\n").start();
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void randomAndTruncatedFrames_areRefusedOrClosed_whileAWellBehavedSessionIsServedThroughout() throws Exception {
        Process echo = daemon.client(List.of("run", "--", "sh", "-c", "while read l; do echo \"got $l\"; done"));
        Writer toEcho = new java.io.OutputStreamWriter(echo.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader fromEcho = new BufferedReader(
                new InputStreamReader(echo.getInputStream(), StandardCharsets.UTF_8));
        roundTrip(toEcho, fromEcho, "before");

        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            long seed = SEED + i;
            results.add(pool.submit(() -> fuzzCase(seed)));
        }
        int done = 0;
        for (Future<String> r : results) {
            String problem = r.get(5, TimeUnit.MINUTES);
            assertEquals("", problem);
            if (++done % 200 == 0) {
                roundTrip(toEcho, fromEcho, "during-" + done);
                try (DaemonConnection c = DaemonConnection.open(daemon.socket)) {
                    assertTrue(c.request(new ClientMessage.ListVms(), DaemonMessage.VmList.class).vms().size() == 1);
                }
            }
        }
        pool.shutdown();
        System.out.println("figure: fuzz outcomes (answers received -> connections): " + new TreeMap<>(OUTCOMES));
        int errors = OUTCOMES.keySet().stream().filter(k -> k.contains("error")).mapToInt(OUTCOMES::get).sum();
        assertTrue(errors > CASES / 2, "most inputs must reach the daemon's checks and get an error: " + OUTCOMES);
        assertTrue(OUTCOMES.keySet().stream().anyMatch(k -> k.contains("started")),
                "some sessions must start: " + OUTCOMES);

        roundTrip(toEcho, fromEcho, "after");
        toEcho.close();
        assertTrue(echo.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, echo.exitValue());
        assertEquals(new UvmDaemon.Result(0, "ok\n", ""), daemon.uvm("run", "--", "echo", "ok"));
        assertEquals(0, daemon.uvm("list").exit());
        await("every fuzz connection closed").atMost(ANSWER).until(() -> {
            try (DaemonConnection c = DaemonConnection.open(daemon.socket)) {
                return c.request(new ClientMessage.GetStatus(), DaemonMessage.Status.class).clients() == 1;
            }
        });
        assertTrue(daemon.process().isAlive());
        assertEquals(0, daemon.logCount("Exception in thread"), daemon.log());
    }

    @Test
    void malformedInputs_areAnsweredWithTheirError_thenClosed() throws Exception {
        for (Map.Entry<String, String> c : FuzzInputs.MALFORMED.entrySet()) {
            try (RawConnection conn = RawConnection.open(daemon.socket)) {
                conn.send(FuzzInputs.malformed(c.getKey()));
                RawConnection.Answer a = conn.readUntilClosed(ANSWER);
                assertTrue(a.closedByDaemon(), c.getKey() + ": " + a);
                assertTrue(a.error().contains(c.getValue()), c.getKey() + ": got \"" + a.error() + "\"");
            }
        }
    }

    @Test
    void silentAndHalfFrameConnections_areClosedByTheHandshakeTimeout() throws Exception {
        try (RawConnection silent = RawConnection.open(daemon.socket);
             RawConnection half = RawConnection.open(daemon.socket)) {
            half.hello().send(new byte[] {Wire.CONTROL, 0, 0});
            assertEquals(0, daemon.uvm("list").exit(), "served while two connections hang");
            RawConnection.Answer a = silent.readUntilClosed(ANSWER);
            assertTrue(a.closedByDaemon() && a.frames().isEmpty(), a.toString());
            RawConnection.Answer b = half.readUntilClosed(ANSWER);
            assertTrue(b.closedByDaemon(), b.toString());
            assertEquals(List.of("hello"), b.types());
        }
    }

    /** One connection of random or mutated input; returns "" when the daemon behaved, else what went wrong. */
    private static String fuzzCase(long seed) throws Exception {
        Random rnd = new Random(seed);
        byte[] input = FuzzInputs.generate(rnd);
        try (RawConnection c = RawConnection.open(daemon.socket)) {
            try {
                c.send(input).halfClose();
            } catch (java.io.IOException e) {
                // The daemon already refused the input and closed; its answer is still readable.
            }
            RawConnection.Answer a = c.readUntilClosed(ANSWER);
            OUTCOMES.merge(a.types().toString(), 1, Integer::sum);
            if (a.failure() != null || !a.closedByDaemon()) {
                return "seed " + seed + ": " + a.failure() + " after " + a.types();
            }
            for (String type : a.types()) {
                if (!FuzzInputs.ANSWERS.contains(type)) {
                    return "seed " + seed + ": unexpected answer " + type + " in " + a.types();
                }
            }
            return "";
        }
    }

    private static void roundTrip(Writer to, BufferedReader from, String line) throws Exception {
        to.write(line + "\n");
        to.flush();
        assertEquals("got " + line, CompletableFuture.supplyAsync(() -> {
            try {
                return from.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(2, TimeUnit.MINUTES));
    }
}
