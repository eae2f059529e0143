package dev.uvm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The completion scripts written from the command model: every subcommand and alias is in them,
 * each argument completes to what its model says, and both scripts parse in their shell. The
 * scripts at work, against a running daemon, are tested end to end (DebianPackageE2ETest).
 */
class CompletionScriptTest {
    private final CommandSpec model = Main.commandLine(null, new String[0]).getCommandSpec();
    private final String bash = new CompletionScript(model).bash();

    @Test
    void everySubcommandAndAlias_hasARowOfTheTable() {
        for (String name : Main.SUBCOMMANDS.keySet()) {
            assertTrue(bash.lines().anyMatch(l -> l.matches("\\s+([a-z|-]+\\|)?" + name + "(\\|[a-z|-]+)?\\) opts=.*")),
                    name + " has no row");
        }
    }

    @Test
    void arguments_completeToWhatTheirModelSays() {
        CommandSpec run = model.subcommands().get("run").getCommandSpec();
        assertEquals("vms", CompletionScript.kind(run.findOption("--vm")));
        assertEquals("distributions", CompletionScript.kind(run.findOption("-d")));
        assertEquals("none", CompletionScript.kind(run.findOption("--user")));
        assertEquals("file", CompletionScript.kind(model.findOption("--config")));
        CommandSpec list = model.subcommands().get("list").getCommandSpec();
        assertEquals("words:vms,distributions,jobs", CompletionScript.kind(list.findOption("--names")));
        assertEquals("jobs", CompletionScript.kind(model.subcommands().get("logs").getCommandSpec().positionalParameters().get(0)));
        assertTrue(bash.contains("terminate) opts='-h --help --force'; valued=''; positional='vms'"), bash);
        assertTrue(bash.contains("export) opts='-h --help'; valued=''; positional='distributions file'"), bash);
        assertTrue(bash.contains("run|exec) opts="), bash);
        assertTrue(bash.lines().anyMatch(l -> l.contains("run|exec)") && l.endsWith("guest=1 ;;")),
                "words after run's command are the guest's");
    }

    @Test
    void scripts_parseInTheirShells(@TempDir Path dir) throws Exception {
        Path b = Files.writeString(dir.resolve("uvm.bash"), bash);
        assertEquals("", check(List.of("bash", "-n", b.toString())));
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/zsh")), "zsh is not installed");
        Path z = Files.writeString(dir.resolve("_uvm"), new CompletionScript(model).zsh());
        assertTrue(Files.readString(z).startsWith("#compdef uvm\n"), "zsh finds it by its first line");
        assertEquals("", check(List.of("zsh", "-n", z.toString())));
    }

    private static String check(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.strip();
    }
}
