package dev.uvm.daemon;

import dev.uvm.protocol.Wire;
import com.fasterxml.jackson.databind.JsonNode;
import dev.uvm.agent.AgentFrame;
import dev.uvm.agent.ExecRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated {@code run} request (docs/protocol.md): which VM, what to execute, and whether the
 * process runs attached to the connection or detached as a background job.
 */
record RunRequest(String vm, ExecRequest exec, boolean detach) {
    /** Largest terminal dimension a client may ask for (the guest's winsize fields are u16). */
    static final int MAX_TERMINAL_CELLS = 0xFFFF;
    /** Flags, rows, cols, argc and envc of the agent's EXEC payload (guest/PROTOCOL.md). */
    private static final int EXEC_FIXED_BYTES = 13;

    static RunRequest parse(JsonNode req) throws Wire.ProtocolException {
        JsonNode vmNode = req.path("vm");
        if (!vmNode.isMissingNode() && !vmNode.isNull() && !vmNode.isTextual()) {
            throw new Wire.ProtocolException("run: \"vm\" must be a string");
        }
        String vm = vmNode.isTextual() ? vmNode.asText() : "default";
        List<String> argv = strings(req.path("argv"), "argv");
        if (argv.isEmpty()) {
            throw new Wire.ProtocolException("run needs a non-empty \"argv\" array of strings");
        }
        boolean detach = req.path("detach").asBoolean(false);
        boolean tty = req.path("tty").asBoolean(false);
        if (tty && detach) {
            throw new Wire.ProtocolException("run: a detached job cannot have a terminal (tty and detach)");
        }
        int rows = tty ? dimension(req, "rows", 24) : 0;
        int cols = tty ? dimension(req, "cols", 80) : 0;
        List<String> env = strings(req.path("env"), "env");
        for (String e : env) {
            if (e.indexOf('=') <= 0) {
                throw new Wire.ProtocolException("run: environment entry \"" + e + "\" is not KEY=VALUE");
            }
        }
        checkEncodedSize(argv, env);
        return new RunRequest(vm, new ExecRequest(argv, env, tty, rows, cols), detach);
    }

    /** The agent's EXEC frame holds 13 bytes of header, then every string NUL-terminated. */
    private static void checkEncodedSize(List<String> argv, List<String> env) throws Wire.ProtocolException {
        long size = EXEC_FIXED_BYTES;
        for (List<String> list : List.of(argv, env)) {
            for (String s : list) {
                if (s.indexOf('\0') >= 0) {
                    throw new Wire.ProtocolException("run: an argument or environment entry contains a NUL byte");
                }
                size += s.getBytes(StandardCharsets.UTF_8).length + 1;
            }
        }
        if (size > AgentFrame.MAX_PAYLOAD) {
            throw new Wire.ProtocolException("run: the command line and environment take " + size
                    + " bytes; the limit is " + AgentFrame.MAX_PAYLOAD);
        }
    }

    /** A terminal dimension: 1 to 65535 cells. */
    static int dimension(JsonNode msg, String field, int fallback) throws Wire.ProtocolException {
        JsonNode n = msg.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (!n.canConvertToInt() || n.asInt() < 1 || n.asInt() > MAX_TERMINAL_CELLS) {
            throw new Wire.ProtocolException("\"" + field + "\" must be a number from 1 to " + MAX_TERMINAL_CELLS
                    + ", got " + n);
        }
        return n.asInt();
    }

    private static List<String> strings(JsonNode array, String field) throws Wire.ProtocolException {
        List<String> out = new ArrayList<>();
        if (array.isMissingNode() || array.isNull()) {
            return out;
        }
        if (!array.isArray()) {
            throw new Wire.ProtocolException("run: \"" + field + "\" must be an array of strings");
        }
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                throw new Wire.ProtocolException("run: \"" + field + "\" must be an array of strings, found "
                        + n.getNodeType());
            }
            out.add(n.asText());
        }
        return out;
    }
}
