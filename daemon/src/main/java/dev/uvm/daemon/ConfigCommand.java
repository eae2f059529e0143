package dev.uvm.daemon;

import dev.uvm.config.ConfigException;
import dev.uvm.config.ConfigReport;
import dev.uvm.config.LoadedConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code uvm config check [FILE]} and {@code uvm config show}. */
@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Check a config file, or show the effective configuration.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class})
final class ConfigCommand {
    @ParentCommand
    Main main;

    /** Prints every problem of a config file; exits 1 when it has errors. */
    @Command(name = "check", mixinStandardHelpOptions = true, description = "Print the problems of a config file; exit status 1 on errors.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The file (default: the one in use).")
        Path file;

        @Override
        public Integer call() {
            Path target = file != null ? file : parent.main.configLocation().path();
            ConfigReport.CheckResult r = ConfigReport.check(target);
            System.out.print(r.output().endsWith("\n") || r.output().isEmpty() ? r.output() : r.output() + "\n");
            return r.exitCode();
        }
    }

    /** Prints the effective configuration with the origin of every value. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the effective configuration and where each value came from.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Override
        public Integer call() {
            try {
                LoadedConfig loaded = parent.main.loadConfig();
                System.out.print(ConfigReport.show(loaded));
                return 0;
            } catch (ConfigException e) {
                System.err.println("uvm: the config file is invalid:");
                e.problems().forEach(p -> System.err.println("  " + p));
                return ConfigReport.EXIT_ERRORS;
            }
        }
    }
}
