package dev.uvm.client;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code uvm terminate NAME}: stops one VM. */
@Command(name = "terminate", description = {"Stop one VM now.",
        "Its distributions keep their files. Lost: what its utility environment (uvm run --system, or any run"
                + " while no distribution is installed) holds, and its saved state if it is suspended."})
final class TerminateCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @ParentCommand
    Main main;

    @Option(names = "--force", description = "Do not wait for a clean power-off.")
    boolean force;

    @Parameters(paramLabel = "VM", description = "The VM to stop.")
    String vm;

    @Override
    public Integer call() throws IOException {
        return ShutdownCommand.stop(main, vm, force);
    }
}
