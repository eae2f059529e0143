package dev.uvm.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small distribution for the tests: a busybox root file system made on the host and packed
 * with the host's GNU tar, holding one of each thing a tarball must carry across an import and an
 * export: a file with an owner and a setuid mode, a hard link, a symbolic link, a character device
 * (when the tests run as root) and a user xattr.
 */
final class Rootfs {
    private static final List<String> APPLETS = List.of("sh", "ls", "cat", "echo", "id", "pwd", "hostname", "sync",
            "rm", "dd", "sleep", "ps", "mkdir", "printf", "stat", "wc", "head", "tail", "grep", "touch", "true", "false",
            "test", "env", "kill", "uname", "df", "du", "sed", "tr", "od", "cut", "date", "mount", "wget", "nslookup", "httpd");

    private Rootfs() {
    }

    /** Whether device nodes can be made (root). */
    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Builds the tree under {@code dir} and packs it into {@code tarball} (tar.gz when the name ends so). */
    static Path tarball(Path dir, Path tarball) throws IOException, InterruptedException {
        Path root = Files.createDirectories(dir);
        for (String d : List.of("bin", "etc", "root", "home/alice", "tmp", "srv", "dev", "proc", "sys", "run", "data")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        for (String a : APPLETS) {
            Files.createSymbolicLink(root.resolve("bin/" + a), Path.of("busybox"));
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                + "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nalice:x:1000:\n");
        Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(root.resolve("root"), PosixFilePermissions.fromString("rwx------"));
        Path file = root.resolve("srv/file");
        Files.writeString(file, "carried across\n");
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class)
                .write("uvm.test", ByteBuffer.wrap("xattr-value".getBytes(StandardCharsets.UTF_8)));
        Files.createLink(root.resolve("srv/hard"), file);
        Files.createSymbolicLink(root.resolve("srv/link"), Path.of("file"));
        Path setuid = root.resolve("srv/setuid");
        Files.writeString(setuid, "#!/bin/sh\n");
        List<String> cmds = new ArrayList<>();
        cmds.add("chown -R 1000:1000 " + root.resolve("home/alice") + " " + setuid);
        cmds.add("chmod 4755 " + setuid);
        if (root()) {
            cmds.add("mknod " + root.resolve("srv/null") + " c 1 3");
        }
        sh(String.join(" && ", cmds));
        String compress = tarball.toString().endsWith(".gz") ? "-z " : "";
        sh("tar " + compress + "--xattrs --xattrs-include='*' --numeric-owner -C " + root + " -cf " + tarball + " .");
        return tarball;
    }

    /** The host's GNU tar listing of a tarball, owners, modes, links and xattrs included, sorted by name. */
    static List<String> listing(Path tarball) throws IOException, InterruptedException {
        return sh("tar --xattrs --xattrs-include='*' --numeric-owner -tvvf " + tarball
                + " | sed -E 's/ [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} / /' | sort").lines().toList();
    }

    static String sh(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("`" + command + "` failed: " + out);
        }
        return out;
    }
}
