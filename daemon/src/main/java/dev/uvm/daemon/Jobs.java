package dev.uvm.daemon;

import dev.uvm.core.lifecycle.Scheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's background jobs, by id (1, 2, ...), with their logs in a folder of the state
 * folder. The folder is named after the socket, which one daemon at a time owns, so daemons that
 * share a state folder never touch each other's logs. Jobs do not outlive the daemon (their
 * guest processes hang on its agent connections): the folder is emptied when a daemon starts.
 * Finished jobs are kept for {@code logs} until more than {@link #KEEP_FINISHED} have piled up.
 */
final class Jobs {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);
    /** Finished jobs kept (with their logs) for {@code jobs} and {@code logs}. */
    static final int KEEP_FINISHED = 50;

    private final Scheduler scheduler;
    private final Path dir;
    private final long partBytes;
    private final Map<Integer, Job> jobs = new TreeMap<>();
    private int lastId;

    Jobs(Scheduler scheduler, Path dir, long partBytes) {
        this.scheduler = scheduler;
        this.dir = dir;
        this.partBytes = partBytes;
    }

    /** The jobs of the daemon serving {@code socket}, logging under {@code stateDir/jobs/}. */
    static Jobs open(Scheduler scheduler, Path stateDir, Path socket) throws IOException {
        Path dir = stateDir.resolve("jobs").resolve(folderName(socket));
        OwnerOnlyFiles.createDirectory(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.deleteIfExists(p);
            }
        }
        return new Jobs(scheduler, dir, JobLog.DEFAULT_PART_BYTES);
    }

    /** A short, stable folder name for a socket path. */
    static String folderName(Path socket) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            return "sock-" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    Path dir() {
        return dir;
    }

    /** Creates a job and starts it; its {@link Job#started} future says when it runs. */
    Job start(RunRequest request) throws IOException {
        Job job;
        synchronized (this) {
            int id = ++lastId;
            job = new Job(id, request, new JobLog(dir.resolve(id + ".log"), partBytes), scheduler);
            jobs.put(id, job);
            prune();
        }
        job.begin();
        return job;
    }

    /** The job with this id; the message of the exception names the known ones. */
    synchronized Job get(String id) throws NoSuchJobException {
        Job job = null;
        try {
            job = jobs.get(Integer.parseInt(id.strip()));
        } catch (NumberFormatException ignored) {
            // Not a number: no such job.
        }
        if (job == null) {
            throw new NoSuchJobException("no job " + id + " (known: "
                    + (jobs.isEmpty() ? "none" : String.join(", ", jobs.keySet().stream().map(String::valueOf).toList()))
                    + "; see uvm jobs)");
        }
        return job;
    }

    synchronized List<Job> all() {
        return new ArrayList<>(jobs.values());
    }

    /** Drops the oldest finished jobs beyond {@link #KEEP_FINISHED}, with their logs. */
    private void prune() {
        long finished = jobs.values().stream().filter(j -> isFinished(j.state())).count();
        for (Iterator<Job> it = jobs.values().iterator(); it.hasNext() && finished > KEEP_FINISHED; ) {
            Job j = it.next();
            if (isFinished(j.state())) {
                it.remove();
                finished--;
                try {
                    j.output.delete();
                } catch (IOException e) {
                    log.warn("deleting the log of job {}: {}", j.id, e.getMessage());
                }
            }
        }
    }

    static boolean isFinished(Job.State s) {
        return s != Job.State.STARTING && s != Job.State.RUNNING;
    }

    /** A request named a job that does not exist. */
    static final class NoSuchJobException extends Exception {
        NoSuchJobException(String message) {
            super(message);
        }
    }
}
