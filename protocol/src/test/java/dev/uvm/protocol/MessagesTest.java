package dev.uvm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every control message of both ends survives its own encoding, the JSON of docs/protocol.md
 * decodes to what it documents, and what a daemon must refuse is refused with a reason.
 */
class MessagesTest {
    /** One of each client message, with fields that differ from their defaults. */
    static final List<ClientMessage> CLIENT = List.of(
            ClientMessage.Hello.current(),
            new ClientMessage.Run("big", List.of("sh", "-c", "echo \"\u00e9\" \\ $HOME"), List.of("A=1", "B=x=y"),
                    true, 50, 200, false),
            new ClientMessage.Run("default", List.of("sleep", "9"), List.of(), false, 0, 0, true),
            new ClientMessage.Signal(2),
            new ClientMessage.Resize(40, 120),
            new ClientMessage.ListJobs(),
            new ClientMessage.ReadLog("3", true),
            new ClientMessage.KillJob("3", 9),
            new ClientMessage.ListVms(),
            new ClientMessage.GetStatus(),
            new ClientMessage.Shutdown("default", true),
            new ClientMessage.Shutdown(null, false),
            new ClientMessage.StopDaemon(true),
            new ClientMessage.Run(null, List.of("sh", "-l"), List.of(), true, 24, 80, false, "debian", "alice",
                    "/srv", true, false),
            new ClientMessage.Run("big", List.of("dmesg"), List.of(), false, 0, 0, false, null, null, null, false, true),
            new ClientMessage.ImportDistro("alpine-3.20", "big"),
            new ClientMessage.InstallDistro("debian", null, "debian", "bookworm", "alice"),
            new ClientMessage.ExportDistro("debian"),
            new ClientMessage.UnregisterDistro("debian"),
            new ClientMessage.SetDefaultDistro("debian"));

    /** One of each daemon message, with fields that differ from their defaults. */
    static final List<DaemonMessage> DAEMON = List.of(
            DaemonMessage.Hello.current(),
            new DaemonMessage.Failure("no VM named 'x' is configured", ExitStatus.BAD_REQUEST),
            new DaemonMessage.Failure("job 3 failed: boot", ExitStatus.UVM_ERROR, "3"),
            new DaemonMessage.Started("default"),
            new DaemonMessage.Started("default", "3", "running"),
            new DaemonMessage.Started("default", null, null, "debian", null),
            new DaemonMessage.Started("default", null, null, null, "uvm's own kernel is still being built; this boot uses Debian's kernel"),
            new DaemonMessage.DistroDone("debian", "unregistered debian; its files are deleted"),
            new DaemonMessage.Exit(130),
            new DaemonMessage.LogEnd("3", "exited", 0),
            new DaemonMessage.LogEnd("4", "lost", null),
            new DaemonMessage.JobList(List.of(
                    new JobInfo("1", "default", List.of("sleep", "60"), "exited", 0, 1767225600000L, 1767225660000L,
                            12, null),
                    new JobInfo("2", "big", List.of("make"), "lost", null, 1767225600000L, -1, 0,
                            "VM big stopped: crash"))),
            new DaemonMessage.JobSignalled("2", 15, true, "job 2 is starting; signal 15 will be sent when it runs"),
            new DaemonMessage.VmList(List.of(
                    new VmInfo("default", "idle", 0, 1, 5_000, 4242, 512L << 20, 250L << 20, 60_000,
                            1767225660000L, -1, true, -1, 1767229200000L, List.of("memory: 512MB -> 1GB"), "idle",
                            null, List.of(new DistroInfo("debian", "default", "running", true, 612L << 20),
                                    new DistroInfo("alpine", "default", "stopped", false, -1)), List.of(8000),
                            List.of(3000), List.of("8080", "15432:5432"),
                            List.of("9000: the host's 127.0.0.1:9000 is in use"), 2, "6.1.192-uvm (uvm's own kernel)"),
                    new VmInfo("big", "failed", 0, 0, -1, 0, 2L << 30, -1, -1, -1, 1767225700000L, false, -1, -1,
                            List.of(), "boot_failure", "VM big failed to boot: kernel panic", List.of()))),
            new DaemonMessage.Status("0.1.0", 12345678901L, "/run/uvm/uvm.sock", null, "/var/lib/uvm", "qemu",
                    "tcg (set by UVM_ACCEL=tcg)", "127.0.0.1:9477", 1, "in force",
                    "uvm's own kernel 6.1.192-uvm (built by guest/kernel/build.sh from Debian's linux-source-6.1"
                            + " 6.1.192-3), the default"),
            new DaemonMessage.Stopped(List.of("default", "big")),
            new DaemonMessage.DaemonStopping("daemon stopping"));

