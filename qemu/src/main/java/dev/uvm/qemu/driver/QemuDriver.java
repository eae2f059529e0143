package dev.uvm.qemu.driver;

import dev.uvm.config.NetworkingMode;
import dev.uvm.config.VmConfig;
import dev.uvm.qemu.Accel;
import dev.uvm.qemu.AccelProbe;
import dev.uvm.qemu.QemuCommandLine;
import dev.uvm.qemu.QemuSpec;
import dev.uvm.qemu.QemuVm;
import dev.uvm.vm.BootException;
import dev.uvm.vm.BootKernel;
import dev.uvm.vm.GuestImage;
import dev.uvm.vm.RunningVm;
import dev.uvm.vm.VmDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots VMs as QEMU microvms with the project's guest image (or the configured kernel/initrd).
 * The accelerator is decided once: KVM only when a probe boot proves it works, else TCG.
 */
public final class QemuDriver implements VmDriver {
    private static final Logger log = LoggerFactory.getLogger(QemuDriver.class);
    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(10);
    /** Unix socket paths are limited to 107 bytes on Linux. */
    private static final int MAX_SOCKET_PATH = 107;
    /** At most this long for a guest to give its caches and free memory back before a save (see QemuVm#shedFreeMemory). */
    private static final Duration SHED_MAX = Duration.ofSeconds(5);

    private final Path qemuBinary;
    private final GuestImage image;
    private final Path runRoot;
    private final Path probeCache;
    private final Path records;
    private final Path disks;
    private final Path logs;
    private final ConsoleLogs consoleLogs;
    private final SavedVms saved;
    /** The user QEMU runs as under a root daemon, or null (see {@link VmmUser}). */
    private final String vmmUser;
    /** The resolvers a jailed QEMU's NAT forwards DNS queries to (see {@link #provideResolvers}). */
    private final Path resolvConf;
    private volatile AccelProbe.Verdict verdict;

    /**
     * @param runRoot  folder for each VM's sockets and logs (short: Unix socket paths are limited)
     * @param stateDir the daemon's state folder; running VMs are recorded under {@code vms/}
     * @param consoleLogBytes size at which a guest's console log is rotated (see {@link ConsoleLogs})
     */
    public QemuDriver(Path qemuBinary, Path imageDir, Path runRoot, Path cacheDir, Path stateDir,
                      String forcedAccel, String vmmUserOverride, long consoleLogBytes) {
        this.vmmUser = VmmUser.forThisDaemon(vmmUserOverride);
        String resolv = System.getenv("UVM_RESOLV_CONF");
        this.resolvConf = Path.of(resolv == null || resolv.isBlank() ? "/etc/resolv.conf" : resolv);
        this.consoleLogs = new ConsoleLogs(consoleLogBytes);
        this.records = stateDir.resolve("vms");
        this.disks = stateDir.resolve("disks");
        this.logs = stateDir.resolve("logs");
        this.saved = new SavedVms(records);
        this.qemuBinary = qemuBinary;
        this.image = new GuestImage(imageDir);
        this.runRoot = runRoot;
        this.probeCache = cacheDir.resolve("accel-probe.json");
        this.verdict = AccelProbe.withoutProbe(forcedAccel);
    }

    /** Decides the accelerator: from the cache, or by a probe boot of {@code template} in the background. */
    @Override
    public void start(VmConfig template) {
        if (verdict != null) {
            log.info("accelerator: {} ({})", verdict.accel().qemuName(), verdict.reason());
            return;
        }
        String key = probeKey(template);
        AccelProbe.Verdict cached = AccelProbe.cached(probeCache, key);
        if (cached != null) {
            verdict = cached;
            log.info("accelerator: {} ({})", cached.accel().qemuName(), cached.reason());
            return;
        }
        Thread t = new Thread(() -> {
            try {
                QemuSpec spec = spec(template, Accel.KVM, runRoot.resolve("kvm-probe"), image.kernel(template, true));
                verdict = AccelProbe.probe(spec, PROBE_DEADLINE, probeCache, key);
                log.info("accelerator: {} ({})", verdict.accel().qemuName(), verdict.reason());
            } catch (BootException e) {
                verdict = new AccelProbe.Verdict(Accel.TCG, "KVM probe impossible: " + e.getMessage());
            }
        }, "kvm-probe");
        t.setDaemon(true);
        t.start();
    }

