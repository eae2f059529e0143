package dev.uvm.client;

import dev.uvm.protocol.ExitStatus;
import com.fasterxml.jackson.databind.JsonNode;
import dev.uvm.protocol.Wire;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

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
            JsonNode r = main.requestRunning(Wire.message("kill").put("job", job).put("signal", number),
                    " (so there are no jobs)");
            if (r == null) {
                return 1;
            }
            if (r.path("pending").asBoolean(false)) {
                System.err.println("uvm: " + r.path("message").asText());
            }
            return 0;
        } catch (DaemonConnection.DaemonError e) {
            System.err.println("uvm: " + e.getMessage());
            return e.exitCode();
        }
    }
}
