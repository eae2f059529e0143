package dev.uvm.client;

import dev.uvm.config.ConfigLoader;
import dev.uvm.config.ConfigLocation;
import dev.uvm.config.ConfigLocator;
import dev.uvm.config.DaemonConfig;
import dev.uvm.config.Locations;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.ExitStatus;
import dev.uvm.protocol.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code uvm} command as users type it ({@code shell}, {@code run}, {@code jobs}, {@code list},
 * {@code shutdown}, ...). Plain {@code uvm} opens a shell and {@code uvm -- CMD} runs a command, as
 * {@code wsl.exe} does. {@code uvm daemon} and {@code uvm config} run in the daemon's JVM
 * ({@link DaemonSideCommand}).
 */
public final class Main {
    /** Options of {@code uvm} itself that take a value. */
    private static final List<String> GLOBAL_OPTIONS = List.of("--socket", "--config");
    /**
     * The subcommands in the order of the help text, each under its name and aliases (as in its
     * {@code @Command}). picocli builds a command's model by reflection, which costs milliseconds
     * per command in a fresh JVM; so a command line that names one of them gets only that one.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands(
            ShellCommand.class, "shell", RunCommand.class, "run exec", JobsCommand.class, "jobs",
            LogsCommand.class, "logs", KillCommand.class, "kill", ListCommand.class, "list ls",
            StatusCommand.class, "status", ShutdownCommand.class, "shutdown", TerminateCommand.class, "terminate",
            StopDaemonCommand.class, "stop-daemon", DistroCommands.Install.class, "install",
            DistroCommands.Import.class, "import", DistroCommands.Export.class, "export",
            DistroCommands.Unregister.class, "unregister", DistroCommands.SetDefault.class, "set-default setdefault",
            CompletionCommand.class, "completion", DaemonSideCommand.class, "daemon config",
            CommandLine.HelpCommand.class, "help");

    /** {@code --socket} and {@code --config}, or {@code null}; set by picocli when it parses. */
    private final OptionSpec socketOption = OptionSpec.builder("--socket").paramLabel("PATH").type(Path.class)
            .description("Daemon socket (env UVM_SOCKET; default under $XDG_RUNTIME_DIR/uvm, /run/uvm for root).")
            .build();
    private final OptionSpec configOption = OptionSpec.builder("--config").paramLabel("FILE").type(Path.class)
            .description("Config file (env UVM_CONFIG; default ~/.config/uvm/uvm.conf, /etc/uvm/uvm.conf for root).")
            .build();

