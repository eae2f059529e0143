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
@Command(name = "shell", description = {"Open a login shell in a distribution (the user's shell from its /etc/passwd;"
        + " sh -l in the utility environment), booting its VM if needed.",
        "In a terminal the shell gets a PTY; otherwise stdin and stdout are plain pipes."})
final class ShellCommand implements Callable<Integer> {
    /** The guest's login shell. */
    static final List<String> LOGIN_SHELL = List.of("sh", "-l");

    @ParentCommand
    Main main;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--vm", paramLabel = "NAME", description = "VM to use (default: the distribution's, else default).")
    String vm;

    @Option(names = {"-d", "--distribution"}, paramLabel = "NAME",
            description = "Distribution (default: the default distribution; the utility environment when none is installed).")
    String distribution;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "User (default: the distribution's default user).")
    String user;

    @Option(names = "--cd", paramLabel = "DIR", description = "Working directory (default: the user's home).")
    String cwd;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable.")
    List<String> env = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        try (DaemonConnection conn = main.connect(true)) {
            return new RunSessionClient(conn).run(new RunSessionClient.Target(vm, distribution, user, cwd), LOGIN_SHELL,
                    env, /* tty= */ true, /* login= */ true);
        }
    }
}
