package dev.uvm.daemon;

import dev.uvm.agent.AgentFrame;
import dev.uvm.agent.ExecRequest;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.Wire;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A {@code run} request the guest agent can carry out: which VM, the agent's EXEC request, and
 * whether the process runs attached to the connection or detached as a background job.
 */
record RunRequest(String vm, ExecRequest exec, boolean detach) {
    /** Flags, rows, cols, argc and envc of the agent's EXEC payload (guest/PROTOCOL.md). */
    private static final int EXEC_FIXED_BYTES = 13;

    /**
     * The request of a (decoded, so valid) {@code run} message.
     *
     * @throws Wire.ProtocolException if its command line and environment do not fit one EXEC frame
     */
    static RunRequest of(ClientMessage.Run run) throws Wire.ProtocolException {
        long size = EXEC_FIXED_BYTES;
        for (List<String> list : List.of(run.argv(), run.env())) {
            for (String s : list) {
                size += s.getBytes(StandardCharsets.UTF_8).length + 1;
            }
        }
        if (size > AgentFrame.MAX_PAYLOAD) {
            throw new Wire.ProtocolException("run: the command line and environment take " + size
                    + " bytes; the limit is " + AgentFrame.MAX_PAYLOAD);
        }
        return new RunRequest(run.vm(), new ExecRequest(run.argv(), run.env(), run.tty(), run.rows(), run.cols()),
                run.detach());
    }
}
