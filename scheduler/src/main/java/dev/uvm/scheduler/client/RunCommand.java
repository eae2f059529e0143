package dev.uvm.scheduler.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code uvm run [--vm NAME] -- CMD ARGS...}: runs a command in the VM with its exit status. */
@Command(name = "run", aliases = {"exec"}, description = "Run a command in a VM, booting it if needed.")
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--vm", paramLabel = "NAME", defaultValue = "default", description = "VM to use (default: ${DEFAULT-VALUE}).")
    String vm;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable.")
    List<String> env = new ArrayList<>();

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        try (DaemonConnection conn = main.connect(true)) {
            return new RunSessionClient(conn).run(vm, command, env);
        }
    }
}
