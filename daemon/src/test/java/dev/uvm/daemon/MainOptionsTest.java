package dev.uvm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** uvm's own options are accepted after the subcommand too, as unit files often put them. */
class MainOptionsTest {

    @Test
    void configAndSocket_afterTheSubcommand_meanTheSameAsBefore() {
        Main before = new Main();
        new CommandLine(before).parseArgs("--config", "/etc/uvm/a.conf", "--socket", "/run/a.sock", "daemon");
        Main after = new Main();
        new CommandLine(after).parseArgs("daemon", "--config", "/etc/uvm/a.conf", "--socket", "/run/a.sock");
        assertEquals(Path.of("/etc/uvm/a.conf"), before.config);
        assertEquals(before.config, after.config);
        assertEquals(before.socket, after.socket);
    }
}
