package dev.uvm.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The output of one background job, kept in a file of bounded size: when the current part reaches
 * {@code partBytes} it becomes {@code NAME.1} (replacing the older one) and a new part starts, so
 * a job never holds more than two parts on disk and a reader sees at least the last
 * {@code partBytes} of output.
 *
 * <p>Readers address output by its absolute offset since the job started; output that was rotated
 * away is reported as skipped. Concurrency: one writer (the job's thread) and any number of
 * readers; all state is guarded by this object's monitor, and readers wait on it for more output.
 */
final class JobLog implements AutoCloseable {
    /** Default size of one part, in bytes; a job keeps at most two parts. */
    static final long DEFAULT_PART_BYTES = 8L << 20;

    private final Path current;
    private final Path previous;
    private final long partBytes;
    private FileChannel out;
    /** Bytes ever appended; the absolute offset of the next byte. */
    private long written;
    /** Absolute offset of the first byte of the current part. */
    private long currentStart;
    /** Absolute offset of the first byte of the previous part, or -1 when there is none. */
    private long previousStart = -1;
    private boolean finished;

    /** What a read returned: bytes from {@code position}, after {@code skipped} bytes lost to rotation. */
    record Chunk(byte[] data, long skipped, long next, boolean finished) {
    }

    JobLog(Path file, long partBytes) throws IOException {
        this.current = file;
        this.previous = file.resolveSibling(file.getFileName() + ".1");
        this.partBytes = partBytes;
        Files.deleteIfExists(previous);
        this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    synchronized void append(byte[] data) throws IOException {
        if (finished) {
            return;
        }
        if (written > currentStart && written - currentStart + data.length > partBytes) {
            rotate();
        }
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        written += data.length;
        notifyAll();
    }

    private void rotate() throws IOException {
        out.close();
        Files.move(current, previous, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        previousStart = currentStart;
        currentStart = written;
        out = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** No more output will come; wakes every follower. */
    synchronized void finish() {
        finished = true;
        notifyAll();
    }

    synchronized long size() {
        return written;
    }

    /** Reads up to {@code max} bytes at absolute {@code position}; an empty chunk means none yet. */
    synchronized Chunk read(long position, int max) throws IOException {
        long oldest = previousStart >= 0 ? previousStart : currentStart;
        long skipped = 0;
        if (position < oldest) {
            skipped = oldest - position;
            position = oldest;
        }
        if (position >= written) {
            return new Chunk(new byte[0], skipped, position, finished);
        }
        boolean inPrevious = position < currentStart;
        long end = inPrevious ? currentStart : written;
        Path file = inPrevious ? previous : current;
        long offset = position - (inPrevious ? previousStart : currentStart);
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(max, end - position));
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buf.hasRemaining() && in.read(buf, offset + buf.position()) >= 0) {
                // Keep reading: the bytes up to `end` were written before this read began.
            }
        }
        buf.flip();
        byte[] data = new byte[buf.remaining()];
        buf.get(data);
        long next = position + data.length;
        return new Chunk(data, skipped, next, finished && next >= written);
    }

    /** Waits until output beyond {@code position} exists, the log is finished, or the time is up. */
    synchronized void awaitBeyond(long position, long timeoutMillis) throws InterruptedException {
        long until = System.nanoTime() + timeoutMillis * 1_000_000;
        while (written <= position && !finished) {
            long left = (until - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }

    /** Closes the file and deletes both parts (a pruned job). */
    synchronized void delete() throws IOException {
        close();
        Files.deleteIfExists(current);
        Files.deleteIfExists(previous);
    }

    @Override
    public synchronized void close() throws IOException {
        finished = true;
        notifyAll();
        out.close();
    }
}
