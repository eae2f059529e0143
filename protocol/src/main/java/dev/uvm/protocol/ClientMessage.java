package dev.uvm.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * A control message from the client to the daemon (docs/protocol.md): the {@code hello}, one
 * request per connection, and during a run {@code signal} and {@code resize}. Each record is one
 * {@code type}; its fields are the JSON fields of that name. Decoding checks what the protocol
 * promises about every field (types, ranges), so the daemon works with valid values only.
 */
public sealed interface ClientMessage {
    /** The {@code type} field. */
    String type();

    /** Writes the fields other than {@code type} (for the codec). */
    void write(JsonGenerator g) throws IOException;

    /** The control frame payload: a JSON object, {@code type} first. */
    default byte[] encode() {
        return Json.message(type(), this::write, false);
    }

    /**
     * The message of a control frame from a client.
     *
     * @throws Wire.ProtocolException if it is not a control frame, not a JSON object with a
     *                                {@code type}, of an unknown type, or a field is wrong
     */
    static ClientMessage decode(Wire.Frame frame) throws Wire.ProtocolException {
        Fields f = Fields.ofMessage(frame.control());
        return switch (f.type()) {
            case "hello" -> new Hello((int) f.number("version", -1), f.string("client"));
            case "run" -> Run.decode(f);
            case "signal" -> new Signal(Signal.number(f, 0));
            case "resize" -> new Resize(Run.cells(f, "rows", 24), Run.cells(f, "cols", 80));
            case "jobs" -> new ListJobs();
            case "logs" -> new ReadLog(jobId(f), f.bool("follow"));
            case "kill" -> new KillJob(jobId(f), Signal.number(f, Signal.TERM));
            case "list" -> new ListVms();
            case "status" -> new GetStatus();
            case "shutdown" -> new Shutdown(f.string("vm"), f.bool("force"));
            case "stop-daemon" -> new StopDaemon(f.bool("force"));
            case "import" -> new ImportDistro(distroName(f), f.string("vm"));
            case "install" -> InstallDistro.decode(f);
            case "export" -> new ExportDistro(distroName(f));
            case "unregister" -> new UnregisterDistro(distroName(f));
            case "set-default" -> new SetDefaultDistro(distroName(f));
            default -> throw new Wire.ProtocolException("unknown request type \"" + f.type() + "\"");
        };
    }

    /** A distribution's name: 1 to 64 of {@code A-Z a-z 0-9 . _ -}, not starting with a dot. */
    static String distroName(Fields f) throws Wire.ProtocolException {
        String name = f.string("name");
        if (name == null) {
            throw new Wire.ProtocolException(f.type() + " needs a distribution \"name\"");
        }
        String problem = DistroNames.problem(name);
        if (problem != null) {
            throw new Wire.ProtocolException(problem);
        }
        return name;
    }

    private static String jobId(Fields f) throws Wire.ProtocolException {
        String id = f.id("job");
        if (id == null) {
            throw new Wire.ProtocolException(f.type() + " needs a \"job\" id");
        }
        return id;
    }

