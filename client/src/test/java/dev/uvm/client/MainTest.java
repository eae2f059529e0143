package dev.uvm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The client's command line: short forms, and building only the subcommand that is asked for. */
class MainTest {
    @Test
    void subcommandTable_matchesTheNamesAndAliasesOfTheCommands() {
        Map<String, CommandLine> all = Main.commandLine(null, new String[0]).getSubcommands();
        assertEquals(Main.SUBCOMMANDS.keySet(), all.keySet());
        all.forEach((name, cl) -> assertEquals(Main.SUBCOMMANDS.get(name), cl.getCommand().getClass(), name));
    }

    @Test
    void everySubcommand_takesHelp() {
        // daemon and config are parsed by the daemon's own model, which has its --help
        Main.commandLine(null, new String[0]).getSubcommands().forEach((name, cl) -> assertTrue(
                Set.of("daemon", "config").contains(name) || cl.getCommandSpec().optionsMap().containsKey("--help"),
                "uvm " + name + " --help"));
    }

    @Test
    void namedSubcommand_isTheOnlyOneBuilt() {
        CommandLine cl = Main.commandLine("exec", new String[0]);
        assertEquals(Set.of("run", "exec"), cl.getSubcommands().keySet());
        assertEquals(RunCommand.class, cl.getSubcommands().get("run").getCommand().getClass());
    }

    @Test
    void noOrUnknownOrHelpSubcommand_buildsThemAll() {
        for (String name : new String[] {null, "help", "--help", "-V", "statu"}) {
            assertEquals(Main.SUBCOMMANDS.keySet(), Main.commandLine(name, new String[0]).getSubcommands().keySet(), name);
        }
    }

    @Test
    void subcommandName_isTheFirstWordAfterTheGlobalOptions() {
        assertEquals("run", Main.subcommandName(new String[] {"--socket", "/s", "--config=/c", "run", "--", "ls"}));
        assertNull(Main.subcommandName(new String[] {"--socket"}));
        assertNull(Main.subcommandName(new String[0]));
    }

    @Test
    void shorthand_expandsPlainUvmAndDoubleDash() {
        assertArrayEquals(new String[] {"--socket", "/s", "shell"}, Main.shorthand(new String[] {"--socket", "/s"}));
        assertArrayEquals(new String[] {"run", "--", "ls"}, Main.shorthand(new String[] {"--", "ls"}));
        assertArrayEquals(new String[] {"--socket"}, Main.shorthand(new String[] {"--socket"}));
    }

    @Test
    void shorthand_givesADistributionToTheCommandThatFollows() {
        assertArrayEquals(new String[] {"shell", "-d", "debian"}, Main.shorthand(new String[] {"-d", "debian"}));
        assertArrayEquals(new String[] {"--socket", "/s", "run", "-d", "debian", "--", "ls"},
                Main.shorthand(new String[] {"--socket", "/s", "-d", "debian", "--", "ls"}));
        assertArrayEquals(new String[] {"shell", "-d", "alpine", "-u", "bob"},
                Main.shorthand(new String[] {"--distribution=alpine", "shell", "-u", "bob"}));
    }
}
