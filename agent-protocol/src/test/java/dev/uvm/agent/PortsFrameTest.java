package dev.uvm.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The PORTS frame's payload: big-endian u16 port numbers, as guest/PROTOCOL.md says. */
class PortsFrameTest {
    @Test
    void portsAreBigEndianPairs_uptoSixtyFiveThousand_andAnEmptyPayloadIsNoPort() {
        assertArrayEquals(new int[] {22, 8080, 65535},
                AgentConnection.parsePorts(new byte[] {0, 22, 0x1f, (byte) 0x90, (byte) 0xff, (byte) 0xff}));
        assertArrayEquals(new int[0], AgentConnection.parsePorts(new byte[0]));
    }
}
