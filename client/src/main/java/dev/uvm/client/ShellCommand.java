package dev.uvm.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code uvm shell} (also plain {@code uvm}): an interactive login shell in the VM, on a PTY when
 * uvm runs in a terminal, else with plain pipes (so {@code uvm shell < script.sh} works).
 */
@Command(name = "shell", description = {"Open a login shell (sh -l) in a VM, booting it if needed.",
        "In a terminal the shell gets a PTY; otherwise stdin and stdout are plain pipes."})
final class ShellCommand implements Callable<Integer> {
    /** The guest's login shell. */
    static final List<String> LOGIN_SHELL = List.of("sh", "-l");

    @ParentCommand
    Main main;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--vm", paramLabel = "NAME", defaultValue = "default", description = "VM to use (default: ${DEFAULT-VALUE}).")
    String vm;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable.")
    List<String> env = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        try (DaemonConnection conn = main.connect(true)) {
            return new RunSessionClient(conn).run(vm, LOGIN_SHELL, env, /* tty= */ true);
        }
    }
}
