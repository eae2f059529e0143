package dev.uvm.client;

import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code uvm status}: the daemon's version, backend, acceleration, config and addresses. */
@Command(name = "status", description = "Show the daemon's version, backend, acceleration, config and socket.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        DaemonMessage.Status s = main.requestRunning(new ClientMessage.GetStatus(), DaemonMessage.Status.class,
                " (it starts with the first `uvm run`, or with `uvm daemon`)");
        if (s == null) {
            return 1;
        }
        if (json) {
            System.out.println(s.prettyJson());
            return 0;
        }
        line("version", s.version());
        line("pid", s.pid());
        line("socket", s.socket());
        line("config", s.config());
        line("stateDir", s.stateDir());
        line("backend", s.backend());
        line("acceleration", s.acceleration());
        line("guestKernel", s.guestKernel());
        line("metricsAddress", s.metricsAddress());
        line("clients", s.clients());
        line("configStatus", s.configStatus());
        return 0;
    }

    private static void line(String key, Object value) {
        System.out.printf("%-15s %s%n", key + ":", value == null ? "-" : value);
    }
}
