package dev.uvm.qemu.driver;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What the daemon records about a running VM in its state folder, so that a restarted daemon can
 * find it again: the VMM pid, its control sockets' folder, the accelerator, when it started, and
 * which configuration it was booted with. Written atomically (temporary file, then rename).
 */
public record VmRecord(String name, long pid, String runDir, String accel, long startedAtMillis,
                       String configFingerprint, long daemonPid) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static VmRecord read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), VmRecord.class);
    }
}
