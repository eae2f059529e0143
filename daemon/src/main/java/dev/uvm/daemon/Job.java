package dev.uvm.daemon;

import dev.uvm.agent.AgentChannel;
import dev.uvm.agent.ChannelListener;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.Session;
import dev.uvm.protocol.JobInfo;
import dev.uvm.vm.RunningVm;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background job ({@code uvm run --detach}): a guest process that holds a
 * {@link Session.Kind#BACKGROUND} session, so its VM stays up until the process ends, and whose
 * output goes to a {@link JobLog} instead of a client.
 *
 * <p>Concurrency: the job's own thread consumes {@link Event}s from one queue (VM ready, output,
 * exit, VM lost), writes output to the log and only then acknowledges it to the agent, so a job
 * is flow-controlled by its log like a run session by its client. Other threads read the public
 * state (volatile) and call {@link #signal}.
 */
final class Job {
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
            return name().toLowerCase();
        }
    }

    private sealed interface Event permits VmReady, VmFailed, Output, Exited, Lost {
    }

    private record VmReady(RunningVm vm) implements Event {
    }

    private record VmFailed(String message) implements Event {
    }

    private record Output(byte[] data) implements Event {
    }

    private record Exited(int status) implements Event {
    }

    private record Lost(String reason) implements Event {
    }

    final int id;
    final RunRequest request;
    final long startedMillis = System.currentTimeMillis();
    final JobLog output;
    private final Scheduler scheduler;
    private final Session session;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
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
        this.scheduler = scheduler;
        this.session = new Session(Session.Kind.BACKGROUND, lost -> events.add(new Lost(lost.message())));
    }

    /** Opens the session and starts the job's thread. */
    void begin() {
        scheduler.open(request.vm(), session).whenComplete((vm, err) -> events.add(err == null ? new VmReady(vm)
                : new VmFailed(err instanceof CompletionException && err.getCause() != null
                        ? err.getCause().getMessage() : err.getMessage())));
        Thread t = new Thread(this::run, "job-" + id);
        t.setDaemon(true);
        t.start();
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

    private void run() {
        try {
            while (true) {
                Event ev = events.take();
                if (ev instanceof VmReady r) {
                    if (!exec(r.vm())) {
                        return;
                    }
                } else if (ev instanceof Output o) {
                    output.append(o.data());
                    channel.acknowledgeOutput(o.data().length);
                } else if (ev instanceof Exited x) {
                    end(State.EXITED, x.status(), null);
                    return;
                } else if (ev instanceof VmFailed f) {
                    end(State.FAILED, -1, f.message());
                    return;
                } else if (ev instanceof Lost l) {
                    end(channel == null ? State.FAILED : State.LOST, -1, l.reason());
                    return;
                }
            }
        } catch (IOException e) {
            end(State.LOST, -1, "job " + id + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(State.LOST, -1, "the daemon is stopping");
        } finally {
            scheduler.close(request.vm(), session);
            started.completeExceptionally(new IOException(message == null ? "job ended" : message));
        }
    }

    private boolean exec(RunningVm vm) throws IOException {
        synchronized (signalLock) {
            try {
                channel = vm.agent().exec(request.exec(), listener());
                channel.closeStdin();
            } catch (IOException e) {
                end(State.FAILED, -1, "cannot start the command in VM " + request.vm() + ": " + e.getMessage());
                return false;
            }
            state = State.RUNNING;
            if (pendingSignal != 0) {
                channel.signal(pendingSignal);
            }
        }
        log.info("job {} started in VM {} ({}): {}", id, request.vm(), session, request.exec().argv());
        started.complete(null);
        return true;
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
        return new JobInfo(String.valueOf(id), request.vm(), request.exec().argv(), state.label(),
                state == State.EXITED ? exitCode : null, startedMillis, endedMillis, output.size(), message);
    }

    private ChannelListener listener() {
        return new ChannelListener() {
            @Override
            public void onStdout(byte[] data) {
                events.add(new Output(data));
            }

            @Override
            public void onStderr(byte[] data) {
                events.add(new Output(data));
            }

            @Override
            public void onExit(int status) {
                events.add(new Exited(status));
            }

            @Override
            public void onBroken(String reason) {
                events.add(new Lost("VM " + request.vm() + " stopped: " + reason));
            }
        };
    }
}
