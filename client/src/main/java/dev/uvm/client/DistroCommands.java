package dev.uvm.client;

import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.ExitStatus;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The commands that manage distributions (docs/distributions.md). */
final class DistroCommands {
    private DistroCommands() {
    }

    /** {@code uvm install [debian] [--name NAME] [--release R] [--user U] [--vm VM]}. */
    @Command(name = "install", description = "Install a Debian distribution, built with Debian's mmdebstrap, and register it.")
    static final class Install implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Parameters(arity = "0..1", paramLabel = "SOURCE", defaultValue = "debian", description = "What to install: debian.")
        String source;

        @Option(names = "--name", paramLabel = "NAME", description = "Its name (default: the source's name).")
        String name;

        @Option(names = "--release", paramLabel = "RELEASE", defaultValue = "bookworm",
                description = "Debian release (default: ${DEFAULT-VALUE}).")
        String release;

        @Option(names = "--user", paramLabel = "USER",
                description = "Create this user (sudo without a password) and make it the default user.")
        String user;

        @Option(names = "--vm", paramLabel = "VM", description = "The VM it lives in (default: default).")
        String vm;

        @Override
        public Integer call() throws IOException {
            try (DaemonConnection conn = main.connect(true)) {
                int status = TransferClient.transfer(conn, new ClientMessage.InstallDistro(name != null ? name : source,
                        vm, source, release, user), null, null);
                if (status == 0) {
                    System.err.println("uvm: installed " + (name != null ? name : source) + "; `uvm shell -d "
                            + (name != null ? name : source) + "` opens a shell in it");
                }
                return status;
            }
        }
    }

    /** {@code uvm import NAME FILE|- [--vm VM]}. */
    @Command(name = "import", description = "Register a root file system tarball (tar, tar.gz, tar.xz; - for stdin) as a distribution.")
    static final class Import implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Parameters(index = "0", paramLabel = "NAME", description = "The distribution's name.")
        String name;

        @Parameters(index = "1", paramLabel = "FILE", description = "The tarball, or - for stdin.")
        String file;

        @Option(names = "--vm", paramLabel = "VM", description = "The VM it lives in (default: default).")
        String vm;

        @Override
        public Integer call() throws IOException {
            InputStream tarball;
            try {
                tarball = file.equals("-") ? new FileInputStream(FileDescriptor.in) : Files.newInputStream(Path.of(file));
            } catch (NoSuchFileException e) {
                System.err.println("uvm: " + file + ": no such file");
                return ExitStatus.BAD_REQUEST;
            }
            try (DaemonConnection conn = main.connect(true)) {
                return TransferClient.transfer(conn, new ClientMessage.ImportDistro(name, vm), tarball, null);
            }
        }
    }

    /** {@code uvm export NAME FILE|-}. */
    @Command(name = "export", description = "Write a distribution's files as a tar archive to FILE (- for stdout).")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Parameters(index = "0", paramLabel = "DISTRO", description = "The distribution.")
        String name;

        @Parameters(index = "1", paramLabel = "FILE", description = "The tar file to write, or - for stdout.")
        String file;

        @Override
        public Integer call() throws IOException {
            if (file.equals("-")) {
                if (System.console() != null) {
                    System.err.println("uvm: not writing a tar archive to a terminal; give a file or redirect stdout");
                    return ExitStatus.USAGE;
                }
                try (DaemonConnection conn = main.connect(true)) {
                    OutputStream out = new FileOutputStream(FileDescriptor.out);
                    return TransferClient.transfer(conn, new ClientMessage.ExportDistro(name), null, out);
                }
            }
            // Written next to the target and renamed into place: a failed export leaves no partial file.
            Path target = Path.of(file).toAbsolutePath();
            Path partial = target.resolveSibling("." + target.getFileName() + ".uvm-partial");
            int status;
            try (DaemonConnection conn = main.connect(true); OutputStream out = Files.newOutputStream(partial)) {
                status = TransferClient.transfer(conn, new ClientMessage.ExportDistro(name), null, out);
            } catch (IOException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            if (status == 0) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(partial);
            }
            return status;
        }
    }

    /** {@code uvm unregister NAME}. */
    @Command(name = "unregister", description = "Stop a distribution's processes and delete it with all its files.")
    static final class Unregister implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Parameters(paramLabel = "DISTRO", description = "The distribution.")
        String name;

        @Override
        public Integer call() throws IOException {
            return done(main, new ClientMessage.UnregisterDistro(name));
        }
    }

    /** {@code uvm set-default NAME}. */
    @Command(name = "set-default", aliases = "setdefault",
            description = "Make a distribution the one that runs use when they name none.")
    static final class SetDefault implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Parameters(paramLabel = "DISTRO", description = "The distribution.")
        String name;

        @Override
        public Integer call() throws IOException {
            return done(main, new ClientMessage.SetDefaultDistro(name));
        }
    }

    private static int done(Main main, ClientMessage request) throws IOException {
        try (DaemonConnection conn = main.connect(true)) {
            System.err.println("uvm: " + conn.request(request, DaemonMessage.DistroDone.class).message());
            return 0;
        } catch (DaemonConnection.DaemonError e) {
            System.err.println("uvm: " + e.getMessage());
            return e.exitCode();
        }
    }
}
