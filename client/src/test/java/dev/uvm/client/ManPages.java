package dev.uvm.client;

import java.io.File;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the man pages of {@code uvm} and each subcommand as AsciiDoc ({@code uvm.adoc},
 * {@code uvm-run.adoc}, ...) into the folder {@code args[0]}, with picocli's generator, from the
 * same model the client parses with; {@code uvm daemon} and {@code uvm config} get the daemon's
 * own models. scripts/package.sh turns them into troff with asciidoctor. A build tool, not a test.
 */
public final class ManPages {
    private ManPages() {
    }

    public static void main(String[] args) throws Exception {
        CommandSpec root = Main.commandLine(null, new String[0]).getCommandSpec();
        root.removeSubcommand("help");
        root.usageMessage().footerHeading("%nSee also%n").footer(
                "uvm list --names vms|distributions prints names for scripts; uvm completion bash|zsh prints the shell"
                        + " completion.%n"
                        + "Configuration: /etc/uvm/uvm.conf (the service), ~/.config/uvm/uvm.conf (a user's own daemon);"
                        + " every key is described in uvm.conf(5).");
        File out = new File(args[0]);
        int status = ManPageGenerator.generateManPage(out, null, new boolean[0], true, root);
        // then the daemon side's pages over the client's placeholders (uvm-daemon, uvm-config, ...)
        CommandSpec daemonRoot = new CommandLine(new dev.uvm.daemon.Main()).getCommandSpec();
        for (String daemonSide : new String[] {"daemon", "config"}) {
            status |= ManPageGenerator.generateManPage(out, null, new boolean[0], true,
                    daemonRoot.subcommands().get(daemonSide).getCommandSpec());
        }
        System.exit(status);
    }
}
