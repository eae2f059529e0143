package dev.uvm.hcs.raw;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * {@code HCS_EVENT}: {Type, 4 bytes of padding, EventData, Operation}, 24 bytes on 64-bit hosts.
 *
 * <p>{@code EventData} is UTF-16 JSON (see {@link HcsEventType} for which document comes with which
 * event) or NULL; read it with {@link Utf16String#read(Pointer)} before the callback returns.
 */
@Structure.FieldOrder({"Type", "EventData", "Operation"})
public final class HcsEvent extends Structure {

    public int Type;
    public Pointer EventData;
    public Pointer Operation;

    public HcsEvent() {
    }

    /** Reads the event that a callback received. */
    public HcsEvent(Pointer event) {
        super(event);
        read();
    }

    int offsetOf(String field) {
        return fieldOffset(field);
    }
}
