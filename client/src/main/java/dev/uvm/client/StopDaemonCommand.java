package dev.uvm.client;

import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code uvm stop-daemon}: stops every VM, then the daemon. */
@Command(name = "stop-daemon", description = {"Stop every VM, then the daemon; waits until it is gone.",
        "Distributions keep their files, and suspended VMs stay saved for the next daemon. Lost: what the utility"
                + " environment of a running VM (uvm run --system, or any run while no distribution is installed) holds."})
final class StopDaemonCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @ParentCommand
    Main main;

    @Option(names = "--force", description = "Do not wait for clean power-offs.")
    boolean force;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path sock = main.socketPath();
        try (DaemonConnection conn = main.connect(false)) {
            conn.request(new ClientMessage.StopDaemon(force), DaemonMessage.DaemonStopping.class);
        } catch (IOException e) {
            if (!DaemonConnection.noDaemon(e)) {
                throw e;
            }
            System.err.println("uvm: no daemon is running on " + sock);
            return 0;
        }
        while (Files.exists(sock)) {
            Thread.sleep(20);
        }
        System.err.println("uvm: daemon stopped");
        return 0;
    }
}
