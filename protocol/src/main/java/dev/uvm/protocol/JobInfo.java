package dev.uvm.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * One background job in {@code uvm jobs}.
 *
 * @param id            the job's id, a small integer as text
 * @param state         {@code starting}, {@code running}, {@code exited}, {@code failed} or {@code lost}
 * @param exitCode      the process's exit status once {@code exited}, else {@code null}
 * @param endedMillis   epoch ms when the job ended, or -1
 * @param logBytes      output written so far
 * @param message       why a job failed or was lost, or {@code null}
 */
public record JobInfo(String id, String vm, List<String> argv, String state, Integer exitCode, long startedMillis,
                      long endedMillis, long logBytes, String message) implements Json.Body {
    public JobInfo {
        argv = List.copyOf(argv);
    }

    @Override
    public void write(JsonGenerator g) throws IOException {
        Json.string(g, "id", id);
        Json.string(g, "vm", vm);
        Json.strings(g, "argv", argv);
        Json.string(g, "state", state);
        g.writeFieldName("exitCode");
        if (exitCode == null) {
            g.writeNull();
        } else {
            g.writeNumber(exitCode);
        }
        g.writeNumberField("startedMillis", startedMillis);
        g.writeNumberField("endedMillis", endedMillis);
        g.writeNumberField("logBytes", logBytes);
        Json.string(g, "message", message);
    }

    static JobInfo read(Fields f) throws Wire.ProtocolException {
        return new JobInfo(f.id("id"), f.string("vm"), f.strings("argv"), f.string("state"), f.optionalInt("exitCode"),
                f.number("startedMillis", 0), f.number("endedMillis", -1), f.number("logBytes", 0),
                f.string("message"));
    }
}