    @Test
    void everyClientMessage_roundTrips() throws Exception {
        for (ClientMessage m : CLIENT) {
            assertEquals(m, ClientMessage.decode(frame(m.encode())), new String(m.encode(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyDaemonMessage_roundTrips() throws Exception {
        for (DaemonMessage m : DAEMON) {
            Class<? extends DaemonMessage.Result> expected = m instanceof DaemonMessage.Result r ? r.getClass() : null;
            assertEquals(m, DaemonMessage.decode(frame(m.encode()), expected),
                    new String(m.encode(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theSamples_coverEveryMessageType() {
        assertEquals(leaves(ClientMessage.class), CLIENT.stream().map(Object::getClass).collect(Collectors.toSet()));
        assertEquals(leaves(DaemonMessage.class), DAEMON.stream().map(Object::getClass).collect(Collectors.toSet()));
    }

    @Test
    void theDocumentedJson_decodesToWhatItSays() throws Exception {
        assertEquals(new ClientMessage.Hello(1, "0.1.0"),
                ClientMessage.decode(frame("{\"type\":\"hello\",\"version\":1,\"client\":\"0.1.0\"}")));
        assertEquals(new DaemonMessage.Failure("permission denied", 125),
                DaemonMessage.decode(frame("{\"type\":\"error\",\"code\":125,\"message\":\"permission denied\"}"), null));
        assertEquals(new DaemonMessage.Started("default", "3", "running"),
                DaemonMessage.decode(frame("{\"type\":\"started\",\"vm\":\"default\",\"job\":\"3\",\"state\":\"running\"}"),
                        null));
        assertEquals(new DaemonMessage.JobList(List.of(new JobInfo("3", "default", List.of("sleep", "60"), "exited", 0,
                        1767225600000L, 1767225660000L, 0, null))),
                DaemonMessage.decode(frame("{\"type\":\"result\",\"jobs\":[{\"id\":\"3\",\"vm\":\"default\","
                        + "\"argv\":[\"sleep\",\"60\"],\"state\":\"exited\",\"exitCode\":0,\"startedMillis\":1767225600000,"
                        + "\"endedMillis\":1767225660000,\"logBytes\":0,\"message\":null}]}"), DaemonMessage.JobList.class));
        // Defaults of an attached run, numbers as job ids, unknown fields ignored.
        assertEquals(ClientMessage.Run.of(null, List.of("uname", "-a"), List.of()),
                ClientMessage.decode(frame("{\"type\":\"run\",\"argv\":[\"uname\",\"-a\"],\"future\":{\"x\":1}}")));
        assertEquals(new ClientMessage.KillJob("7", 15), ClientMessage.decode(frame("{\"type\":\"kill\",\"job\":7}")));
        assertEquals(new ClientMessage.Run(null, List.of("sh"), List.of(), true, 24, 80, false),
                ClientMessage.decode(frame("{\"type\":\"run\",\"argv\":[\"sh\"],\"tty\":true}")));
    }

    @Test
    void invalidRequests_areProtocolErrors_thatSayWhy() {
        String run = "{\"type\":\"run\",";
        Map<String, String> cases = Map.ofEntries(
                Map.entry("{\"type\":\"run\"}", "non-empty \"argv\""),
                Map.entry(run + "\"argv\":[]}", "non-empty \"argv\""),
                Map.entry(run + "\"argv\":\"ls\"}", "\"argv\" must be an array of strings"),
                Map.entry(run + "\"argv\":[\"ls\",null]}", "must be an array of strings, found NULL"),
                Map.entry(run + "\"argv\":[\"ls\"],\"vm\":7}", "\"vm\" must be a string"),
                Map.entry(run + "\"argv\":[\"ls\"],\"env\":[\"=x\"]}", "is not KEY=VALUE"),
                Map.entry(run + "\"argv\":[\"l\\u0000s\"]}", "NUL byte"),
                Map.entry(run + "\"argv\":[\"ls\"],\"detach\":\"yes\"}", "\"detach\" must be true or false"),
                Map.entry(run + "\"argv\":[\"sh\"],\"tty\":true,\"rows\":0}", "\"rows\" must be a number from 1"),
                Map.entry(run + "\"argv\":[\"sh\"],\"tty\":true,\"cols\":65536}", "\"cols\" must be a number"),
                Map.entry(run + "\"argv\":[\"sh\"],\"tty\":true,\"cols\":\"wide\"}", "\"cols\" must be a number"),
                Map.entry(run + "\"argv\":[\"sh\"],\"tty\":true,\"detach\":true}", "cannot have a terminal"),
                Map.entry("{\"type\":\"resize\",\"rows\":70000}", "\"rows\" must be a number from 1 to 65535"),
                Map.entry("{\"type\":\"kill\",\"job\":\"1\",\"signal\":99}", "\"signal\" must be a signal number"),
                Map.entry("{\"type\":\"logs\"}", "logs needs a \"job\" id"),
                Map.entry("{\"type\":\"import\",\"name\":\"a/b\"}", "not a valid distribution name"),
                Map.entry("{\"type\":\"import\",\"name\":\"..\"}", "must not start with a dot"),
                Map.entry("{\"type\":\"export\",\"name\":\"" + "x".repeat(65) + "\"}", "1 to 64"),
                Map.entry("{\"type\":\"unregister\"}", "unregister needs a distribution \"name\""),
                Map.entry(run + "\"argv\":[\"sh\"],\"login\":true,\"detach\":true}", "login shell cannot"),
                Map.entry(run + "\"argv\":[\"sh\"],\"distribution\":\"x y\"}", "not a valid distribution name"),
                Map.entry(run + "\"argv\":[\"sh\"],\"system\":true,\"distribution\":\"debian\"}", "leave out --system"),
                Map.entry(run + "\"argv\":[\"id\"],\"system\":true,\"user\":\"alice\"}", "has no distribution, user"),
                Map.entry("{\"type\":\"reboot\"}", "unknown request type \"reboot\""),
                Map.entry("[1,2,3]", "not a JSON object with a \"type\" field"),
                Map.entry("{\"type\":", "not valid JSON"));
        cases.forEach((json, message) -> {
            Wire.ProtocolException e = assertThrows(Wire.ProtocolException.class,
                    () -> ClientMessage.decode(frame(json)), json);
            assertTrue(e.getMessage().contains(message), json + " -> " + e.getMessage());
        });
    }

    @Test
    void signalNumbers_outsideOneTo64_areRefused() throws Exception {
        assertEquals(new ClientMessage.Signal(15), ClientMessage.decode(frame("{\"type\":\"signal\",\"signal\":15}")));
        for (String bad : new String[] {"0", "65", "-9", "\"TERM\"", "null", "2.5"}) {
            assertThrows(Wire.ProtocolException.class,
                    () -> ClientMessage.decode(frame("{\"type\":\"signal\",\"signal\":" + bad + "}")), bad);
        }
    }

    @Test
    void aResult_isDecodedOnlyWhereOneIsExpected() {
        byte[] list = new DaemonMessage.VmList(List.of()).encode();
        assertThrows(Wire.ProtocolException.class, () -> DaemonMessage.decode(frame(list), null));
    }

    @Test
    void listAndJobs_printAsIndentedArrays() {
        DaemonMessage.VmList list = (DaemonMessage.VmList) DAEMON.stream().filter(m -> m instanceof DaemonMessage.VmList)
                .findFirst().orElseThrow();
        String json = list.prettyJson();
        assertTrue(json.startsWith("[ {"), json);
        assertTrue(json.contains("\"name\" : \"default\""), json);
        assertTrue(json.contains("\"lastError\" : null"), json);
    }

    private static Wire.Frame frame(String json) {
        return frame(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Wire.Frame frame(byte[] payload) {
        return new Wire.Frame(Wire.CONTROL, payload);
    }

    /** The records a sealed interface permits, through nested sealed interfaces. */
    private static Set<Class<?>> leaves(Class<?> sealed) {
        Set<Class<?>> out = new HashSet<>();
        for (Class<?> c : sealed.getPermittedSubclasses()) {
            if (c.isSealed()) {
                out.addAll(leaves(c));
            } else {
                out.add(c);
            }
        }
        return out;
    }
}
