package dev.uvm.daemon;

import dev.uvm.config.ConfigException;
import dev.uvm.config.ConfigLoader;
import dev.uvm.config.ConfigLocation;
import dev.uvm.config.ConfigLocator;
import dev.uvm.config.LoadedConfig;
import dev.uvm.protocol.ExitStatus;
import dev.uvm.protocol.Wire;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code uvm} commands that run in the daemon's JVM, with its class path: {@code uvm daemon}
 * and {@code uvm config}, which need the whole configuration model (Quartz checks the cron
 * expressions). bin/uvm starts this class for them and the client ({@code dev.uvm.client.Main})
 * for every other command.
 */
@Command(name = "uvm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Runs the uvm daemon, and checks or shows its configuration.",
        subcommands = {DaemonCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    // INHERIT: also accepted after the subcommand (`uvm daemon --config F`), as unit files are written.
    @Option(names = "--socket", paramLabel = "PATH", scope = CommandLine.ScopeType.INHERIT,
            description = "Daemon socket (env UVM_SOCKET; default under $XDG_RUNTIME_DIR/uvm, /run/uvm for root).")
    Path socket;

    @Option(names = "--config", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "Config file (env UVM_CONFIG; default ~/.config/uvm/uvm.conf, /etc/uvm/uvm.conf for root).")
    Path config;

    /** {@code uvm daemon --version}: the release and commit. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"uvm " + dev.uvm.protocol.BuildInfo.describe()};
        }
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            System.err.println("uvm: " + ex.getMessage());
            return ExitStatus.UVM_ERROR;
        });
        System.exit(cl.execute(args));
    }

    /** {@code --socket}, or {@code null}. */
    Path socket() {
        return socket;
    }

    /** Where the config comes from: {@code --config} > {@code UVM_CONFIG} > the default path. */
    ConfigLocation configLocation() {
        return ConfigLocator.resolve(config == null ? null : config.toAbsolutePath().toString());
    }

    /** The config file in use, or {@code null} when built-in defaults serve (no file at the default path). */
    Path configFile() {
        return configLocation().fileInUse();
    }

    /** Loads the config; a named file that is missing or invalid is an error, a missing default file is not. */
    LoadedConfig loadConfig() throws ConfigException {
        return ConfigLoader.load(configLocation());
    }
}
