package dev.uvm.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * One VM in {@code uvm list}: its state, sessions, memory and timers.
 *
 * @param state              lifecycle state label ({@code stopped}, {@code running}, {@code idle}, ...)
 * @param uptimeMillis       ms since the VM became ready, or -1 when it is not up
 * @param pid                the VMM process id, 0 where there is none
 * @param memoryBytes        guest memory assigned
 * @param hostResidentBytes  host memory the VM holds (VMM resident set, HCS working set), -1 if unknown
 * @param idleTimeoutMillis  the configured idle timeout (negative: never)
 * @param idleDeadlineMillis epoch ms when the idle timer fires, or -1 when none is armed
 * @param retryAtMillis      after repeated boot failures, epoch ms before which no boot is tried, or -1
 * @param nextKeepAliveMillis epoch ms when the next keepAlive window opens, or -1
 * @param nextPrewarmMillis  epoch ms of the next prewarm boot, or -1
 * @param pendingChanges     config changes that apply at the next boot, as {@code key: old -> new}
 * @param lastStopReason     why the VM last stopped, or {@code null}
 * @param lastError          the last boot or save error, or {@code null}
 * @param distributions      the distributions that live in this VM
 * @param forwardedPorts     guest TCP ports forwarded from the host's loopback now (localhost forwarding)
 * @param portsInUse         guest TCP ports that are not forwarded because the host's port is taken
 * @param declaredPorts      declared ports listened on now, as written ({@code 8080}, {@code 15432:5432})
 * @param declaredPortsUnavailable declared host ports another process holds, each with why
 * @param connections        forwarded connections open now (each holds the VM like a background session)
 * @param kernel             the guest kernel the running VM runs, release and origin; {@code null} when it is down
 */
public record VmInfo(String name, String state, int foregroundSessions, int backgroundSessions, long uptimeMillis,
                     long pid, long memoryBytes, long hostResidentBytes, long idleTimeoutMillis,
                     long idleDeadlineMillis, long retryAtMillis, boolean keepAliveActive, long nextKeepAliveMillis,
                     long nextPrewarmMillis, List<String> pendingChanges, String lastStopReason, String lastError,
                     List<DistroInfo> distributions, List<Integer> forwardedPorts, List<Integer> portsInUse,
                     List<String> declaredPorts, List<String> declaredPortsUnavailable, int connections,
                     String kernel)
        implements Json.Body {
    public VmInfo {
        pendingChanges = List.copyOf(pendingChanges);
        distributions = List.copyOf(distributions);
        forwardedPorts = List.copyOf(forwardedPorts);
        portsInUse = List.copyOf(portsInUse);
        declaredPorts = List.copyOf(declaredPorts);
        declaredPortsUnavailable = List.copyOf(declaredPortsUnavailable);
    }

    /** Without port forwarding. */
    public VmInfo(String name, String state, int foregroundSessions, int backgroundSessions, long uptimeMillis,
                  long pid, long memoryBytes, long hostResidentBytes, long idleTimeoutMillis, long idleDeadlineMillis,
                  long retryAtMillis, boolean keepAliveActive, long nextKeepAliveMillis, long nextPrewarmMillis,
                  List<String> pendingChanges, String lastStopReason, String lastError, List<DistroInfo> distributions) {
        this(name, state, foregroundSessions, backgroundSessions, uptimeMillis, pid, memoryBytes, hostResidentBytes,
                idleTimeoutMillis, idleDeadlineMillis, retryAtMillis, keepAliveActive, nextKeepAliveMillis,
                nextPrewarmMillis, pendingChanges, lastStopReason, lastError, distributions, List.of(), List.of(),
                List.of(), List.of(), 0, null);
    }

    @Override
    public void write(JsonGenerator g) throws IOException {
        Json.string(g, "name", name);
        Json.string(g, "state", state);
        g.writeNumberField("foregroundSessions", foregroundSessions);
        g.writeNumberField("backgroundSessions", backgroundSessions);
        g.writeNumberField("uptimeMillis", uptimeMillis);
        g.writeNumberField("pid", pid);
        g.writeNumberField("memoryBytes", memoryBytes);
        g.writeNumberField("hostResidentBytes", hostResidentBytes);
        g.writeNumberField("idleTimeoutMillis", idleTimeoutMillis);
        g.writeNumberField("idleDeadlineMillis", idleDeadlineMillis);
        g.writeNumberField("retryAtMillis", retryAtMillis);
        g.writeBooleanField("keepAliveActive", keepAliveActive);
        g.writeNumberField("nextKeepAliveMillis", nextKeepAliveMillis);
        g.writeNumberField("nextPrewarmMillis", nextPrewarmMillis);
        Json.strings(g, "pendingChanges", pendingChanges);
        Json.string(g, "lastStopReason", lastStopReason);
        Json.string(g, "lastError", lastError);
        Json.objects(g, "distributions", distributions);
        Json.strings(g, "forwardedPorts", forwardedPorts.stream().map(String::valueOf).toList());
        Json.strings(g, "portsInUse", portsInUse.stream().map(String::valueOf).toList());
        Json.strings(g, "declaredPorts", declaredPorts);
        Json.strings(g, "declaredPortsUnavailable", declaredPortsUnavailable);
        Json.string(g, "kernel", kernel);
        g.writeNumberField("connections", connections);
    }

    static VmInfo read(Fields f) throws Wire.ProtocolException {
        return new VmInfo(f.string("name"), f.string("state"), (int) f.number("foregroundSessions", 0),
                (int) f.number("backgroundSessions", 0), f.number("uptimeMillis", -1), f.number("pid", 0),
                f.number("memoryBytes", 0), f.number("hostResidentBytes", -1), f.number("idleTimeoutMillis", 0),
                f.number("idleDeadlineMillis", -1), f.number("retryAtMillis", -1), f.bool("keepAliveActive"),
                f.number("nextKeepAliveMillis", -1), f.number("nextPrewarmMillis", -1), f.strings("pendingChanges"),
                f.string("lastStopReason"), f.string("lastError"), distributions(f), ports(f, "forwardedPorts"),
                ports(f, "portsInUse"), f.strings("declaredPorts"), f.strings("declaredPortsUnavailable"),
                (int) f.number("connections", 0), f.string("kernel"));
    }

    private static List<Integer> ports(Fields f, String name) throws Wire.ProtocolException {
        List<Integer> out = new java.util.ArrayList<>();
        for (String p : f.strings(name)) {
            try {
                out.add(Integer.parseInt(p));
            } catch (NumberFormatException e) {
                throw new Wire.ProtocolException("\"" + name + "\" holds \"" + p + "\", not a port number");
            }
        }
        return out;
    }

    private static List<DistroInfo> distributions(Fields f) throws Wire.ProtocolException {
        List<DistroInfo> out = new java.util.ArrayList<>();
        for (Fields d : f.objects("distributions")) {
            out.add(DistroInfo.read(d));
        }
        return out;
    }
}
