package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client bin/uvm starts carries only itself: none of the daemon's libraries are on its class
 * path, it still finds the socket in a config whose VM sections need Quartz to check, and
 * {@code uvm config} (which does need Quartz) runs in the daemon's JVM. No VM is booted.
 */
class ClientClassPathTest {
    /** Jar name prefixes that belong to the daemon only. */
    private static final List<String> DAEMON_ONLY = List.of("quartz", "jna", "micrometer", "simpleclient",
            "HdrHistogram", "LatencyUtils", "jackson-databind", "slf4j", "uvm-core", "uvm-daemon", "uvm-qemu",
            "uvm-hcs", "uvm-metrics");

    private record Run(int exit, String stdout, String stderr) {
    }

    private static Run uvm(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(UvmDaemon.UVM.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // Only what the test gives decides where the socket and config are.
        pb.environment().remove("UVM_SOCKET");
        pb.environment().remove("UVM_CONFIG");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "uvm " + String.join(" ", args) + " did not finish");
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void clientClassPath_holdsNoneOfTheDaemonsLibraries(@TempDir Path dir) throws Exception {
        Run r = uvm(Map.of("JDK_JAVA_OPTIONS", "-XshowSettings:properties"), "--socket",
                dir.resolve("none.sock").toString(), "list");
        List<String> classPath = new ArrayList<>();
        boolean inClassPath = false;
        for (String line : r.stderr().lines().toList()) {
            if (line.strip().startsWith("java.class.path = ")) {
                inClassPath = true;
                classPath.add(line.strip().substring("java.class.path = ".length()));
            } else if (inClassPath && line.startsWith("        ")) {
                classPath.add(line.strip());
            } else {
                inClassPath = false;
            }
        }
        assertTrue(classPath.stream().anyMatch(e -> Path.of(e).getFileName().toString().startsWith("uvm-client")),
                "the client's class path was not found in: " + r.stderr());
        for (String entry : classPath) {
            String jar = Path.of(entry).getFileName().toString();
            assertTrue(DAEMON_ONLY.stream().noneMatch(jar::startsWith), jar + " is on the client's class path");
        }
        assertEquals(1, r.exit(), "no daemon runs there: " + r);
    }

    @Test
    void clientFindsTheSocketOfAConfigWithCronKeys_andConfigCheckRunsWithQuartz(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("elsewhere.sock");
        Path config = dir.resolve("uvm.conf");
        Files.writeString(config, "[daemon]\nsocket = " + socket + "\n[vm]\nprewarm = 0 45 8 ? * MON-FRI\n"
                + "keepAlive = * * 9-17 ? * MON-FRI\n");
        Run list = uvm(Map.of("UVM_CONFIG", config.toString()), "list");
        assertTrue(list.stderr().contains("no daemon is running on " + socket), list.toString());

        Run check = uvm(Map.of(), "config", "check", config.toString());
        assertEquals(0, check.exit(), check.toString());
        Files.writeString(config, "[vm]\nprewarm = 0 45 8 ? * FUNDAY\n");
        Run bad = uvm(Map.of(), "config", "check", config.toString());
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.stdout().contains("invalid cron expression"), bad.toString());
    }
}
