package dev.uvm.scheduler.client;

import dev.uvm.config.ConfigException;
import dev.uvm.config.ConfigLoader;
import dev.uvm.config.LoadedConfig;
import dev.uvm.config.UvmConfig;
import dev.uvm.scheduler.Locations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code uvm} command: the client ({@code run}, {@code list}, {@code shutdown}, ...) and the
 * daemon ({@code uvm daemon}).
 */
@Command(name = "uvm", mixinStandardHelpOptions = true, version = "uvm 0.1.0",
        description = "Runs commands in on-demand utility VMs that boot on first use and stop when idle.",
        subcommands = {RunCommand.class, ListCommand.class, StatusCommand.class, ShutdownCommand.class,
                TerminateCommand.class, StopDaemonCommand.class, DaemonCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    /** Exit status for a bad command line or config. */
    static final int EXIT_USAGE = 2;

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
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            System.err.println("uvm: " + ex.getMessage());
            return RunSessionClient.EXIT_UVM_ERROR;
        });
        return cl.execute(args);
    }

    /** The config file to use, or {@code null} for built-in defaults. */
    Path configFile() {
        if (config != null) {
            return config.toAbsolutePath();
        }
        String env = System.getenv("UVM_CONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        Path def = Locations.isRoot() ? Path.of("/etc/uvm/uvm.conf")
                : Path.of(System.getenv().getOrDefault("XDG_CONFIG_HOME",
                System.getProperty("user.home") + "/.config"), "uvm", "uvm.conf");
        return Files.exists(def) ? def : null;
    }

    /** Loads the config; a named file that is missing or invalid is an error. */
    LoadedConfig loadConfig() throws ConfigException {
        Path file = configFile();
        if (file == null) {
            return new LoadedConfig(UvmConfig.defaults(), List.of());
        }
        return ConfigLoader.load(file);
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

    DaemonConnection connect(boolean startIfNeeded) throws java.io.IOException {
        UvmConfig c = clientConfig();
        Path sock = Locations.socket(socket, c.daemon());
        if (!startIfNeeded) {
            return DaemonConnection.open(sock);
        }
        return DaemonStarter.connect(sock, configFile(), Locations.stateDir(c.daemon()));
    }
}