    /** Ends a KVM probe boot that is still running (the daemon is stopping); no QEMU is left behind. */
    @Override
    public void close() {
        consoleLogs.close();
        String marker = runRoot.resolve("kvm-probe") + "/";
        ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .forEach(p -> {
                    log.info("stopping the KVM probe boot (QEMU pid {}) with the daemon", p.pid());
                    p.destroyForcibly();
                });
    }

    private String probeKey(VmConfig template) {
        try {
            Path kernel = image.kernel(template, true).file();
            return String.join("|", Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip(),
                    qemuBinary.toRealPath().toString(), Long.toString(Files.size(qemuBinary.toRealPath())),
                    kernel.toString(), Long.toString(Files.size(kernel)));
        } catch (IOException | BootException e) {
            return "unknown";
        }
    }

    @Override
    public String name() {
        return "qemu";
    }

    @Override
    public String describe() {
        AccelProbe.Verdict v = verdict;
        return v == null ? "tcg (KVM probe still running)" : v.accel().qemuName() + " (" + v.reason() + ")";
    }

    Accel accel() {
        AccelProbe.Verdict v = verdict;
        return v == null ? Accel.TCG : v.accel();
    }

    @Override
    public String guestKernel() {
        return image.summary(true);
    }

    @Override
    public RunningVm boot(VmConfig config) throws BootException {
        Path runDir = runRoot.resolve(config.name());
        BootKernel kernel = image.kernel(config, true);
        if (kernel.notice() != null) {
            log.warn("VM {}: {}", config.name(), kernel.notice());
        }
        QemuSpec spec = spec(config, accel(), runDir, kernel);
        VmmUser.check(spec);
        provideResolvers(spec);
        discardSaved(config.name(), "it boots cold, which makes its saved state stale");
        DataDisk.prepare(spec.dataDisk(), config.diskBytes());
        consoleLogs.newBoot(spec.consoleLog());
        QemuVm vm = QemuVm.boot(spec, Duration.ofMillis(config.bootTimeoutMillis()));
        log.info("VM {}: QEMU pid {} ready ({}, vmm up {} ms, kernel start {} ms, agent ready {} ms)",
                config.name(), vm.pid(), spec.accel().qemuName(), vm.timings().vmmUpNanos() / 1_000_000,
                vm.timings().kernelStartNanos() / 1_000_000, vm.timings().readyNanos() / 1_000_000);
        return recorded(config, vm, runDir, kernel);
    }

    /** Records a started VM in the state folder, so that a restarted daemon finds it. */
    private RunningVm recorded(VmConfig config, QemuVm vm, Path runDir, BootKernel kernel) {
        QemuSpec spec = vm.spec();
        Path record = records.resolve(config.name() + ".json");
        try {
            new VmRecord(config.name(), vm.pid(), runDir.toString(), spec.accel().name(), System.currentTimeMillis(),
                    fingerprint(config), ProcessHandle.current().pid()).write(record);
        } catch (IOException e) {
            log.warn("VM {}: cannot record it in {} ({}); a daemon restart would not find it", config.name(),
                    record, e.getMessage());
        }
        return watched(new QemuRunningVm(vm, record, kernel), spec);
    }

    /** Caps the VM's console log while it runs. */
    private RunningVm watched(QemuRunningVm vm, QemuSpec spec) {
        consoleLogs.watch(spec.consoleLog());
        vm.exited().whenComplete((how, error) -> consoleLogs.forget(spec.consoleLog()));
        return vm;
    }

    @Override
    public String suspendUnsupported(VmConfig config) {
        return config.hostShare() == null ? null : "it has a hostShare, and QEMU cannot save the state of a 9P share";
    }

