package dev.uvm.scheduler.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/**
 * {@code uvm run [--vm NAME] [-t] [-d] -- CMD ARGS...} (also {@code uvm exec CMD} and
 * {@code uvm -- CMD}): runs a command in the VM with its exit status, or as a background job.
 */
@Command(name = "run", aliases = {"exec"}, description = {
        "Run a command in a VM, booting it if needed. Its exit status is uvm's (128+N when killed by signal N).",
        "Options stop at the first word of the command, so `uvm exec ls -la` works."})
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--vm", paramLabel = "NAME", defaultValue = "default", description = "VM to use (default: ${DEFAULT-VALUE}).")
    String vm;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable.")
    List<String> env = new ArrayList<>();

    @Option(names = {"-t", "--tty"}, description = "Give the command a terminal (PTY) when uvm runs in one;"
            + " stdout and stderr then arrive merged.")
    boolean tty;

    @Option(names = {"-d", "--detach"}, description = "Run as a background job that outlives this client and keeps"
            + " the VM up until it ends; print its id (see uvm jobs, logs, kill).")
    boolean detach;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        if (tty && detach) {
            System.err.println("uvm: --tty and --detach exclude each other (a background job has no terminal)");
            return Main.EXIT_USAGE;
        }
        try (DaemonConnection conn = main.connect(true)) {
            RunSessionClient client = new RunSessionClient(conn);
            return detach ? client.detach(vm, command, env) : client.run(vm, command, env, tty);
        }
    }
}
