package dev.uvm.client;

import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.ExitStatus;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code uvm kill [-s SIGNAL] ID}: sends a signal to a background job's process group. */
@Command(name = "kill", description = "Send a signal (default TERM) to a background job.")
final class KillCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL", defaultValue = "TERM",
            description = "Signal name (TERM, KILL, INT, HUP, ...) or number (default: ${DEFAULT-VALUE}).")
    String signal;

    @Parameters(paramLabel = "ID", description = "The job (see uvm jobs).")
    String job;

    @Override
    public Integer call() throws IOException {
        int number;
        try {
            number = Signals.parse(signal);
        } catch (IllegalArgumentException e) {
            System.err.println("uvm: " + e.getMessage());
            return ExitStatus.USAGE;
        }
        try {
            DaemonMessage.JobSignalled r = main.requestRunning(new ClientMessage.KillJob(job, number),
                    DaemonMessage.JobSignalled.class, " (so there are no jobs)");
            if (r == null) {
                return 1;
            }
            if (r.pending()) {
                System.err.println("uvm: " + r.message());
            }
            return 0;
        } catch (DaemonConnection.DaemonError e) {
            System.err.println("uvm: " + e.getMessage());
            return e.exitCode();
        }
    }
}
