package dev.uvm.qemu.driver;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saved states of suspended VMs in the daemon's state folder: {@code vms/NAME.snapshot} (the
 * QEMU migration stream) and {@code vms/NAME.snapshot.info} (what it was saved with). The info is
 * written before the stream is renamed into place, so a stream without info is never trusted.
 */
final class SavedVms {
    private static final Logger log = LoggerFactory.getLogger(SavedVms.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATA = ".snapshot";
    private static final String INFO = ".snapshot.info";
    private static final String PARTIAL = ".snapshot.tmp";
    private static final java.util.Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /**
     * What a saved VM was saved with.
     *
     * @param argv      the exact QEMU command line of the saved VM; a restore repeats it
     * @param inputs    identity (path, size, modification time) of the QEMU binary, kernel and initrd
     * @param bytes     size of the migration stream
     */
    record Info(String name, List<String> argv, List<String> inputs, long savedAtMillis, long bytes) {
    }

    private final Path dir;

    SavedVms(Path dir) {
        this.dir = dir;
    }

    Path data(String vm) {
        return dir.resolve(vm + DATA);
    }

    Path partial(String vm) {
        return dir.resolve(vm + PARTIAL);
    }

    private Path info(String vm) {
        return dir.resolve(vm + INFO);
    }

    /**
     * Makes room for a new save: removes any older state of the VM and creates the file the
     * stream goes to, readable by the daemon's user only (it holds the guest's memory).
     */
    Path prepare(String vm) throws IOException {
        Files.createDirectories(dir);
        delete(vm);
        return Files.createFile(partial(vm), PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }

    /**
     * Records a finished save: the stream and the info are flushed to the disk, then the info is
     * renamed into place, then the stream, then the folder is flushed. A crash at any point leaves
     * either no complete state (a stream without info, or a partial one: deleted by
     * {@link #deletePartials}) or the complete new one.
     */
    void commit(Info info) throws IOException {
        Path tmp = dir.resolve(info.name() + INFO + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), info);
        fsync(tmp, StandardOpenOption.WRITE);
        fsync(partial(info.name()), StandardOpenOption.WRITE);
        Files.move(tmp, info(info.name()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(partial(info.name()), data(info.name()), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        fsync(dir, StandardOpenOption.READ);
    }

    private static void fsync(Path path, StandardOpenOption mode) throws IOException {
        try (FileChannel c = FileChannel.open(path, mode)) {
            c.force(true);
        }
    }

    /**
     * Deletes what saves that never finished left (a daemon that died while saving): partial
     * streams and infos. Only while no save runs, i.e. when the daemon starts.
     */
    void deletePartials() {
        try (Stream<Path> s = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
            s.filter(p -> p.getFileName().toString().endsWith(PARTIAL) || p.getFileName().toString().endsWith(INFO + ".tmp"))
                    .forEach(p -> {
                        try {
                            long bytes = Files.size(p);
                            Files.delete(p);
                            log.info("deleted {} ({} bytes), left by a save that never finished", p, bytes);
                        } catch (IOException e) {
                            log.warn("cannot delete {}: {}", p, e.getMessage());
                        }
                    });
        } catch (IOException e) {
            log.warn("cannot list saved VMs in {}: {}", dir, e.getMessage());
        }
    }

    /** The info of a complete saved state, or empty (none, or unreadable). */
    Optional<Info> find(String vm) {
        if (!Files.isRegularFile(data(vm)) || !Files.isRegularFile(info(vm))) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(info(vm).toFile(), Info.class));
        } catch (IOException e) {
            log.warn("VM {}: unreadable saved-state info {}: {}", vm, info(vm), e.getMessage());
            return Optional.empty();
        }
    }

    /** Names of the VMs with a complete saved state. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(INFO))
                    .map(n -> n.substring(0, n.length() - INFO.length()))
                    .filter(n -> find(n).isPresent()).forEach(names::add);
        } catch (IOException e) {
            log.warn("cannot list saved VMs in {}: {}", dir, e.getMessage());
        }
        return names;
    }

    /** Deletes every file of a VM's saved state; returns whether there was one. */
    boolean delete(String vm) {
        boolean had = false;
        for (Path p : List.of(data(vm), info(vm), partial(vm), dir.resolve(vm + INFO + ".tmp"))) {
            try {
                had |= Files.deleteIfExists(p) && !p.equals(partial(vm));
            } catch (IOException e) {
                log.warn("VM {}: cannot delete {}: {}", vm, p, e.getMessage());
            }
        }
        return had;
    }

    /**
     * Why a saved state can no longer be restored, or null when it can: one of the files it depends
     * on (the QEMU binary, kernel, initrd, data disk) changed, or the stream's size is not the size
     * that was saved.
     */
    static String mismatch(Info saved, List<String> inputsNow, long bytesNow) {
        if (bytesNow != saved.bytes()) {
            return "the saved state is " + bytesNow + " bytes, not the " + saved.bytes() + " that were saved"
                    + " (truncated or overwritten)";
        }
        if (!saved.inputs().equals(inputsNow)) {
            return "the QEMU binary, kernel, initrd or data disk changed since the save (" + saved.inputs() + " is now "
                    + inputsNow + ")";
        }
        return null;
    }

    /**
     * How the QEMU command line a boot would use now differs from the one the VM was saved with
     * (memory, processors, kernel command line, or a newer uvm's options), or null when it does not.
     * A restore repeats the saved command line, so such a change waits for the VM's next cold boot.
     */
    static String commandLineChange(Info saved, List<String> argvNow) {
        List<String> was = comparable(saved.argv());
        List<String> now = comparable(argvNow);
        if (was.equals(now)) {
            return null;
        }
        for (int i = 0; i < Math.min(was.size(), now.size()); i++) {
            if (!was.get(i).equals(now.get(i))) {
                return "`" + was.get(i) + "` is now `" + now.get(i) + "`";
            }
        }
        return was.size() + " arguments, now " + now.size();
    }

    /** The command line without the host TSC rate QEMU passes under TCG, which varies between readings. */
    private static List<String> comparable(List<String> argv) {
        return argv.stream().map(a -> a.replaceAll(" ?tsc_early_khz=\\d+", "")).toList();
    }

    /**
     * The identities the files a save depended on have now: the same paths, read again. A restore
     * needs the very files it was saved with, not the ones the config would pick today (after a
     * change of {@code kernel}, or once uvm's own kernel is built, a restore still runs the kernel
     * the VM was saved with, and the change waits for its next cold boot).
     */
    static List<String> inputsNow(Info saved) {
        return saved.inputs().stream().map(id -> {
            int mtime = id.lastIndexOf(':');
            int size = mtime > 0 ? id.lastIndexOf(':', mtime - 1) : -1;
            return size > 0 ? identity(Path.of(id.substring(0, size))) : id;
        }).toList();
    }

    /** Identity of a file for {@link Info#inputs}: path, size and modification time. */
    static String identity(Path file) {
        try {
            return file + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return file + ":missing";
        }
    }
}
