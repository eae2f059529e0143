package dev.uvm.client;

import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code uvm shutdown [--force]}: stops every VM now. */
@Command(name = "shutdown", description = {"Stop every VM now: cleanly, forced after the shutdown timeout.",
        "Distributions keep their files. Lost: what the utility environment (uvm run --system, or any run while no"
                + " distribution is installed) holds, and the saved state of suspended VMs."})
final class ShutdownCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @ParentCommand
    Main main;

    @Option(names = "--force", description = "Do not wait for a clean power-off.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        return stop(main, null, force);
    }

    static int stop(Main main, String vm, boolean force) throws IOException {
        try {
            DaemonMessage.Stopped r = main.requestRunning(new ClientMessage.Shutdown(vm, force),
                    DaemonMessage.Stopped.class, "; nothing to stop");
            if (r != null) {
                System.err.println("uvm: stopped " + r.stopped().stream().map(n -> "\"" + n + "\"")
                        .collect(Collectors.joining(",", "[", "]")));
            }
            return 0;
        } catch (DaemonConnection.DaemonError e) {
            System.err.println("uvm: " + e.getMessage());
            return e.exitCode();
        }
    }
}
