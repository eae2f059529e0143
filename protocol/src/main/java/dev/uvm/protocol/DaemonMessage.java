package dev.uvm.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A control message from the daemon to the client (docs/protocol.md). Each record is one
 * {@code type}; the answers to {@code jobs}, {@code kill}, {@code list}, {@code status},
 * {@code shutdown} and {@code stop-daemon} all have the type {@code result}, so a client decodes
 * one with the {@link Result} record it expects.
 */
public sealed interface DaemonMessage {
    /** The {@code type} field. */
    String type();

    /** Writes the fields other than {@code type} (for the codec). */
    void write(JsonGenerator g) throws IOException;

    /** The control frame payload: a JSON object, {@code type} first. */
    default byte[] encode() {
        return Json.message(type(), this::write, false);
    }

    /**
     * The message of a control frame from the daemon.
     *
     * @param result the answer expected to the request sent, for a {@code result} message; {@code null}
     *               where none is (then a {@code result} is a protocol error)
     */
    static DaemonMessage decode(Wire.Frame frame, Class<? extends Result> result) throws Wire.ProtocolException {
        Fields f = Fields.ofMessage(frame.control());
        return switch (f.type()) {
            case "hello" -> new Hello((int) f.number("version", -1), f.string("daemon"));
            case "error" -> new Failure(f.string("message", "(no message)"),
                    (int) f.number("code", ExitStatus.UVM_ERROR), f.id("job"));
            case "started" -> new Started(f.string("vm"), f.id("job"), f.string("state"), f.string("distribution"),
                    f.string("notice"));
            case "exit" -> new Exit((int) f.number("code", ExitStatus.UVM_ERROR));
            case "end" -> new LogEnd(f.id("job"), f.string("state"), f.optionalInt("exitCode"));
            case "result" -> result(f, result);
            default -> throw new Wire.ProtocolException("unknown message type \"" + f.type() + "\" from the daemon");
        };
    }

    private static Result result(Fields f, Class<? extends Result> expected) throws Wire.ProtocolException {
        if (expected == JobList.class) {
            List<JobInfo> jobs = new ArrayList<>();
            for (Fields job : f.objects("jobs")) {
                jobs.add(JobInfo.read(job));
            }
            return new JobList(jobs);
        } else if (expected == JobSignalled.class) {
            return new JobSignalled(f.id("job"), (int) f.number("signal", 0), f.bool("pending"), f.string("message"));
        } else if (expected == VmList.class) {
            List<VmInfo> vms = new ArrayList<>();
            for (Fields vm : f.objects("vms")) {
                vms.add(VmInfo.read(vm));
            }
            return new VmList(vms);
        } else if (expected == Status.class) {
            return new Status(f.string("version"), f.number("pid", 0), f.string("socket"), f.string("config"),
                    f.string("stateDir"), f.string("backend"), f.string("acceleration"), f.string("metricsAddress"),
                    (int) f.number("clients", 0), f.string("configStatus"), f.string("guestKernel"));
        } else if (expected == Stopped.class) {
            return new Stopped(f.strings("stopped"));
        } else if (expected == DaemonStopping.class) {
            return new DaemonStopping(f.string("message"));
        } else if (expected == DistroDone.class) {
            return new DistroDone(f.string("name"), f.string("message"));
        }
        throw new Wire.ProtocolException("the daemon sent a result where none was expected");
    }

    /** The daemon's answer to {@link ClientMessage.Hello}. */
    record Hello(int version, String daemon) implements DaemonMessage {
        public static Hello current() {
            return new Hello(Wire.VERSION, Wire.RELEASE);
        }

        @Override
        public String type() {
            return "hello";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            g.writeNumberField("version", version);
            Json.string(g, "daemon", daemon);
        }
    }

    /**
     * A request failed ({@code type} {@code error}): {@code message} is for the user, {@code code}
     * the exit status the client ends with; {@code job} names the job a detached run created, if any.
     */
    record Failure(String message, int code, String job) implements DaemonMessage {
        public Failure(String message, int code) {
            this(message, code, null);
        }

        /** uvm itself failed: exit status {@link ExitStatus#UVM_ERROR}. */
        public static Failure ofUvm(String message) {
            return new Failure(message, ExitStatus.UVM_ERROR);
        }

