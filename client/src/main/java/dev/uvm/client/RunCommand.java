package dev.uvm.client;

import dev.uvm.protocol.ExitStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code uvm run [-d DISTRIBUTION | --system] [-u USER] [--cd DIR] [--vm NAME] [-t] [--detach] -- CMD ARGS...}
 * (also {@code uvm exec CMD} and {@code uvm -- CMD}): runs a command in a distribution (or the
 * utility environment) with its exit status, or as a background job.
 *
 * <p>The most frequent command, so its picocli model is built by hand, as {@link Main}'s is: no
 * annotations to read in a fresh JVM.
 */
final class RunCommand implements Callable<Integer> {
    private final Main main;
    private final OptionSpec vm = OptionSpec.builder("--vm").paramLabel("VM").type(String.class)
            .description("VM to use (default: the distribution's, else default).").build();
    private final OptionSpec distribution = OptionSpec.builder("-d", "--distribution").paramLabel("DISTRO")
            .type(String.class).description("Distribution to run in (default: the default distribution;"
                    + " the utility environment when none is installed).").build();
    private final OptionSpec system = OptionSpec.builder("--system").type(boolean.class).initialValue(false)
            .description("Run in the VM's utility environment (busybox), even when a distribution is installed.")
            .build();
    private final OptionSpec user = OptionSpec.builder("-u", "--user").paramLabel("USER").type(String.class)
            .description("User to run as (default: [user] default of the distribution's /etc/wsl.conf, else root).")
            .build();
    private final OptionSpec cwd = OptionSpec.builder("--cd").paramLabel("DIR").type(String.class)
            .description("Working directory (default: the user's home).").build();
    private final OptionSpec env = OptionSpec.builder("-e", "--env").paramLabel("KEY=VALUE")
            .type(List.class).auxiliaryTypes(String.class).initialValue(new ArrayList<String>())
            .description("Set an environment variable.").build();
    private final OptionSpec tty = OptionSpec.builder("-t", "--tty").type(boolean.class).initialValue(false)
            .description("Give the command a terminal (PTY) when uvm runs in one;"
                    + " stdout and stderr then arrive merged.").build();
    private final OptionSpec detach = OptionSpec.builder("--detach").type(boolean.class).initialValue(false)
            .description("Run as a background job that outlives this client and keeps"
                    + " the VM up until it ends; print its id (see uvm jobs, logs, kill).").build();
    private final PositionalParamSpec command = PositionalParamSpec.builder().arity("1..*").required(true).paramLabel("CMD")
            .type(List.class).auxiliaryTypes(String.class).description("The command and its arguments.").build();

    private RunCommand(Main main) {
        this.main = main;
    }

    /** The model of {@code uvm run}, with a new command object that {@code main} serves. */
    static CommandSpec spec(Main main) {
        RunCommand run = new RunCommand(main);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(run).name("run").aliases("exec");
        spec.usageMessage().description(
                "Run a command in a VM, booting it if needed. Its exit status is uvm's (128+N when killed by signal N).",
                "Options stop at the first word of the command, so `uvm exec ls -la` works.");
        Map<String, String> exit = new LinkedHashMap<>();
        exit.put("any", "The command's own exit status, 128+N when signal N killed it; and:");
        exit.put("125", "uvm itself failed: the VM could not boot, was shut down under the session, or the daemon went away.");
        exit.put("127", "The command does not exist in the guest.");
        spec.usageMessage().exitCodeListHeading("Exit status:%n").exitCodeList(exit);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.").build());
        spec.addOption(run.vm).addOption(run.distribution).addOption(run.system).addOption(run.user).addOption(run.cwd).addOption(run.env)
                .addOption(run.tty).addOption(run.detach);
        spec.addPositional(run.command);
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        boolean tty = this.tty.getValue();
        boolean detach = this.detach.getValue();
        if (tty && detach) {
            System.err.println("uvm: --tty and --detach exclude each other (a background job has no terminal)");
            return ExitStatus.USAGE;
        }
        boolean system = this.system.getValue();
        if (system && (distribution.getValue() != null || user.getValue() != null || cwd.getValue() != null)) {
            System.err.println("uvm: --system runs in the utility environment, which has no distribution, users or"
                    + " --cd to choose; leave out --system, or those options");
            return ExitStatus.USAGE;
        }
        RunSessionClient.Target where = new RunSessionClient.Target(vm.getValue(), distribution.getValue(),
                user.getValue(), cwd.getValue(), system);
        List<String> command = this.command.getValue();
        List<String> env = this.env.getValue();
        try (DaemonConnection conn = main.connect(true)) {
            RunSessionClient client = new RunSessionClient(conn);
            return detach ? client.detach(where, command, env) : client.run(where, command, env, tty, false);
        }
    }
}
