package dev.uvm.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * One distribution in {@code uvm list}.
 *
 * @param state      {@code running} while it has sessions, else {@code stopped}
 * @param isDefault  whether runs that name no distribution use this one
 * @param diskBytes  the space its files take on the data disk, as last measured, or -1 if never measured
 */
public record DistroInfo(String name, String vm, String state, boolean isDefault, long diskBytes)
        implements Json.Body {
    @Override
    public void write(JsonGenerator g) throws IOException {
        Json.string(g, "name", name);
        Json.string(g, "vm", vm);
        Json.string(g, "state", state);
        g.writeBooleanField("default", isDefault);
        g.writeNumberField("diskBytes", diskBytes);
    }

    static DistroInfo read(Fields f) throws Wire.ProtocolException {
        return new DistroInfo(f.string("name"), f.string("vm"), f.string("state"), f.bool("default"),
                f.number("diskBytes", -1));
    }
}
