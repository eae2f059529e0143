package dev.uvm.hcs.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HResultTest {

    @Test
    void name_knownHcsCode_isSymbolic() {
        assertEquals("HCS_E_SYSTEM_ALREADY_STOPPED", HResult.name(0x80370110));
        assertEquals("E_INVALIDARG", HResult.name(0x80070057));
    }

    @Test
    void name_v1FormInResultDocument_isNormalized() {
        assertEquals(-1070137075, 0xC037010D);
        assertEquals(HResult.HCS_E_INVALID_JSON, HResult.normalize(-1070137075));
        assertEquals("HCS_E_INVALID_JSON", HResult.name(-1070137075));
    }

    @Test
    void describe_unknownCode_isHex() {
        assertEquals("0x80001234", HResult.describe(0x80001234));
        assertNull(HResult.name(0x80001234));
        assertEquals("HCS_E_OPERATION_TIMEOUT (0x80370118)", HResult.describe(HResult.HCS_E_OPERATION_TIMEOUT));
    }

    @Test
    void failed_isSignBit() {
        assertTrue(HResult.failed(HResult.E_FAIL));
        assertFalse(HResult.failed(HResult.S_OK));
        assertFalse(HResult.failed(1)); // S_FALSE
    }

    @Test
    void eventTypes_withTopBitSet_areNamedByHex() {
        assertEquals("HcsEventSystemExited", HcsEventType.name(HcsEventType.SYSTEM_EXITED));
        assertEquals("0x80000002", HcsEventType.name(0x80000002));
    }
}
