package dev.uvm.client;

import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.ExitStatus;
import dev.uvm.protocol.Wire;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code uvm logs [-f] ID}: a background job's output (stdout and stderr, as the job wrote them). */
@Command(name = "logs", description = "Print a background job's output; with -f, follow it until the job ends.")
final class LogsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the job ends.")
    boolean follow;

    @Parameters(paramLabel = "ID", description = "The job (see uvm jobs).")
    String job;

    @Override
    public Integer call() throws IOException {
        try (DaemonConnection conn = main.connect(false)) {
            conn.send(new ClientMessage.ReadLog(job, follow));
            OutputStream stdout = new FileOutputStream(FileDescriptor.out);
            while (true) {
                Wire.Frame f = Wire.read(conn.in);
                switch (f.type()) {
                    case Wire.STDOUT -> stdout.write(f.payload());
                    case Wire.STDERR -> System.err.write(f.payload());
                    case Wire.CONTROL -> {
                        DaemonMessage msg = DaemonMessage.decode(f, null);
                        if (msg instanceof DaemonMessage.Failure e) {
                            System.err.println("uvm: " + e.message());
                            return e.code();
                        }
                        if (msg instanceof DaemonMessage.LogEnd) {
                            return 0;
                        }
                    }
                    default -> throw new Wire.ProtocolException("unexpected frame type " + f.type() + " from daemon");
                }
            }
        } catch (EOFException e) {
            System.err.println("uvm: lost the connection to the daemon while reading the log");
            return ExitStatus.UVM_ERROR;
        } catch (IOException e) {
            if (!DaemonConnection.noDaemon(e)) {
                throw e;
            }
            System.err.println("uvm: no daemon is running on " + main.socketPath() + " (so there are no jobs)");
            return 1;
        }
    }
}