    /** The first message of every connection; {@code version} is {@link Wire#VERSION}. */
    record Hello(int version, String client) implements ClientMessage {
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
            Json.string(g, "client", client);
        }
    }

    /**
     * Runs {@code argv} in a VM: attached to this connection, or as a background job with
     * {@code detach}. With {@code tty} the process gets a PTY of {@code rows} x {@code cols}.
     *
     * @param vm           the VM, or {@code null} for the distribution's (else {@code default})
     * @param distribution the distribution, or {@code null} for the default one (the utility environment
     *                     when none is installed)
     * @param user         the user to run as, or {@code null} for the distribution's default
     * @param cwd          the working directory, or {@code null} for the user's home
     * @param login        run the user's login shell instead of {@code argv} ({@code uvm shell})
     * @param system       run in the VM's utility environment even when a distribution is installed
     *                     ({@code --system}, as {@code wsl --system}); excludes the three above
     */
    record Run(String vm, List<String> argv, List<String> env, boolean tty, int rows, int cols, boolean detach,
               String distribution, String user, String cwd, boolean login, boolean system) implements ClientMessage {
        /** Largest terminal dimension (the guest's winsize fields are u16). */
        public static final int MAX_TERMINAL_CELLS = 0xFFFF;

        public Run {
            argv = List.copyOf(argv);
            env = List.copyOf(env);
        }

        /** A run in the utility environment or the default distribution, without the newer options. */
        public Run(String vm, List<String> argv, List<String> env, boolean tty, int rows, int cols, boolean detach) {
            this(vm, argv, env, tty, rows, cols, detach, null, null, null, false, false);
        }

        /** An attached run without a terminal. */
        public static Run of(String vm, List<String> argv, List<String> env) {
            return new Run(vm, argv, env, false, 0, 0, false);
        }

        @Override
        public String type() {
            return "run";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "vm", vm);
            Json.strings(g, "argv", argv);
            Json.strings(g, "env", env);
            if (tty) {
                g.writeBooleanField("tty", true);
                g.writeNumberField("rows", rows);
                g.writeNumberField("cols", cols);
            }
            if (detach) {
                g.writeBooleanField("detach", true);
            }
            if (distribution != null) {
                Json.string(g, "distribution", distribution);
            }
            if (user != null) {
                Json.string(g, "user", user);
            }
            if (cwd != null) {
                Json.string(g, "cwd", cwd);
            }
            if (login) {
                g.writeBooleanField("login", true);
            }
            if (system) {
                g.writeBooleanField("system", true);
            }
        }

        static Run decode(Fields f) throws Wire.ProtocolException {
            String vm = f.string("vm");
            List<String> argv = f.strings("argv");
            if (argv.isEmpty()) {
                throw new Wire.ProtocolException("run needs a non-empty \"argv\" array of strings");
            }
            boolean detach = f.bool("detach");
            boolean tty = f.bool("tty");
            if (tty && detach) {
                throw new Wire.ProtocolException("run: a detached job cannot have a terminal (tty and detach)");
            }
            List<String> env = f.strings("env");
            for (String e : env) {
                if (e.indexOf('=') <= 0) {
                    throw new Wire.ProtocolException("run: environment entry \"" + e + "\" is not KEY=VALUE");
                }
            }
            for (List<String> strings : List.of(argv, env)) {
                for (String s : strings) {
                    if (s.indexOf('\0') >= 0) {
                        throw new Wire.ProtocolException("run: an argument or environment entry contains a NUL byte");
                    }
                }
            }
            String distribution = f.string("distribution");
            if (distribution != null && DistroNames.problem(distribution) != null) {
                throw new Wire.ProtocolException("run: " + DistroNames.problem(distribution));
            }
            boolean login = f.bool("login");
            if (login && detach) {
                throw new Wire.ProtocolException("run: a login shell cannot be a background job (login and detach)");
            }
            String user = f.string("user");
            String cwd = f.string("cwd");
            boolean system = f.bool("system");
            if (system && (distribution != null || user != null || cwd != null)) {
                throw new Wire.ProtocolException("run: the utility environment (system) has no distribution, user"
                        + " or cwd to choose; leave out --system, or those");
            }
            return new Run(vm, argv, env, tty, tty ? cells(f, "rows", 24) : 0, tty ? cells(f, "cols", 80) : 0, detach,
                    distribution, user, cwd, login, system);
        }

        /** A terminal dimension: 1 to 65535 cells. */
        static int cells(Fields f, String name, int fallback) throws Wire.ProtocolException {
            return f.bounded(name, fallback, 1, MAX_TERMINAL_CELLS, "a number");
        }
    }

    /** During a run: deliver signal {@code signal} (1-64) to the guest process group. */
    record Signal(int signal) implements ClientMessage {
        /** Highest signal number on Linux (SIGRTMAX). */
        public static final int MAX = 64;
        static final int TERM = 15;

        @Override
        public String type() {
            return "signal";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            g.writeNumberField("signal", signal);
        }

        static int number(Fields f, int fallback) throws Wire.ProtocolException {
            if (fallback == 0 && !f.has("signal")) {
                throw new Wire.ProtocolException("\"signal\" must be a signal number from 1 to " + MAX + ", got none");
            }
            return f.bounded("signal", fallback, 1, MAX, "a signal number");
        }
    }

    /** During a run with a terminal: the client's window is now {@code rows} x {@code cols}. */
    record Resize(int rows, int cols) implements ClientMessage {
        @Override
        public String type() {
            return "resize";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            g.writeNumberField("rows", rows);
            g.writeNumberField("cols", cols);
        }
    }

    /** The background jobs; answered with {@link DaemonMessage.JobList}. */
    record ListJobs() implements ClientMessage {
        @Override
        public String type() {
            return "jobs";
        }

        @Override
        public void write(JsonGenerator g) {
        }
    }

    /** A job's output, then {@link DaemonMessage.LogEnd}; with {@code follow}, until the job ends. */
    record ReadLog(String job, boolean follow) implements ClientMessage {
        @Override
        public String type() {
            return "logs";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "job", job);
            g.writeBooleanField("follow", follow);
        }
    }

    /** Sends {@code signal} to a job's process group; answered with {@link DaemonMessage.JobSignalled}. */
    record KillJob(String job, int signal) implements ClientMessage {
        @Override
        public String type() {
            return "kill";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "job", job);
            g.writeNumberField("signal", signal);
        }
    }

    /** Every configured VM; answered with {@link DaemonMessage.VmList}. */
    record ListVms() implements ClientMessage {
        @Override
        public String type() {
            return "list";
        }

        @Override
        public void write(JsonGenerator g) {
        }
    }

    /** The daemon's own state; answered with {@link DaemonMessage.Status}. */
    record GetStatus() implements ClientMessage {
        @Override
        public String type() {
            return "status";
        }

        @Override
        public void write(JsonGenerator g) {
        }
    }

    /** Stops one VM ({@code vm}) or all ({@code null}); answered with {@link DaemonMessage.Stopped}. */
    record Shutdown(String vm, boolean force) implements ClientMessage {
        @Override
        public String type() {
            return "shutdown";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "vm", vm);
            g.writeBooleanField("force", force);
        }
    }

    /**
     * Registers the root file system tarball that follows as STDIN frames (tar, tar.gz or tar.xz) as
     * distribution {@code name}, in VM {@code vm} ({@code null}: the default VM). Answered with
     * {@link DaemonMessage.Started}, then {@link DaemonMessage.Exit} 0 or a failure.
     */
    record ImportDistro(String name, String vm) implements ClientMessage {
        @Override
        public String type() {
            return "import";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "name", name);
            Json.string(g, "vm", vm);
        }
    }

    /**
     * Builds and registers a distribution ({@code source} {@code debian} of {@code release}), with a
     * default {@code user} who may use sudo, if given; progress arrives as STDERR frames, then
     * {@link DaemonMessage.Exit} 0 or a failure.
     */
    record InstallDistro(String name, String vm, String source, String release, String user) implements ClientMessage {
        @Override
        public String type() {
            return "install";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "name", name);
            Json.string(g, "vm", vm);
            Json.string(g, "source", source);
            Json.string(g, "release", release);
            Json.string(g, "user", user);
        }

        static InstallDistro decode(Fields f) throws Wire.ProtocolException {
            String source = f.string("source", "debian");
            if (!source.equals("debian")) {
                throw new Wire.ProtocolException("install: uvm installs \"debian\" (got \"" + source + "\"); other"
                        + " distributions come as a tarball with `uvm import`");
            }
            String release = f.string("release", "bookworm");
            if (!release.matches("[a-z][a-z0-9-]{1,31}")) {
                throw new Wire.ProtocolException("install: \"" + release + "\" is not a Debian release name such as bookworm");
            }
            String user = f.string("user");
            if (user != null && !user.matches("[a-z_][a-z0-9_-]{0,31}")) {
                throw new Wire.ProtocolException("install: \"" + user + "\" is not a valid user name (lower-case letters,"
                        + " digits, '_' and '-', starting with a letter or '_')");
            }
            return new InstallDistro(distroName(f), f.string("vm"), source, release, user);
        }
    }

    /** The distribution's files as a tar stream in STDOUT frames, then {@link DaemonMessage.Exit} 0. */
    record ExportDistro(String name) implements ClientMessage {
        @Override
        public String type() {
            return "export";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "name", name);
        }
    }

    /** Stops the distribution's processes and deletes it; answered with {@link DaemonMessage.DistroDone}. */
    record UnregisterDistro(String name) implements ClientMessage {
        @Override
        public String type() {
            return "unregister";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "name", name);
        }
    }

    /** Makes {@code name} the distribution of runs that name none; answered with {@link DaemonMessage.DistroDone}. */
    record SetDefaultDistro(String name) implements ClientMessage {
        @Override
        public String type() {
            return "set-default";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            Json.string(g, "name", name);
        }
    }

    /** Stops every VM, then the daemon; answered with {@link DaemonMessage.DaemonStopping}. */
    record StopDaemon(boolean force) implements ClientMessage {
        @Override
        public String type() {
            return "stop-daemon";
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            g.writeBooleanField("force", force);
        }
    }
}
