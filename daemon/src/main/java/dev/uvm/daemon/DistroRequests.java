package dev.uvm.daemon;

import dev.uvm.config.VmConfig;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.Session;
import dev.uvm.daemon.distro.DebianInstaller;
import dev.uvm.daemon.distro.DistroRegistry;
import dev.uvm.daemon.distro.DistroScripts;
import dev.uvm.daemon.distro.Distributions;
import dev.uvm.daemon.distro.GuestShell;
import dev.uvm.metrics.UvmMetrics;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.DistroInfo;
import dev.uvm.protocol.ExitStatus;
import dev.uvm.protocol.Wire;
import dev.uvm.vm.RunningVm;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests about distributions (docs/distributions.md): import, install, export, unregister,
 * set-default, and what {@code uvm list} shows of them. The files move through a guest process in
 * the VM's utility environment ({@link DistroTransfer}, the scripts of {@code DistroScripts});
 * the registry changes only once the guest has done its part.
 */
final class DistroRequests {
    private static final Logger log = LoggerFactory.getLogger(DistroRequests.class);
    private static final Duration UNREGISTER_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration DISK_USE_TIMEOUT = Duration.ofMinutes(2);
    private static final long DISK_USE_EVERY_NANOS = 60_000_000_000L;
    /** When the disk use of each VM's distributions was last measured (System.nanoTime). */
    private final java.util.Map<String, Long> diskUseMeasured = new java.util.concurrent.ConcurrentHashMap<>();

    private final Scheduler scheduler;
    private final Distributions distributions;
    private final UvmMetrics metrics;
    private final Path stateDir;
    private final HostDiskGuard guard;

    DistroRequests(Scheduler scheduler, Distributions distributions, UvmMetrics metrics, Path stateDir) {
        this.scheduler = scheduler;
        this.distributions = distributions;
        this.metrics = metrics;
        this.stateDir = stateDir;
        this.guard = new HostDiskGuard(stateDir);
    }

    private DistroRegistry registry() {
        return distributions.registry();
    }

    /** {@code uvm import}: the client's tarball becomes distribution {@code name}. */
    void importDistro(ClientMessage.ImportDistro req, DataInputStream in, OutputStream out) throws IOException {
        String vm = req.vm() != null ? req.vm() : VmConfig.DEFAULT_NAME;
        if (!reserve(req.name(), out)) {
            return;
        }
        new DistroTransfer(scheduler, vm, req.name(), script(DistroScripts.IMPORT, req.name()), in, out, true, null, false,
                guard, registering(req.name(), vm, "import", null)).run();
    }

    /** {@code uvm install debian}: mmdebstrap's tarball becomes distribution {@code name}. */
    void install(ClientMessage.InstallDistro req, DataInputStream in, OutputStream out) throws IOException {
        String vm = req.vm() != null ? req.vm() : VmConfig.DEFAULT_NAME;
        if (!reserve(req.name(), out)) {
            return;
        }
        List<String> cmd = DebianInstaller.command(req.release(), req.user());
        Process installer;
        try {
            installer = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            registry().release(req.name());
            Wire.send(out, DaemonMessage.Failure.ofUvm("cannot start mmdebstrap (" + e.getMessage()
                    + "); install Debian's mmdebstrap package (scripts/setup.sh does)"));
            return;
        }
        log.info("distribution {}: installing Debian {} into VM {}: {}", req.name(), req.release(), vm, cmd);
        StringBuilder progress = new StringBuilder();
        Thread errors = new Thread(() -> relay(installer.getErrorStream(), out, progress), "mmdebstrap-stderr");
        errors.setDaemon(true);
        errors.start();
        DistroTransfer.Feed feed = ch -> copy(installer.getInputStream(), ch);
        try {
            new DistroTransfer(scheduler, vm, req.name(), script(DistroScripts.IMPORT, req.name()), in, out, false, feed, false,
                    guard, registering(req.name(), vm, "install debian " + req.release(), () -> {
                        String why = installerFailure(installer, errors, progress);
                        return why == null ? null : "mmdebstrap failed: " + why;
                    })).run();
        } finally {
            installer.destroyForcibly();
        }
    }

    /** {@code uvm export}: the distribution's files to the client as a tar stream. */
    void export(ClientMessage.ExportDistro req, DataInputStream in, OutputStream out) throws IOException {
        DistroRegistry.Distro d;
        try {
            d = registry().get(req.name());
        } catch (DistroRegistry.NameException e) {
            Wire.send(out, new DaemonMessage.Failure(e.getMessage(), ExitStatus.BAD_REQUEST));
            return;
        }
        new DistroTransfer(scheduler, d.vm(), d.name(), script(DistroScripts.EXPORT, d.name()), in, out, false, null, true,
                null, new DistroTransfer.Finish() {
                    @Override
                    public DaemonMessage exited(int status, String stdout, String stderr) {
                        return status == 0 ? new DaemonMessage.Exit(0) : DaemonMessage.Failure.ofUvm(
                                "exporting " + d.name() + " failed: " + lastLines(stderr, status));
                    }

                    @Override
                    public DaemonMessage failed(String why) {
                        return DaemonMessage.Failure.ofUvm(why);
                    }
                }).run();
    }

