package dev.uvm.scheduler.client;

import dev.uvm.config.ConfigException;
import dev.uvm.config.ConfigLocation;
import dev.uvm.config.ConfigLocator;
import dev.uvm.config.ConfigLoader;
import dev.uvm.config.LoadedConfig;
import dev.uvm.config.UvmConfig;
import dev.uvm.scheduler.Locations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code uvm} command: the client ({@code shell}, {@code run}, {@code jobs}, {@code list},
 * {@code shutdown}, ...) and the daemon ({@code uvm daemon}). Plain {@code uvm} opens a shell and
 * {@code uvm -- CMD} runs a command, as {@code wsl.exe} does.
 */
@Command(name = "uvm", mixinStandardHelpOptions = true, version = "uvm 0.1.0",
        description = "Runs commands in on-demand utility VMs that boot on first use and stop when idle.",
        subcommands = {ShellCommand.class, RunCommand.class, JobsCommand.class, LogsCommand.class, KillCommand.class,
                ListCommand.class, StatusCommand.class, ShutdownCommand.class,
                TerminateCommand.class, StopDaemonCommand.class, DaemonCommand.class, ConfigCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    /** Exit status for a bad command line or config. */
    static final int EXIT_USAGE = 2;
    /** Options of {@code uvm} itself that take a value. */
    private static final List<String> GLOBAL_OPTIONS = List.of("--socket", "--config");

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Daemon socket (env UVM_SOCKET; default under $XDG_RUNTIME_DIR/uvm, /run/uvm for root).")
    Path socket;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (env UVM_CONFIG; default ~/.config/uvm/uvm.conf, /etc/uvm/uvm.conf for root).")
    Path config;

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(run(args));
    }

    static int run(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        cl.getSubcommands().get("run").setStopAtPositional(true);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            System.err.println("uvm: " + ex.getMessage());
            return ex instanceof DaemonConnection.DaemonError d ? d.exitCode() : RunSessionClient.EXIT_UVM_ERROR;
        });
        return cl.execute(shorthand(args));
    }

    /**
     * Expands the short forms: no subcommand means {@code shell}, and {@code --} right after the
     * global options means {@code run --}.
     */
    static String[] shorthand(String[] args) {
        int i = 0;
        while (i < args.length) {
            String a = args[i];
            if (GLOBAL_OPTIONS.contains(a)) {
                i += 2;
            } else if (GLOBAL_OPTIONS.stream().anyMatch(o -> a.startsWith(o + "="))) {
                i++;
            } else {
                break;
            }
        }
        List<String> out = new ArrayList<>(Arrays.asList(args));
        if (i == args.length) {
            out.add("shell");
        } else if (i < args.length && args[i].equals("--")) {
            out.add(i, "run");
        }
        return out.toArray(String[]::new);
    }

    /** Where the config comes from: {@code --config} > {@code UVM_CONFIG} > the default path. */
    ConfigLocation configLocation() {
        return ConfigLocator.resolve(config == null ? null : config.toAbsolutePath().toString());
    }

    /** The config file in use, or {@code null} when built-in defaults serve (no file at the default path). */
    Path configFile() {
        ConfigLocation loc = configLocation();
        return loc.isExplicit() || Files.exists(loc.path()) ? loc.path().toAbsolutePath() : null;
    }

    /** Loads the config; a named file that is missing or invalid is an error, a missing default file is not. */
    LoadedConfig loadConfig() throws ConfigException {
        return ConfigLoader.load(configLocation());
    }

    /** The config for a client: problems are reported, defaults serve where the file is broken. */
    UvmConfig clientConfig() {
        try {
            return loadConfig().config();
        } catch (ConfigException e) {
            return UvmConfig.defaults();
        }
    }

    Path socketPath() {
        return Locations.socket(socket, clientConfig().daemon());
    }

    /**
     * Sends one request to a running daemon (none is started) and returns its answer, or
     * {@code null} after printing "no daemon is running on SOCKET" and {@code whenNone} to stderr.
     * An error answer is thrown as {@link DaemonConnection.DaemonError}.
     */
    com.fasterxml.jackson.databind.JsonNode requestRunning(com.fasterxml.jackson.databind.node.ObjectNode message,
                                                          String whenNone) throws java.io.IOException {
        try (DaemonConnection conn = connect(false)) {
            return conn.request(message);
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

    DaemonConnection connect(boolean startIfNeeded) throws java.io.IOException {
        UvmConfig c = clientConfig();
        Path sock = Locations.socket(socket, c.daemon());
        if (!startIfNeeded) {
            return DaemonConnection.open(sock);
        }
        return DaemonStarter.connect(sock, configFile(), Locations.stateDir(c.daemon()));
    }
}
