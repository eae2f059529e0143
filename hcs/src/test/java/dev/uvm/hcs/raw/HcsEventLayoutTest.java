package dev.uvm.hcs.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

class HcsEventLayoutTest {

    @Test
    void hcsEvent_on64BitHosts_matchesComputeDefsLayout() {
        assumeTrue(Native.POINTER_SIZE == 8, "HCS exists only on 64-bit hosts");
        HcsEvent event = new HcsEvent();

        assertEquals(24, event.size());
        assertEquals(0, event.offsetOf("Type"));
        assertEquals(8, event.offsetOf("EventData"));
        assertEquals(16, event.offsetOf("Operation"));
    }
}
