package dev.uvm.hcs.raw;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import java.nio.charset.StandardCharsets;

/**
 * A {@code PCWSTR} argument: native memory holding UTF-16LE text and a two-byte NUL.
 *
 * <p>HCS strings are UTF-16 on every platform. JNA's {@code WString} follows {@code wchar_t}, which
 * is 4 bytes on Linux, so strings are marshalled by hand here, in both directions. Computecore
 * runs on little-endian hosts only (x64, ARM64), hence LE rather than native order.
 */
public final class Utf16String extends PointerType {

    /** Longest result document accepted from native code, in UTF-16 code units (64 MiB of text). */
    private static final long MAX_CHARS = 32L * 1024 * 1024;

    private final String value;

    /** Used by JNA only; an instance made this way holds no text. */
    public Utf16String() {
        this.value = null;
    }

    private Utf16String(String value) {
        super(encode(value));
        this.value = value;
    }

    /** Marshals {@code value}, or returns null (a NULL argument) when it is null. */
    public static Utf16String of(String value) {
        return value == null ? null : new Utf16String(value);
    }

    /** The Java text this argument was made from. */
    public String value() {
        return value;
    }

    private static Memory encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_16LE);
        Memory memory = new Memory(bytes.length + 2L);
        memory.write(0, bytes, 0, bytes.length);
        memory.setShort(bytes.length, (short) 0);
        return memory;
    }

    /**
     * Decodes a NUL-terminated UTF-16LE string that native code owns; null stays null.
     *
     * @throws IllegalStateException if no terminator appears within {@value #MAX_CHARS} units
     */
    public static String read(Pointer text) {
        if (text == null) {
            return null;
        }
        long units = 0;
        while (text.getShort(units * 2) != 0) {
            if (++units > MAX_CHARS) {
                throw new IllegalStateException("UTF-16 string without a terminator in the first " + MAX_CHARS + " units");
            }
        }
        byte[] bytes = text.getByteArray(0, Math.toIntExact(units * 2));
        return new String(bytes, StandardCharsets.UTF_16LE);
    }

    @Override
    public String toString() {
        return value == null ? "Utf16String(NULL)" : "Utf16String(" + value + ")";
    }
}
