package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command run on the host for a test, with stdout and stderr together. */
record HostCommand(int exit, String out) {
    /** Runs {@code command} to its end; the test fails when it takes more than {@code minutes}. */
    static HostCommand run(int minutes, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(minutes, TimeUnit.MINUTES), String.join(" ", command) + " did not finish");
        return new HostCommand(p.exitValue(), out);
    }

    /** Runs {@code command}, which must exit 0, and returns its output. */
    static String ok(int minutes, String... command) throws IOException, InterruptedException {
        HostCommand r = run(minutes, List.of(command));
        assertEquals(0, r.exit, String.join(" ", command) + ":\n" + r.out);
        return r.out;
    }
}
