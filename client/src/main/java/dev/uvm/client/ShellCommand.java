package dev.uvm.client;

import dev.uvm.protocol.ExitStatus;
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

    @Option(names = "--vm", paramLabel = "VM", description = "VM to use (default: the distribution's, else default).")
    String vm;

    @Option(names = {"-d", "--distribution"}, paramLabel = "DISTRO",
            description = "Distribution (default: the default distribution; the utility environment when none is installed).")
    String distribution;

    @Option(names = "--system", description = "The VM's utility environment (busybox), even when a distribution is installed.")
    boolean system;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "User (default: the distribution's default user).")
    String user;

    @Option(names = "--cd", paramLabel = "DIR", description = "Working directory (default: the user's home).")
    String cwd;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable.")
    List<String> env = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (system && (distribution != null || user != null || cwd != null)) {
            System.err.println("uvm: --system opens the utility environment, which has no distribution, users or"
                    + " --cd to choose; leave out --system, or those options");
            return ExitStatus.USAGE;
        }
        try (DaemonConnection conn = main.connect(true)) {
            return new RunSessionClient(conn).run(new RunSessionClient.Target(vm, distribution, user, cwd, system), LOGIN_SHELL,
                    env, /* tty= */ true, /* login= */ true);
        }
    }
}
