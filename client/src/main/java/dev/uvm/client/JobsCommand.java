package dev.uvm.client;

import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.JobInfo;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
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
        DaemonMessage.JobList result = main.requestRunning(new ClientMessage.ListJobs(), DaemonMessage.JobList.class,
                " (so there are no jobs)");
        if (result == null) {
            return 1;
        }
        if (json) {
            System.out.println(result.prettyJson());
            return 0;
        }
        System.out.printf("%-5s %-12s %-8s %-5s %-19s %s%n", "ID", "VM", "STATE", "EXIT", "STARTED", "COMMAND");
        for (JobInfo job : result.jobs()) {
            System.out.printf("%-5s %-12s %-8s %-5s %-19s %s%n", job.id(), job.vm(), job.state(),
                    job.exitCode() != null ? job.exitCode() : "-",
                    STARTED.format(Instant.ofEpochMilli(job.startedMillis())), String.join(" ", job.argv()));
            if (job.message() != null) {
                System.out.println("      " + job.message().lines().findFirst().orElse(""));
            }
        }
        return 0;
    }
}