    /** {@code uvm unregister}: ends the distribution's processes, deletes its files, forgets it. */
    DaemonMessage unregister(ClientMessage.UnregisterDistro req) {
        DistroRegistry.Distro d;
        try {
            d = registry().get(req.name());
        } catch (DistroRegistry.NameException e) {
            return new DaemonMessage.Failure(e.getMessage(), ExitStatus.BAD_REQUEST);
        }
        Session session = new Session(Session.Kind.FOREGROUND, lost -> { });
        try {
            RunningVm vm = scheduler.open(d.vm(), session).join();
            GuestShell.Result r = GuestShell.sh(vm, DistroScripts.UNREGISTER, List.of(d.name()), UNREGISTER_TIMEOUT);
            if (r.status() != 0) {
                return DaemonMessage.Failure.ofUvm("deleting the files of " + d.name() + " failed: " + r.why());
            }
            registry().remove(d.name());
            distributions.forget(d.name());
            metrics.removeDistribution(d.name());
            log.info("distribution {}: unregistered; its files in VM {} are deleted", d.name(), d.vm());
            return new DaemonMessage.DistroDone(d.name(), "unregistered " + d.name()
                    + "; its files are deleted and their space given back to the host");
        } catch (CompletionException e) {
            return DaemonMessage.Failure.ofUvm("cannot reach VM " + d.vm() + " to delete the files of " + d.name() + ": "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
        } catch (IOException e) {
            return DaemonMessage.Failure.ofUvm("unregistering " + d.name() + " failed: " + e.getMessage());
        } finally {
            scheduler.close(d.vm(), session);
        }
    }

    /** {@code uvm set-default}. */
    DaemonMessage setDefault(ClientMessage.SetDefaultDistro req) {
        try {
            registry().setDefault(req.name());
            return new DaemonMessage.DistroDone(req.name(), req.name() + " is the default distribution now");
        } catch (DistroRegistry.NameException e) {
            return new DaemonMessage.Failure(e.getMessage(), ExitStatus.BAD_REQUEST);
        } catch (IOException e) {
            return DaemonMessage.Failure.ofUvm("cannot save the registry: " + e.getMessage());
        }
    }

    /**
     * The distributions of VM {@code vm}, for {@code uvm list}; {@code up} is its running instance or
     * null. Their disk use is what was last measured; while the VM runs, it is measured again in the
     * background at most once a minute ({@code du} of a Debian takes a second or two under TCG).
     */
    List<DistroInfo> of(String vm, RunningVm up) {
        if (up != null) {
            long now = System.nanoTime();
            Long last = diskUseMeasured.get(vm);
            if (last == null || now - last > DISK_USE_EVERY_NANOS) {
                diskUseMeasured.put(vm, now);
                CompletableFuture.runAsync(() -> measureDiskUse(vm, up));
            }
        }
        List<DistroInfo> out = new ArrayList<>();
        String defaultName = registry().defaultName();
        for (DistroRegistry.Distro d : registry().all()) {
            if (d.vm().equals(vm)) {
                boolean running = distributions.running(d, up);
                metrics.distribution(d.name(), d.vm()).running(running);
                out.add(new DistroInfo(d.name(), d.vm(), running ? "running" : "stopped", d.name().equals(defaultName),
                        d.diskBytes()));
            }
        }
        return out;
    }

    private void measureDiskUse(String vm, RunningVm up) {
        List<String> names = registry().all().stream().filter(d -> d.vm().equals(vm)).map(DistroRegistry.Distro::name)
                .toList();
        if (names.isEmpty()) {
            return;
        }
        try {
            GuestShell.Result r = GuestShell.sh(up, DistroScripts.DISK_USE, names, DISK_USE_TIMEOUT);
            for (String line : r.stdout().lines().toList()) {
                String[] f = line.strip().split("\\s+");
                if (f.length == 2 && names.contains(f[0])) {
                    long bytes = Long.parseLong(f[1]) * 1024;
                    registry().diskBytes(f[0], bytes);
                    metrics.distribution(f[0], vm).diskBytes(bytes);
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("measuring the disk use of the distributions in VM {}: {}", vm, e.getMessage());
        }
    }

    /** Reserves {@code name} for a new distribution, unless it is taken or the host's disk is nearly full. */
    private boolean reserve(String name, OutputStream out) throws IOException {
        String low = guard.low();
        if (low != null) {
            Wire.send(out, DaemonMessage.Failure.ofUvm("cannot add " + name + ": " + low));
            return false;
        }
        try {
            registry().reserve(name);
            return true;
        } catch (DistroRegistry.NameException e) {
            Wire.send(out, new DaemonMessage.Failure(e.getMessage(), ExitStatus.BAD_REQUEST));
            return false;
        }
    }

    /** What a failed producer of the tarball (the installer) has to say, or null when it did fine. */
    private interface Producer {
        String failure();
    }

    /** Ends an import or install: registers the distribution when the guest unpacked all of it. */
    private DistroTransfer.Finish registering(String name, String vm, String source, Producer producer) {
        return new DistroTransfer.Finish() {
            @Override
            public DaemonMessage exited(int status, String stdout, String stderr) throws IOException {
                String producerFailed = producer == null ? null : producer.failure();
                if (status != 0 || producerFailed != null) {
                    registry().release(name);
                    return new DaemonMessage.Failure(source + " of " + name + " failed: " + (producerFailed != null
                            ? producerFailed : importFailure(status, stderr)),
                            status == DistroScripts.NO_DATA_DISK || hostDiskLow() ? ExitStatus.UVM_ERROR : ExitStatus.BAD_REQUEST);
                }
                long bytes = parseKib(stdout);
                registry().add(new DistroRegistry.Distro(name, vm, System.currentTimeMillis(), source, bytes));
                metrics.distribution(name, vm).diskBytes(bytes);
                log.info("distribution {}: registered in VM {} ({}, {} bytes)", name, vm, source, bytes);
                return new DaemonMessage.Exit(0);
            }

            @Override
            public DaemonMessage failed(String why) {
                registry().release(name);
                return DaemonMessage.Failure.ofUvm(source + " of " + name + " failed: " + why);
            }
        };
    }

    private String importFailure(int status, String stderr) {
        if (hostDiskLow()) {
            return "the host's disk holding " + stateDir + " is full; free some space, then try again ("
                    + lastLines(stderr, status) + ")";
        }
        if (stderr.contains("Read-only file system")) {
            return "the VM's data disk has turned read-only after a write to it failed (was the host's disk full?);"
                    + " `uvm terminate` stops the VM, and its next boot checks and repairs the disk ("
                    + lastLines(stderr, status) + ")";
        }
        return switch (status) {
            case DistroScripts.NO_DATA_DISK -> "the VM's data disk is not mounted (see the VM's console log, logs/NAME.console.log"
                    + " in the state folder)";
            case DistroScripts.EXISTS -> "the data disk holds a folder of that name already, which no registered"
                    + " distribution owns";
            case DistroScripts.ABSOLUTE_PATHS -> "the tarball holds members outside its root (absolute paths or ..),"
                    + " which uvm refuses; nothing was kept";
            case DistroScripts.ZSTD -> "zstd-compressed tarballs are not supported; use tar, tar.gz or tar.xz";
            default -> "the tarball could not be unpacked, so nothing was kept: " + lastLines(stderr, status);
        };
    }

    /** Whether the host's disk is below the guard's reserve: a failed import is then blamed on it. */
    private boolean hostDiskLow() {
        return guard.low() != null;
    }

    /** The installer's failure once it ended, or null when it exited 0. */
    private static String installerFailure(Process installer, Thread errors, StringBuilder progress) {
        try {
            int status = installer.waitFor();
            errors.join(5_000);
            if (status == 0) {
                return null;
            }
            synchronized (progress) {
                return "status " + status + ": " + lastLines(progress.toString(), status);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Copies the installer's progress to the client as STDERR frames, keeping the tail. */
    private static void relay(InputStream from, OutputStream out, StringBuilder tail) {
        byte[] buf = new byte[8192];
        int n;
        try {
            while ((n = from.read(buf)) > 0) {
                synchronized (tail) {
                    tail.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    if (tail.length() > 16_384) {
                        tail.delete(0, tail.length() - 8_192);
                    }
                }
                try {
                    Wire.write(out, Wire.STDERR, buf, 0, n);
                } catch (IOException clientGone) {
                    // Keep draining, so the installer is not blocked; the transfer ends it.
                }
            }
        } catch (IOException ignored) {
            // The installer ended.
        }
    }

    /** Feeds the installer's tarball to the guest's tar. */
    private static void copy(InputStream from, DistroTransfer.Stdin to) throws IOException {
        byte[] buf = new byte[Wire.MAX_DATA];
        int n;
        while ((n = from.read(buf)) > 0) {
            to.write(buf, 0, n);
        }
        to.close();
    }

    private static String lastLines(String text, int status) {
        List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "exit status " + status
                : String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }

    private static long parseKib(String stdout) {
        try {
            return Long.parseLong(stdout.strip().lines().reduce((a, b) -> b).orElse("-1").strip()) * 1024;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static List<String> script(String text, String name) {
        return List.of("/bin/sh", "-c", text, "uvm", name);
    }
}