    /**
     * Saves the VM to {@code <stateDir>/vms/NAME.snapshot} and ends QEMU, bounded by the VM's
     * shutdown timeout. On failure QEMU is forced down and nothing is kept.
     */
    @Override
    public long suspend(VmConfig config, RunningVm vm) throws IOException {
        QemuVm qemu = ((QemuRunningVm) vm).qemu();
        long start = System.nanoTime();
        try {
            List<String> argv = qemu.commandLine();
            long shed = qemu.shedFreeMemory(SHED_MAX);
            long shedMillis = (System.nanoTime() - start) / 1_000_000;
            Path partial = saved.prepare(config.name());
            qemu.save(partial, Duration.ofMillis(config.shutdownTimeoutMillis()));
            long bytes = Files.size(partial);
            saved.commit(new SavedVms.Info(config.name(), argv, inputs(qemu.spec(), argv), System.currentTimeMillis(),
                    bytes));
            qemu.kill();
            log.info("VM {}: saved to {} ({} MiB in {} ms, of which {} ms for the guest to give back {} MiB it did not"
                    + " need); QEMU pid {} has ended", config.name(), saved.data(config.name()), bytes >> 20,
                    (System.nanoTime() - start) / 1_000_000, shedMillis, shed >> 20, qemu.pid());
            return bytes;
        } catch (IOException | RuntimeException e) {
            String full = fullDisk(); // before the partial file is deleted, which frees the space again
            qemu.kill();
            saved.delete(config.name());
            if (full != null) {
                throw new IOException(full + " (" + e.getMessage() + ")", e);
            }
            throw e instanceof IOException io ? io : new IOException(e.toString(), e);
        }
    }

    /**
     * Restores the VM saved by {@link #suspend}, after checking that the saved state still fits
     * its configuration. The saved state is deleted whatever the outcome: a failed restore is not
     * tried again, the lifecycle boots the VM cold.
     */
    @Override
    public RunningVm restore(VmConfig config) throws BootException {
        String vm = config.name();
        try {
            SavedVms.Info info = saved.find(vm).orElseThrow(() ->
                    new BootException("VM " + vm + ": no complete saved state in " + saved.data(vm)));
            Path runDir = runRoot.resolve(vm);
            QemuSpec spec = spec(config, accel(), runDir, image.kernel(config, true));
            long bytes;
            try {
                bytes = Files.size(saved.data(vm));
            } catch (IOException e) {
                bytes = -1;
            }
            String mismatch = SavedVms.mismatch(info, SavedVms.inputsNow(info), bytes);
            if (mismatch == null && !QemuVm.usesRunFolder(info.argv(), spec)) {
                mismatch = "it was saved by a daemon whose run folder was not " + runDir;
            }
            if (mismatch != null) {
                throw new BootException("VM " + vm + ": cannot restore the saved VM: " + mismatch);
            }
            VmmUser.check(spec);
            provideResolvers(spec);
            String changed = SavedVms.commandLineChange(info, QemuCommandLine.build(spec));
            if (changed != null) {
                log.warn("VM {}: restored with the QEMU command line it was saved with, not the current configuration's"
                        + " ({}): the change applies at the VM's next cold boot (uvm terminate {} stops it now)",
                        vm, changed, vm);
            }
            QemuVm qemu = QemuVm.restore(spec, info.argv(), saved.data(vm), Duration.ofMillis(config.bootTimeoutMillis()));
            log.info("VM {}: QEMU pid {} restored from {} (saved {}; vmm up {} ms, state loaded {} ms, agent {} ms)",
                    vm, qemu.pid(), saved.data(vm), java.time.Instant.ofEpochMilli(info.savedAtMillis()),
                    qemu.timings().vmmUpNanos() / 1_000_000, qemu.timings().kernelStartNanos() / 1_000_000,
                    qemu.timings().readyNanos() / 1_000_000);
            return recorded(config, qemu, runDir, image.describe(fileAfter(info.argv(), "-kernel", spec.kernel())));
        } finally {
            saved.delete(vm);
        }
    }

