package dev.uvm.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job's bounded log: rotation keeps at most two parts, readers follow by absolute offset. */
class JobLogTest {
    private static final long PART = 1000;

    @TempDir
    Path dir;

    @Test
    void smallOutput_readsBackWhole_andEndsWhenFinished() throws IOException {
        try (JobLog log = new JobLog(dir.resolve("1.log"), PART)) {
            log.append("hello ".getBytes());
            log.append("world\n".getBytes());
            JobLog.Chunk c = log.read(0, 64 * 1024);
            assertEquals("hello world\n", new String(c.data()));
            assertFalse(c.finished());
            log.finish();
            JobLog.Chunk end = log.read(c.next(), 64 * 1024);
            assertEquals(0, end.data().length);
            assertTrue(end.finished());
        }
    }

    @Test
    void manyAppends_keepAtMostTwoParts_andAReaderFromZeroSeesTheSkippedCount() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (JobLog log = new JobLog(dir.resolve("2.log"), PART)) {
            for (int i = 0; i < 500; i++) {
                byte[] line = ("line " + i + "\n").getBytes();
                all.writeBytes(line);
                log.append(line);
            }
            long onDisk;
            try (Stream<Path> files = Files.list(dir)) {
                onDisk = files.mapToLong(p -> p.toFile().length()).sum();
            }
            assertTrue(onDisk <= 2 * PART, "bytes on disk: " + onDisk);
            assertEquals(all.size(), log.size());

            ByteArrayOutputStream read = new ByteArrayOutputStream();
            long position = 0;
            long skipped = 0;
            while (true) {
                JobLog.Chunk c = log.read(position, 300);
                skipped += c.skipped();
                if (c.data().length == 0) {
                    break;
                }
                read.writeBytes(c.data());
                position = c.next();
            }
            byte[] expected = all.toByteArray();
            assertEquals(expected.length, skipped + read.size());
            assertArrayEquals(Arrays.copyOfRange(expected, (int) skipped, expected.length), read.toByteArray());
            assertTrue(read.size() >= PART, "at least one whole part is kept");
        }
    }

    @Test
    void follower_wakesOnNewOutputAndOnFinish() throws Exception {
        try (JobLog log = new JobLog(dir.resolve("3.log"), PART)) {
            CompletableFuture<String> follower = CompletableFuture.supplyAsync(() -> {
                StringBuilder seen = new StringBuilder();
                long position = 0;
                try {
                    while (true) {
                        JobLog.Chunk c = log.read(position, 100);
                        seen.append(new String(c.data()));
                        position = c.next();
                        if (c.finished()) {
                            return seen.toString();
                        }
                        if (c.data().length == 0) {
                            log.awaitBeyond(position, 60_000);
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            log.append("a".getBytes());
            log.append("b".getBytes());
            log.finish();
            assertEquals("ab", follower.get(1, TimeUnit.MINUTES));
        }
    }

    @Test
    void delete_removesBothParts() throws IOException {
        JobLog log = new JobLog(dir.resolve("4.log"), PART);
        for (int i = 0; i < 30; i++) {
            log.append(new byte[100]);
        }
        assertTrue(Files.exists(dir.resolve("4.log.1")));
        log.delete();
        assertFalse(Files.exists(dir.resolve("4.log")));
        assertFalse(Files.exists(dir.resolve("4.log.1")));
    }
}
