package dev.uvm.daemon;

import dev.uvm.agent.AgentChannel;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.Session;
import dev.uvm.protocol.JobInfo;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background job ({@code uvm run --detach}): a guest process that holds a
 * {@link Session.Kind#BACKGROUND} session, so its VM stays up until the process ends, and whose
 * output goes to a {@link JobLog} instead of a client.
 *
 * <p>Concurrency: the job's own thread runs the {@link GuestProcess} and its callbacks here; it
 * writes output to the log before the output is acknowledged to the agent, so a job is
 * flow-controlled by its log as a run session is by its client. Other threads read the public
 * state (volatile) and call {@link #signal}; the channel and a signal sent before the process
 * runs are guarded by {@code signalLock}.
 */
final class Job implements GuestProcess.Owner {
    private static final Logger log = LoggerFactory.getLogger(Job.class);

    /** Where a job is in its life. */
    enum State {
        /** Waiting for the VM to boot. */
        STARTING,
        RUNNING,
        /** The process ended; {@link #exitCode()} says how. */
        EXITED,
        /** The process never started (the VM could not boot, or the command could not be sent). */
        FAILED,
        /** The VM stopped under the running process. */
        LOST;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    final int id;
    final RunRequest request;
    final long startedMillis = System.currentTimeMillis();
    final JobLog output;
    private final GuestProcess process;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final Object signalLock = new Object();
    private AgentChannel channel;
    private int pendingSignal;
    private volatile State state = State.STARTING;
    private volatile int exitCode = -1;
    private volatile String message;
    private volatile long endedMillis = -1;

    Job(int id, RunRequest request, JobLog output, Scheduler scheduler) {
        this.id = id;
        this.request = request;
        this.output = output;
        this.process = new GuestProcess(scheduler, request.vm(), request.plan(), Session.Kind.BACKGROUND, this);
    }

    /** Starts the job's thread, which opens its session and runs it to the end. */
    void begin() {
        Thread t = new Thread(this::run, "job-" + id);
        t.setDaemon(true);
        t.start();
    }

    private void run() {
        try {
            process.run();
        } finally {
            started.completeExceptionally(new IOException(message == null ? "job ended" : message));
        }
    }

    /** Completes once the process runs in the guest; fails if it never will. */
    CompletableFuture<Void> started() {
        return started;
    }

    State state() {
        return state;
    }

    int exitCode() {
        return exitCode;
    }

    /**
     * Sends a signal to the job's process group; a job still starting gets it as soon as it runs.
     *
     * @return what was done, for the user
     */
    String signal(int signal) throws IOException {
        synchronized (signalLock) {
            if (state == State.STARTING && channel == null) {
                pendingSignal = signal;
                return "job " + id + " is starting; signal " + signal + " will be sent when it runs";
            }
            if (state != State.RUNNING) {
                throw new IllegalStateException("job " + id + " is not running (" + describeState() + ")");
            }
            channel.signal(signal);
            return "sent signal " + signal + " to job " + id;
        }
    }

    @Override
    public void started(AgentChannel ch, String notice) throws IOException {
        synchronized (signalLock) {
            channel = ch;
            ch.closeStdin();
            state = State.RUNNING;
            if (pendingSignal != 0) {
                ch.signal(pendingSignal);
            }
        }
        log.info("job {} started in VM {} ({}): {}", id, request.vm(), process.session(), request.argv());
        started.complete(null);
    }

    @Override
    public void output(int stream, byte[] data) throws IOException {
        output.append(data);
    }

    @Override
    public void ended(GuestProcess.Ending how) {
        if (how instanceof GuestProcess.Exited x) {
            end(State.EXITED, x.status(), null);
        } else if (how instanceof GuestProcess.Failed f) {
            end(State.FAILED, -1, f.message());
        } else if (how instanceof GuestProcess.Lost l) {
            end(State.LOST, -1, l.message());
        } else if (how instanceof GuestProcess.Aborted a) {
            end(State.LOST, -1, "job " + id + " failed: " + a.why());
        }
    }

    private void end(State how, int code, String why) {
        synchronized (signalLock) {
            exitCode = code;
            message = why;
            endedMillis = System.currentTimeMillis();
            state = how;
        }
        output.finish();
        log.info("job {} in VM {}: {}", id, request.vm(), describeState());
    }

    /** A phrase for messages: "running", "exited with status 3", "lost: VM default stopped". */
    String describeState() {
        return switch (state) {
            case EXITED -> "exited with status " + exitCode;
            case FAILED, LOST -> state.label() + (message == null ? "" : ": " + message);
            default -> state.label();
        };
    }

    /** The job as {@code uvm jobs} shows it. */
    JobInfo info() {
        return new JobInfo(String.valueOf(id), request.vm(), request.argv(), state.label(),
                state == State.EXITED ? exitCode : null, startedMillis, endedMillis, output.size(), message);
    }
}
