package dev.uvm.client;

import dev.uvm.config.Locations;
import dev.uvm.protocol.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code uvm daemon} and {@code uvm config}: they run in the daemon's JVM, whose class path holds
 * the daemon and the whole configuration model (Quartz checks cron expressions), and bin/uvm
 * starts them there directly. The client knows them for its help, and when it is started for one
 * of them anyway (not through bin/uvm), it hands the whole command line to bin/uvm.
 */
final class DaemonSideCommand implements Callable<Integer> {
    private final String name;
    private final String[] commandLine;

    private DaemonSideCommand(String name, String[] commandLine) {
        this.name = name;
        this.commandLine = commandLine;
    }

    /** The model of {@code daemon} or {@code config}; its arguments are the daemon side's to parse. */
    static CommandSpec spec(String name, String[] commandLine) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(new DaemonSideCommand(name, commandLine)).name(name);
        spec.usageMessage().description(name.equals("daemon")
                ? new String[] {"Run the daemon in the foreground (a second SIGTERM/SIGINT forces the stop)."}
                : new String[] {"Check a config file (config check [FILE]), or show the effective configuration"
                        + " and where each value came from (config show)."});
        spec.parser().unmatchedArgumentsAllowed(true);
        return spec;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path launcher = Locations.uvmHome().resolve("bin/uvm");
        if (!Files.isExecutable(launcher)) {
            System.err.println("uvm: `uvm " + name + "` runs in the daemon's JVM, which the uvm launcher starts, and "
                    + launcher + " is missing or not executable (reinstall uvm)");
            return ExitStatus.UVM_ERROR;
        }
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(commandLine));
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
}
