package dev.uvm.client;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code uvm completion bash|zsh}: prints the shell completion script, written from the command
 * model of this very client ({@link CompletionScript}). The Debian package installs both; from a
 * source tree, {@code source <(bin/uvm completion bash)}.
 */
@Command(name = "completion", description = "Print the bash or zsh completion script"
        + " (in bash: source <(uvm completion bash)). It completes subcommands, options, and VM and"
        + " distribution names from a running daemon.")
final class CompletionCommand implements Callable<Integer> {
    /** The shells there is a script for. */
    enum Shell { bash, zsh }

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        CompletionScript script = new CompletionScript(Main.commandLine(null, new String[0]).getCommandSpec());
        System.out.print(shell == Shell.bash ? script.bash() : script.zsh());
        return 0;
    }
}