    private DaemonConfig daemonConfig;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String[] expanded = shorthand(args);
        CommandLine cl = commandLine(subcommandName(expanded), args);
        cl.setExecutionExceptionHandler(new ErrorExit());
        return cl.execute(expanded);
    }

    /**
     * A command's failure as one line on stderr and its exit status. A class, not a lambda: a lambda
     * of a picocli interface cannot go into the client's class data sharing archive (picocli's
     * class files are too old for it), so the JVM would generate it at every start.
     */
    private static final class ErrorExit implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine line, CommandLine.ParseResult parsed) {
            System.err.println("uvm: " + ex.getMessage());
            return ex instanceof DaemonConnection.DaemonError d ? d.exitCode() : ExitStatus.UVM_ERROR;
        }
    }

    /**
     * The command line with the subcommand {@code name} only, or with all of them when {@code name}
     * is {@code null} or not one of them (help, version, a typo: picocli then lists or suggests them).
     */
    static CommandLine commandLine(String name, String[] args) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main.spec());
        Class<?> only = name == null ? null : SUBCOMMANDS.get(name);
        if (only == DaemonSideCommand.class) {
            cl.addSubcommand(DaemonSideCommand.spec(name, args));
        } else if (only != null && only != CommandLine.HelpCommand.class) {
            add(cl, only, main);
        } else {
            for (Class<?> c : new LinkedHashSet<>(SUBCOMMANDS.values())) {
                if (c == DaemonSideCommand.class) {
                    cl.addSubcommand(DaemonSideCommand.spec("daemon", args));
                    cl.addSubcommand(DaemonSideCommand.spec("config", args));
                } else {
                    add(cl, c, main);
                }
            }
        }
        return cl;
    }

    private static void add(CommandLine cl, Class<?> command, Main main) {
        if (command == RunCommand.class) {
            CommandSpec run = RunCommand.spec(main);
            cl.addSubcommand(run.name(), new CommandLine(run).setStopAtPositional(true), run.aliases());
        } else {
            cl.addSubcommand(command);
        }
    }

    /**
     * The model of {@code uvm} itself, built by hand rather than from annotations: reading an
     * annotation makes the JVM generate a proxy class for its type, several milliseconds each in a
     * fresh JVM. The subcommands other than {@code run} are annotated and get this object as their
     * {@code @ParentCommand}.
     */
    private CommandSpec spec() {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("uvm")
                .versionProvider(new VersionLines(this));
        spec.usageMessage().description("Runs commands in on-demand utility VMs that boot on first use and stop when idle.");
        // What mixinStandardHelpOptions adds, without the annotated mixin class it uses.
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        spec.addOption(socketOption);
        spec.addOption(configOption);
        return spec;
    }

    /** {@code --socket}, or {@code null}. */
    Path socket() {
        return socketOption.getValue();
    }

    private static Map<String, Class<?>> subcommands(Object... classAndNames) {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        for (int i = 0; i < classAndNames.length; i += 2) {
            for (String n : ((String) classAndNames[i + 1]).split(" ")) {
                m.put(n, (Class<?>) classAndNames[i]);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** The first word after the global options (the subcommand, if any), or {@code null}. */
    static String subcommandName(String[] args) {
        int i = globalOptionsEnd(args);
        return i < args.length ? args[i] : null;
    }

    /** Index of the first argument after {@code uvm}'s own options that take a value. */
    private static int globalOptionsEnd(String[] args) {
        int i = 0;
        while (i < args.length) {
            String a = args[i];
            if (GLOBAL_OPTIONS.contains(a)) {
                i += 2;
            } else if (a.startsWith("--") && GLOBAL_OPTIONS.contains(a.split("=", 2)[0])) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    /**
     * Expands the short forms, as {@code wsl.exe} has them: no subcommand means {@code shell},
     * {@code --} right after the global options means {@code run --}, and a {@code -d NAME} (or
     * {@code --distribution NAME}) there goes to the command that follows: {@code uvm -d debian}
     * opens a shell in Debian, {@code uvm -d debian -- ls} runs ls in it.
     */
    static String[] shorthand(String[] args) {
        int i = globalOptionsEnd(args);
        if (i > args.length) {
            return args; // an option that lacks its value: picocli says so
        }
        List<String> out = new ArrayList<>(Arrays.asList(args).subList(0, i));
        List<String> distribution = new ArrayList<>();
        if (i + 1 < args.length && (args[i].equals("-d") || args[i].equals("--distribution"))) {
            distribution = List.of("-d", args[i + 1]);
            i += 2;
        } else if (i < args.length && args[i].startsWith("--distribution=")) {
            distribution = List.of("-d", args[i].substring("--distribution=".length()));
            i++;
        }
        if (i == args.length) {
            out.add("shell");
            out.addAll(distribution);
        } else if (args[i].equals("--")) {
            out.add("run");
            out.addAll(distribution);
            out.addAll(Arrays.asList(args).subList(i, args.length));
        } else {
            out.add(args[i]);
            out.addAll(distribution);
            out.addAll(Arrays.asList(args).subList(i + 1, args.length));
        }
        return out.toArray(new String[0]);
    }

    /** Where the config comes from: {@code --config} > {@code UVM_CONFIG} > the default path. */
    ConfigLocation configLocation() {
        Path config = configOption.getValue();
        return ConfigLocator.resolve(config == null ? null : config.toAbsolutePath().toString());
    }

    /** The config file in use, or {@code null} when built-in defaults serve (no file at the default path). */
    Path configFile() {
        return configLocation().fileInUse();
    }

    /**
     * The config's {@code [daemon]} section (socket, state folder), read once and only when needed;
     * defaults serve where the file is missing or broken.
     */
    DaemonConfig daemonConfig() {
        if (daemonConfig == null) {
            daemonConfig = ConfigLoader.daemonSection(configLocation());
        }
        return daemonConfig;
    }

    /**
     * The daemon's socket; the config file is read only when neither --socket nor UVM_SOCKET names it.
     * A user whom nothing points elsewhere reaches the system service (the Debian package's, serving
     * {@code /run/uvm/uvm.sock} to the {@code uvm} group) when its socket is there and theirs to
     * use, as every wsl.exe reaches the one service; else their own daemon, started on first use.
     */
    Path socketPath() {
        Path given = Locations.givenSocket(socket());
        if (given != null) {
            return given;
        }
        DaemonConfig daemon = daemonConfig();
        if (daemon.socket() == null && !Locations.isRoot() && Files.isWritable(ConfigLocator.SYSTEM_SOCKET)) {
            return ConfigLocator.SYSTEM_SOCKET;
        }
        return Locations.socket(null, daemon);
    }

    /**
     * Sends one request to a running daemon (none is started) and returns its answer, or
     * {@code null} after printing "no daemon is running on SOCKET" and {@code whenNone} to stderr.
     * An error answer is thrown as {@link DaemonConnection.DaemonError}.
     */
    <T extends DaemonMessage.Result> T requestRunning(ClientMessage message, Class<T> result, String whenNone)
            throws java.io.IOException {
        try (DaemonConnection conn = connect(false)) {
            return conn.request(message, result);
        } catch (DaemonConnection.DaemonError e) {
            throw e;
        } catch (java.io.IOException e) {
            if (!DaemonConnection.noDaemon(e)) {
                throw e;
            }
            System.err.println("uvm: no daemon is running on " + socketPath() + whenNone);
            return null;
        }
    }

    /**
     * Connects to the daemon; with {@code startIfNeeded}, starts one when none listens. The config
     * is read for the daemon's state folder only then. No daemon is started on a socket named by
     * --socket or UVM_SOCKET when no config file is in use either: that daemon would run with the
     * defaults (and the default state folder), not the config of whoever meant that socket.
     */
    DaemonConnection connect(boolean startIfNeeded) throws java.io.IOException {
        Path sock = socketPath();
        try {
            return DaemonConnection.open(sock);
        } catch (java.io.IOException e) {
            if (!startIfNeeded || !DaemonConnection.noDaemon(e)) {
                throw e;
            }
        }
        Path config = configFile();
        Path usual = Locations.socket(null, daemonConfig());
        if (config == null && Locations.givenSocket(socket()) != null && !sock.equals(usual)) {
            throw new java.io.IOException("no daemon is listening on " + sock + ", and uvm starts one by itself only"
                    + " on its usual socket (" + usual + ") or with a config file: start that daemon with"
                    + " `uvm --socket " + sock + " --config FILE daemon`, or name its config with --config or UVM_CONFIG");
        }
        return DaemonStarter.start(sock, config, Locations.stateDir(daemonConfig()));
    }
}
