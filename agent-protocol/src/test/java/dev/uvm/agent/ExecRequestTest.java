package dev.uvm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The EXEC payload's flag byte (guest/PROTOCOL.md): sessions are contained unless strays are kept. */
class ExecRequestTest {

    @Test
    void flags_sayPtyContextLogin_andKeepStraysOnlyForJobs() {
        ExecRequest session = new ExecRequest(List.of("sh"), List.of(), true, 24, 80);
        assertEquals(0x01, session.encode()[0], "a session: PTY, contained");
        assertEquals(0x09, session.withStraysKept().encode()[0], "a background job keeps what it starts");
        ExecRequest.Context ctx = new ExecRequest.Context("/data/distros/d", "d", "", "", List.of(), "");
        ExecRequest login = new ExecRequest(List.of("sh"), List.of(), false, 0, 0, ctx, true);
        assertEquals(0x06, login.encode()[0]);
        assertEquals(login.encode().length, login.encodedSize());
    }
}