    /**
     * A jailed QEMU's NAT resolves names with the resolvers its libslirp finds in /etc/resolv.conf, which in the
     * jail is a copy of the host's ({@code UVM_RESOLV_CONF} names another file), taken at each boot and restore.
     */
    private void provideResolvers(QemuSpec spec) {
        if (spec.vmmUser() == null || !spec.nat()) {
            return;
        }
        Path copy = spec.jail().resolve("etc/resolv.conf");
        try {
            Files.createDirectories(copy.getParent());
            Files.copy(resolvConf, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            log.warn("VM {}: cannot give its NAT the host's resolvers ({}: {}); names will not resolve in the guest",
                    spec.name(), resolvConf, e.getMessage());
            try {
                Files.deleteIfExists(copy);
            } catch (IOException ignored) {
                // Nothing more to do.
            }
        }
    }

    /** Below this much free space, a failed save is blamed on the host's disk. */
    private static final long DISK_FULL_BYTES = 16L << 20;

    /** "The host's disk ... is full" when the state folder's disk is (nearly) full, else null. */
    private String fullDisk() {
        try {
            long free = Files.getFileStore(records).getUsableSpace();
            return free < DISK_FULL_BYTES ? "the host's disk holding " + records + " is full (" + (free >> 20)
                    + " MiB free), so the VM's state could not be saved; free some space there" : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void discardSaved(String vm, String why) {
        if (saved.delete(vm)) {
            log.info("VM {}: {}; deleted {}", vm, why, saved.data(vm));
        }
    }

    /**
     * The VMs a previous daemon left running (recorded in the state folder, see {@link #adoptRunning})
     * or saved (see {@link #savedStates}).
     */
    @Override
    public Recovered recover(Map<String, VmConfig> configured) {
        Map<String, RunningVm> running = adoptRunning(configured);
        saved.deletePartials();
        return new Recovered(running, savedStates(configured, running.keySet()));
    }

    /**
     * The VMs a previous daemon saved and that are still configured (they stay suspended), with
     * the size of each one's saved state on disk; saved states of VMs that run anyway are deleted,
     * those of VMs no longer configured are kept (with a warning) for a later daemon.
     */
    private Map<String, Long> savedStates(Map<String, VmConfig> configured, java.util.Set<String> running) {
        Map<String, Long> suspended = new java.util.LinkedHashMap<>();
        for (String vm : saved.names()) {
            if (configured.containsKey(vm) && !running.contains(vm)) {
                log.info("VM {}: found its saved state {}; it is suspended until a session arrives", vm,
                        saved.data(vm));
                long bytes;
                try {
                    bytes = Files.size(saved.data(vm));
                } catch (IOException e) {
                    bytes = 0;
                }
                suspended.put(vm, bytes);
            } else if (configured.containsKey(vm)) {
                discardSaved(vm, "it runs, so its saved state is stale");
            } else {
                log.warn("VM {} is not in the config, but its saved state {} is: kept (a config edit must not cost"
                        + " a user's files); add [vm.{}] back and restart the daemon to restore it, or delete {}*",
                        vm, saved.data(vm), vm, saved.data(vm));
            }
        }
        return suspended;
    }

    /** The file a QEMU command line names after {@code option} ({@code -kernel}, {@code -initrd}), or {@code otherwise}. */
    private static Path fileAfter(List<String> argv, String option, Path otherwise) {
        int i = argv.indexOf(option);
        return i >= 0 && i + 1 < argv.size() ? Path.of(argv.get(i + 1)) : otherwise;
    }

    /** What a saved state depends on beyond the command line: the QEMU binary, kernel, initrd and data disk files. */
    private static List<String> inputs(QemuSpec spec, List<String> argv) {
        return List.of(SavedVms.identity(spec.qemuBinary()),
                SavedVms.identity(fileAfter(argv, "-kernel", spec.kernel())),
                SavedVms.identity(fileAfter(argv, "-initrd", spec.initrd())), SavedVms.identity(spec.dataDisk()));
    }

    /** A digest of the settings a VM was booted with, stable across daemon restarts. */
    static String fingerprint(VmConfig config) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(config.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Finds the VMs a previous daemon left running: each recorded VM that is still configured and
     * healthy is adopted; one that cannot be verified is killed and its record removed; a QEMU
     * process under this daemon's run folder with no record is an orphan and is killed.
     */
    private Map<String, RunningVm> adoptRunning(Map<String, VmConfig> configured) {
        Map<String, RunningVm> adopted = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.exists(records) ? Files.list(records) : Stream.empty()) {
            files = s.filter(p -> p.toString().endsWith(".json")).toList();
        } catch (IOException e) {
            log.warn("cannot read the VM records in {}: {}", records, e.getMessage());
            files = List.of();
        }
        for (Path file : files) {
            recoverOne(file, configured).ifPresent(vm -> adopted.put(vm.getKey(), vm.getValue()));
        }
        killOrphans(adopted.values().stream().map(RunningVm::vmmPid).toList());
        return adopted;
    }

    private java.util.Optional<Map.Entry<String, RunningVm>> recoverOne(Path file, Map<String, VmConfig> configured) {
        VmRecord rec;
        try {
            rec = VmRecord.read(file);
        } catch (IOException e) {
            log.warn("discarding unreadable VM record {}: {}", file, e.getMessage());
            deleteQuietly(file);
            return java.util.Optional.empty();
        }
        if (!Path.of(rec.runDir()).startsWith(runRoot)) {
            log.debug("VM record {} belongs to a daemon on another socket ({}); leaving it alone", file, rec.runDir());
            return java.util.Optional.empty();
        }
        VmConfig config = configured.get(rec.name());
        QemuSpec spec;
        try {
            VmConfig c = config != null ? config : VmConfig.defaults(rec.name());
            spec = spec(c, Accel.valueOf(rec.accel()), Path.of(rec.runDir()), image.kernel(c, true));
        } catch (BootException | IllegalArgumentException e) {
            spec = null;
        }
        if (config != null && spec != null) {
            try {
                QemuVm vm = QemuVm.adopt(spec, rec.pid(), Duration.ofSeconds(5));
                log.info("VM {}: adopted QEMU pid {} left running by daemon pid {} (running since {})", rec.name(),
                        rec.pid(), rec.daemonPid(), java.time.Instant.ofEpochMilli(rec.startedAtMillis()));
                if (!rec.configFingerprint().equals(fingerprint(config))) {
                    log.info("VM {}: it was booted with another configuration; changes apply at its next boot",
                            rec.name());
                }
                List<String> argv = ProcessHandle.of(rec.pid()).flatMap(h -> h.info().arguments()).map(List::of)
                        .orElse(List.of());
                BootKernel kernel = image.describe(fileAfter(argv, "-kernel", spec.kernel()));
                return java.util.Optional.of(Map.entry(rec.name(), watched(new QemuRunningVm(vm, file, kernel), spec)));
            } catch (BootException e) {
                log.warn("{}; stopping it", e.getMessage());
            }
        } else {
            log.info("VM {} (QEMU pid {}) is no longer configured; stopping it", rec.name(), rec.pid());
        }
        QemuSpec s = spec;
        ProcessHandle.of(rec.pid()).filter(p -> s == null || QemuVm.isVmProcess(p, s)).ifPresent(p -> {
            p.destroyForcibly();
            log.info("VM {}: killed QEMU pid {}", rec.name(), rec.pid());
        });
        deleteQuietly(file);
        return java.util.Optional.empty();
    }

    private void killOrphans(List<Long> keep) {
        String marker = runRoot.toString() + "/";
        ProcessHandle.allProcesses()
                .filter(p -> !keep.contains(p.pid()))
                .filter(p -> p.info().commandLine().map(c -> c.contains("qemu-system") && c.contains(marker))
                        .orElse(false))
                .forEach(p -> {
                    log.warn("killing orphan QEMU pid {} under {} (no record of it; left by a crashed daemon)",
                            p.pid(), runRoot);
                    p.destroyForcibly();
                });
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Nothing more to do.
        }
    }

    private QemuSpec spec(VmConfig config, Accel accel, Path runDir, BootKernel kernel) throws BootException {
        if (runDir.resolve("jail/save.sock").toString().length() > MAX_SOCKET_PATH) {
            throw new BootException("VM " + config.name() + ": runtime folder " + runDir + " is too long for a Unix"
                    + " socket path (limit " + MAX_SOCKET_PATH + " bytes); choose a shorter socket location");
        }
        QemuSpec.Share share = null;
        if (config.hostShare() != null) {
            share = new QemuSpec.Share(config.hostShare().hostPath(), "uvmshare", config.hostShare().guestPath(),
                    config.hostShare().readOnly(), config.hostShare().cache());
        }
        return new QemuSpec(config.name(), qemuBinary, kernel.file(), image.initrd(config, kernel),
                image.cmdline(config), config.memoryBytes(), config.processors(), accel, runDir, share,
                disks.resolve(config.name() + ".img"), logs.resolve(config.name() + ".console.log"), vmmUser,
                config.networkingMode() == NetworkingMode.NAT, kernel.origin() == BootKernel.Origin.UVM);
    }
}