        @Override
        public String type() {
            return "error";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "message", message);
            g.writeNumberField("code", code);
            if (job != null) {
                Json.string(g, "job", job);
            }
        }
    }

    /**
     * A run's process started in {@code vm}; for a detached run, as background job {@code job}, which
     * is in {@code state} (both {@code null} for an attached run); in {@code distribution}, or in the
     * utility environment ({@code null}); {@code notice} is for the user's stderr, at once, when the
     * boot this run waited for did not go as configured (uvm's own kernel not built yet), else {@code null}.
     */
    record Started(String vm, String job, String state, String distribution, String notice) implements DaemonMessage {
        public Started(String vm) {
            this(vm, null, null, null, null);
        }

        public Started(String vm, String job, String state) {
            this(vm, job, state, null, null);
        }

        @Override
        public String type() {
            return "started";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "vm", vm);
            if (job != null) {
                Json.string(g, "job", job);
                Json.string(g, "state", state);
            }
            if (distribution != null) {
                Json.string(g, "distribution", distribution);
            }
            if (notice != null) {
                Json.string(g, "notice", notice);
            }
        }
    }

    /** The run's process ended with {@code code} (128+N when killed by signal N); no output follows. */
    record Exit(int code) implements DaemonMessage {
        @Override
        public String type() {
            return "exit";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            g.writeNumberField("code", code);
        }
    }

    /** The end of a job's log ({@code type} {@code end}): the job's state, and its exit status once exited. */
    record LogEnd(String job, String state, Integer exitCode) implements DaemonMessage {
        @Override
        public String type() {
            return "end";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "job", job);
            Json.string(g, "state", state);
            if (exitCode != null) {
                g.writeNumberField("exitCode", exitCode);
            }
        }
    }

    /** An answer of {@code type} {@code result}; which record depends on the request. */
    sealed interface Result extends DaemonMessage {
        @Override
        default String type() {
            return "result";
        }

        /** The message as indented JSON, for {@code --json}. */
        default String prettyJson() {
            return new String(Json.message(type(), this::write, true), StandardCharsets.UTF_8);
        }
    }

    /** The answer to {@link ClientMessage.ListJobs}. */
    record JobList(List<JobInfo> jobs) implements Result {
        public JobList {
            jobs = List.copyOf(jobs);
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.objects(g, "jobs", jobs);
        }

        /** The jobs as an indented JSON array ({@code uvm jobs --json}). */
        @Override
        public String prettyJson() {
            return new String(Json.array(jobs), StandardCharsets.UTF_8);
        }
    }

    /**
     * The answer to {@link ClientMessage.KillJob}: what was done; {@code pending} when the job was
     * still starting and gets the signal once it runs.
     */
    record JobSignalled(String job, int signal, boolean pending, String message) implements Result {
        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "job", job);
            g.writeNumberField("signal", signal);
            g.writeBooleanField("pending", pending);
            Json.string(g, "message", message);
        }
    }

    /** The answer to {@link ClientMessage.ListVms}. */
    record VmList(List<VmInfo> vms) implements Result {
        public VmList {
            vms = List.copyOf(vms);
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.objects(g, "vms", vms);
        }

        /** The VMs as an indented JSON array ({@code uvm list --json}). */
        @Override
        public String prettyJson() {
            return new String(Json.array(vms), StandardCharsets.UTF_8);
        }
    }

    /**
     * The answer to {@link ClientMessage.GetStatus}.
     *
     * @param config         the config file in use, or {@code null} for built-in defaults
     * @param acceleration   the accelerator in use and why
     * @param metricsAddress where /metrics is served, or {@code off}
     * @param clients        connections open now, this one included
     * @param configStatus   {@code in force}, or why the last change of the file was rejected
     * @param guestKernel    the guest kernel VMs boot and where it came from ({@code kernel = uvm}), and Debian's
     */
    record Status(String version, long pid, String socket, String config, String stateDir, String backend,
                  String acceleration, String metricsAddress, int clients, String configStatus,
                  String guestKernel) implements Result {
        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "version", version);
            g.writeNumberField("pid", pid);
            Json.string(g, "socket", socket);
            Json.string(g, "config", config);
            Json.string(g, "stateDir", stateDir);
            Json.string(g, "backend", backend);
            Json.string(g, "acceleration", acceleration);
            Json.string(g, "metricsAddress", metricsAddress);
            g.writeNumberField("clients", clients);
            Json.string(g, "configStatus", configStatus);
            Json.string(g, "guestKernel", guestKernel);
        }
    }

    /** The answer to {@link ClientMessage.Shutdown}, once the VMs named have stopped. */
    record Stopped(List<String> stopped) implements Result {
        public Stopped {
            stopped = List.copyOf(stopped);
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.strings(g, "stopped", stopped);
        }
    }

    /** The answer to {@link ClientMessage.UnregisterDistro} and {@link ClientMessage.SetDefaultDistro}: what was done. */
    record DistroDone(String name, String message) implements Result {
        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "name", name);
            Json.string(g, "message", message);
        }
    }

    /** The answer to {@link ClientMessage.StopDaemon}: the daemon is stopping its VMs, then itself. */
    record DaemonStopping(String message) implements Result {
        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "message", message);
        }
    }
}
