package dev.uvm.hcs.raw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf16StringTest {

    @Test
    void of_ascii_isUtf16LeWithTwoByteTerminator() {
        Utf16String text = Utf16String.of("Hi");

        byte[] bytes = text.getPointer().getByteArray(0, 6);

        assertArrayEquals(new byte[] {'H', 0, 'i', 0, 0, 0}, bytes);
    }

    @Test
    void of_supplementaryCharacter_isASurrogatePair() {
        Utf16String text = Utf16String.of("\uD83D\uDE00"); // U+1F600

        assertEquals((short) 0xD83D, text.getPointer().getShort(0));
        assertEquals((short) 0xDE00, text.getPointer().getShort(2));
        assertEquals((short) 0, text.getPointer().getShort(4));
    }

    @Test
    void of_null_isNullArgument() {
        assertNull(Utf16String.of(null));
        assertNull(Utf16String.read(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "uvm-1", "C:\\VMs\\Łódź\\vmlinuz", "日本語のパス", "emoji \uD83D\uDE00 end", "quote \" and \\"})
    void read_ofEncoded_roundTrips(String value) {
        assertEquals(value, Utf16String.read(Utf16String.of(value).getPointer()));
    }

    @Test
    void read_stopsAtFirstNulUnit_notAtZeroByte() {
        // 'Ā' (U+0100) is the bytes 00 01: a zero byte that is not a terminator.
        Memory memory = new Memory(8);
        memory.setShort(0, (short) 0x0100);
        memory.setShort(2, (short) 'x');
        memory.setShort(4, (short) 0);
        memory.setShort(6, (short) 'y');

        assertEquals("Āx", Utf16String.read(memory));
    }

    @Test
    void of_size_isTwoBytesPerUnit_evenWhereWcharIsFourBytes() {
        // On Linux Native.WCHAR_SIZE is 4, so WString would marshal UTF-32; HCS wants UTF-16 everywhere.
        Memory memory = (Memory) Utf16String.of("abc").getPointer();

        assertEquals(2 * (3 + 1), memory.size());
    }
}
