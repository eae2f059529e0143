package dev.uvm.daemon;

import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.ExitStatus;
import dev.uvm.protocol.Wire;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The requests about background jobs: {@code run} with {@code detach}, {@code jobs}, {@code logs}
 * and {@code kill} (docs/protocol.md). Errors a user can act on (an unknown job, a job that has
 * ended) are answered with exit code 1; a VM that cannot start the job with 125.
 */
final class JobRequests {
    /** How often a follower re-checks that its client is still there while the job is quiet. */
    private static final long FOLLOW_POLL_MILLIS = 1000;
    /** The longest a detached run waits for its VM before answering (the boot timeout governs). */
    private static final long START_WAIT_MINUTES = 10;

    private final Jobs jobs;

    JobRequests(Jobs jobs) {
        this.jobs = jobs;
    }

    /** Starts a job and answers once its process runs in the guest, or why it could not. */
    DaemonMessage detach(RunRequest request) throws IOException {
        Job job = jobs.start(request);
        try {
            job.started().get(START_WAIT_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            return new DaemonMessage.Failure(job.describeState(), ExitStatus.UVM_ERROR, String.valueOf(job.id));
        } catch (TimeoutException e) {
            // Still booting: the job exists and will run; the client gets its id now.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting job " + job.id);
        }
        return new DaemonMessage.Started(request.vm(), String.valueOf(job.id), job.state().label());
    }

    DaemonMessage.JobList list() {
        return new DaemonMessage.JobList(jobs.all().stream().map(Job::info).toList());
    }

    DaemonMessage kill(ClientMessage.KillJob request) throws IOException {
        try {
            Job job = jobs.get(request.job());
            boolean pending = job.state() == Job.State.STARTING;
            String done = job.signal(request.signal());
            return new DaemonMessage.JobSignalled(String.valueOf(job.id), request.signal(),
                    pending && done.contains("will be sent"), done);
        } catch (Jobs.NoSuchJobException | IllegalStateException e) {
            return new DaemonMessage.Failure(e.getMessage(), ExitStatus.BAD_REQUEST);
        }
    }

    /**
     * Streams a job's log as STDOUT frames, then an {@code end} message with the job's state;
     * with {@code follow}, keeps streaming until the job ends or the client goes away.
     */
    void logs(ClientMessage.ReadLog request, DataInputStream in, OutputStream out) throws IOException {
        Job job;
        try {
            job = jobs.get(request.job());
        } catch (Jobs.NoSuchJobException e) {
            Wire.send(out, new DaemonMessage.Failure(e.getMessage(), ExitStatus.BAD_REQUEST));
            return;
        }
        boolean follow = request.follow();
        Thread follower = Thread.currentThread();
        Thread watcher = null;
        if (follow) {
            // The client sends nothing more: a read that returns means it went away (or broke the protocol).
            watcher = new Thread(() -> {
                try {
                    Wire.read(in);
                } catch (IOException ignored) {
                    // Gone either way.
                }
                follower.interrupt();
            }, "logs-watcher-" + job.id);
            watcher.setDaemon(true);
            watcher.start();
        }
        try {
            long position = 0;
            while (true) {
                JobLog.Chunk c = job.output.read(position, Wire.MAX_DATA);
                if (c.skipped() > 0) {
                    byte[] note = ("uvm: " + c.skipped() + " bytes of older output were discarded (the log keeps the"
                            + " last " + (JobLog.DEFAULT_PART_BYTES >> 20) + "-" + 2 * (JobLog.DEFAULT_PART_BYTES >> 20)
                            + " MB)\n").getBytes(StandardCharsets.UTF_8);
                    Wire.write(out, Wire.STDERR, note, 0, note.length);
                }
                if (c.data().length > 0) {
                    Wire.write(out, Wire.STDOUT, c.data(), 0, c.data().length);
                }
                position = c.next();
                if (c.finished() || (!follow && c.data().length == 0)) {
                    break;
                }
                if (c.data().length == 0) {
                    job.output.awaitBeyond(position, FOLLOW_POLL_MILLIS);
                }
            }
            Wire.send(out, new DaemonMessage.LogEnd(String.valueOf(job.id), job.state().label(),
                    job.state() == Job.State.EXITED ? job.exitCode() : null));
        } catch (InterruptedException e) {
            // The client went away while following.
        } finally {
            if (watcher != null) {
                watcher.interrupt();
            }
        }
    }
}
