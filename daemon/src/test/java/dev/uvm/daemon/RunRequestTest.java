package dev.uvm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.agent.AgentFrame;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.Wire;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run message becomes the agent's EXEC request, if it fits one frame. */
class RunRequestTest {
    @Test
    void ttyRun_carriesItsSizeToTheAgent_andDetachIsKept() throws Wire.ProtocolException {
        RunRequest t = RunRequest.of(new ClientMessage.Run("big", List.of("sh"), List.of("TERM=xterm"), true, 50, 200,
                false));
        assertEquals("big", t.vm());
        assertTrue(t.exec().pty());
        assertEquals(50, t.exec().rows());
        assertEquals(200, t.exec().cols());
        assertEquals(List.of("TERM=xterm"), t.exec().env());
        assertTrue(RunRequest.of(new ClientMessage.Run("default", List.of("sleep", "9"), List.of(), false, 0, 0, true))
                .detach());
    }

    @Test
    void commandLineOverTheAgentsExecLimit_isRefused() {
        String big = "x".repeat(70_000);
        Wire.ProtocolException e = assertThrows(Wire.ProtocolException.class,
                () -> RunRequest.of(ClientMessage.Run.of("default", List.of("echo", big), List.of())));
        assertTrue(e.getMessage().contains("the limit is " + AgentFrame.MAX_PAYLOAD), e.getMessage());
    }

    @Test
    void commandLineThatJustFits_isAccepted() throws Wire.ProtocolException {
        // 13 bytes of header, "echo\0", then the argument and its NUL.
        String fits = "x".repeat(AgentFrame.MAX_PAYLOAD - 13 - 5 - 1);
        assertEquals(fits, RunRequest.of(ClientMessage.Run.of("default", List.of("echo", fits), List.of()))
                .exec().argv().get(1));
    }
}
