package dev.uvm.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uvm.protocol.Wire;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code uvm jobs}: the background jobs with their VM, command, state, exit status and start time. */
@Command(name = "jobs", description = "List background jobs (uvm run --detach): id, VM, state, exit status, start, command.")
final class JobsCommand implements Callable<Integer> {
    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @ParentCommand
    Main main;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        JsonNode result = main.requestRunning(Wire.message("jobs"), " (so there are no jobs)");
        if (result == null) {
            return 1;
        }
        if (json) {
            System.out.println(Wire.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.get("jobs")));
            return 0;
        }
        System.out.printf("%-5s %-12s %-8s %-5s %-19s %s%n", "ID", "VM", "STATE", "EXIT", "STARTED", "COMMAND");
        for (JsonNode job : result.get("jobs")) {
            List<String> argv = new ArrayList<>();
            job.path("argv").forEach(a -> argv.add(a.asText()));
            System.out.printf("%-5s %-12s %-8s %-5s %-19s %s%n", job.path("id").asText(), job.path("vm").asText(),
                    job.path("state").asText(), job.path("exitCode").isInt() ? job.path("exitCode").asText() : "-",
                    STARTED.format(Instant.ofEpochMilli(job.path("startedMillis").asLong())), String.join(" ", argv));
            if (job.hasNonNull("message")) {
                System.out.println("      " + job.path("message").asText().lines().findFirst().orElse(""));
            }
        }
        return 0;
    }
}
