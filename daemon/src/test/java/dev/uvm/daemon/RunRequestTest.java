package dev.uvm.daemon;

import dev.uvm.protocol.Wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation of run requests: what the daemon accepts, and the error for everything else. */
class RunRequestTest {
    private static final String RUN = "{\"type\":\"run\",";

    @Test
    void minimalRequest_getsDefaults() throws IOException {
        RunRequest r = RunRequest.parse(json("{\"type\":\"run\",\"argv\":[\"uname\",\"-a\"]}"));
        assertEquals("default", r.vm());
        assertEquals(List.of("uname", "-a"), r.exec().argv());
        assertEquals(List.of(), r.exec().env());
        assertFalse(r.exec().pty());
        assertFalse(r.detach());
    }

    @Test
    void ttyRequest_carriesItsSize_andDetachIsKept() throws IOException {
        RunRequest t = RunRequest.parse(json("{\"type\":\"run\",\"argv\":[\"sh\"],\"tty\":true,"
                + "\"rows\":50,\"cols\":200,"
                + "\"env\":[\"TERM=xterm\"],\"vm\":\"big\"}"));
        assertTrue(t.exec().pty());
        assertEquals(50, t.exec().rows());
        assertEquals(200, t.exec().cols());
        assertEquals("big", t.vm());
        assertTrue(RunRequest.parse(json("{\"type\":\"run\",\"argv\":[\"sleep\",\"9\"],\"detach\":true}")).detach());
    }

    @Test
    void invalidRequests_areProtocolErrors_thatSayWhy() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("{\"type\":\"run\"}", "non-empty \"argv\""),
                Map.entry(RUN + "\"argv\":[]}", "non-empty \"argv\""),
                Map.entry(RUN + "\"argv\":\"ls\"}", "\"argv\" must be an array of strings"),
                Map.entry(RUN + "\"argv\":[\"ls\",null]}", "must be an array of strings, found NULL"),
                Map.entry(RUN + "\"argv\":[\"ls\"],\"vm\":7}", "\"vm\" must be a string"),
                Map.entry(RUN + "\"argv\":[\"ls\"],\"env\":[\"=x\"]}", "is not KEY=VALUE"),
                Map.entry(RUN + "\"argv\":[\"l\\u0000s\"]}", "NUL byte"),
                Map.entry(RUN + "\"argv\":[\"sh\"],\"tty\":true,\"rows\":0}", "\"rows\" must be a number from 1"),
                Map.entry(RUN + "\"argv\":[\"sh\"],\"tty\":true,\"cols\":65536}", "\"cols\" must be a number"),
                Map.entry(RUN + "\"argv\":[\"sh\"],\"tty\":true,\"cols\":\"wide\"}", "\"cols\" must be a number"),
                Map.entry(RUN + "\"argv\":[\"sh\"],\"tty\":true,\"detach\":true}", "cannot have a terminal"));
        cases.forEach((request, message) -> {
            Wire.ProtocolException e = assertThrows(Wire.ProtocolException.class, () -> RunRequest.parse(json(request)),
                    request);
            assertTrue(e.getMessage().contains(message), request + " -> " + e.getMessage());
        });
    }

    @Test
    void commandLineOverTheAgentsExecLimit_isRefused() throws IOException {
        String big = "x".repeat(70_000);
        Wire.ProtocolException e = assertThrows(Wire.ProtocolException.class,
                () -> RunRequest.parse(json("{\"type\":\"run\",\"argv\":[\"echo\",\"" + big + "\"]}")));
        assertTrue(e.getMessage().contains("the limit is 65536"), e.getMessage());
    }

    @Test
    void signalNumbers_outsideOneTo64_areRefused() throws IOException {
        assertEquals(15, RunSession.signal(json("{\"type\":\"signal\",\"signal\":15}")));
        for (String bad : new String[] {"0", "65", "-9", "\"TERM\"", "null"}) {
            assertThrows(Wire.ProtocolException.class, () -> RunSession.signal(json("{\"type\":\"signal\",\"signal\":"
                    + bad + "}")), bad);
        }
    }

    private static JsonNode json(String text) throws IOException {
        return Wire.mapper().readTree(text);
    }
}
