package dev.uvm.qemu;

import dev.uvm.agent.AgentConnection;
import dev.uvm.agent.ReadyWait;
import dev.uvm.vm.BootException;
import dev.uvm.vm.BootTimings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running QEMU microvm: its process, its QMP connection and its guest agent connection.
 */
public final class QemuVm implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QemuVm.class);
    private static final Duration QMP_TIMEOUT = Duration.ofSeconds(5);
    /** How often a restore pings the guest agent until it answers. */
    private static final long PING_MILLIS = 200;

    private final QemuSpec spec;
    /** The QEMU process: a child of this JVM, or one adopted from a previous daemon. */
    private final ProcessHandle process;
    /** The child {@link Process} when this JVM started QEMU (it knows the exit status), else null. */
    private final Process child;
    private final QmpClient qmp;
    private final AgentConnection agent;
    private final BootTimings timings;
    private final String readyText;

    private QemuVm(QemuSpec spec, ProcessHandle process, Process child, QmpClient qmp, AgentConnection agent,
                   BootTimings timings, String readyText) {
        this.spec = spec;
        this.process = process;
        this.child = child;
        this.qmp = qmp;
        this.agent = agent;
        this.timings = timings;
        this.readyText = readyText;
    }

    /**
     * Launches QEMU and waits until the guest agent is ready, at most {@code bootTimeout}.
     * On any failure the QEMU process is killed and the exception names the cause, with the
     * last lines QEMU and the guest console printed.
     */
    public static QemuVm boot(QemuSpec spec, Duration bootTimeout) throws BootException {
        long start = System.nanoTime();
        long deadline = start + bootTimeout.toNanos();
        Process process = launch(spec, QemuCommandLine.build(spec), null);
        QmpClient qmp = null;
        AgentConnection agent = null;
        try {
            qmp = connectQmp(spec, process, deadline);
            long vmmUp = System.nanoTime() - start;
            agent = connectAgent(spec, process, deadline);
            ReadyWait.Ready ready = awaitReady(spec, process, agent, deadline, bootTimeout);
            return new QemuVm(spec, process.toHandle(), process, qmp, agent,
                    BootTimings.coldBoot(vmmUp, System.nanoTime() - start, ready), ready.text());
        } catch (BootException e) {
            kill(process, qmp, agent);
            throw e;
        } catch (IOException e) {
            kill(process, qmp, agent);
            throw failure(spec, process, "could not talk to QEMU: " + e.getMessage());
        }
    }

    /**
     * Restores a VM saved by {@link #save}: starts QEMU with the saved VM's exact command
     * line plus {@code -incoming defer}, loads the state, resumes the guest, waits until its agent
     * answers (READY, or PONG when the guest never saw the host disconnect) and sets its wall
     * clock to the host's. Bounded by {@code timeout}; on any failure QEMU is killed and the
     * exception says why. Timings: {@code vmmUp} QMP answers, {@code kernelStart} state loaded,
     * {@code ready} agent answered.
     */
    public static QemuVm restore(QemuSpec spec, List<String> savedArgv, Path snapshot, Duration timeout)
            throws BootException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<String> argv = new ArrayList<>(savedArgv);
        argv.add("-incoming");
        argv.add("defer");
        Process process = launch(spec, argv, snapshot);
        QmpClient qmp = null;
        AgentConnection agent = null;
        try {
            qmp = connectQmp(spec, process, deadline);
            long vmmUp = System.nanoTime() - start;
            Migration.load(qmp, snapshot, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            long loaded = System.nanoTime() - start;
            agent = connectAgent(spec, process, deadline);
            if (!qmp.execute("query-status", null, QMP_TIMEOUT).path("running").asBoolean()) {
                qmp.execute("cont", null, QMP_TIMEOUT);
            }
            String ready = awaitAnswer(spec, process.toHandle(), agent, deadline, timeout, "failed to restore");
            agent.setTime();
            return new QemuVm(spec, process.toHandle(), process, qmp, agent,
                    new BootTimings(vmmUp, loaded, System.nanoTime() - start), ready);
        } catch (BootException e) {
            kill(process, qmp, agent);
            throw e;
        } catch (IOException e) {
            kill(process, qmp, agent);
            throw failure(spec, process, "restoring the saved VM failed: " + e.getMessage(), "failed to restore");
        }
    }

    /**
     * Starts QEMU with the descriptors it needs but may no longer open itself once it has dropped its
     * privileges: with a {@code snapshot}, the saved state read-only as {@link Migration#INCOMING_FD};
     * under a VMM user, the data disk read-write and read-only (see {@link QemuCommandLine}). A
     * jailed QEMU with a host share gets its own mount namespace with the host's {@code /proc} bound
     * read-only into its jail: QEMU's 9P server reaches the share's files (their extended attributes,
     * their modes) through {@code /proc/self/fd}. A shell opens and mounts what is needed and then
     * becomes QEMU, so the process this returns is QEMU's.
     */
    private static Process launch(QemuSpec spec, List<String> argv, Path snapshot) throws BootException {
        try {
            prepareRunDir(spec);
            log.debug("VM {}: launching {}", spec.name(), QemuCommandLine.toShellString(argv));
            // From the command line itself: a restore repeats the one the VM was saved with.
            boolean procInJail = spec.share() != null && argv.contains("-chroot");
            boolean diskFds = spec.dataDisk() != null && argv.stream().anyMatch(a -> a.startsWith("file=/dev/fdset/"));
            List<String> command = argv;
            if (procInJail || diskFds || snapshot != null) {
                command = new ArrayList<>();
                if (procInJail) {
                    command.addAll(List.of("unshare", "--mount", "--propagation", "private", "--"));
                }
                command.addAll(List.of("/bin/sh", "-c", "{ [ -z \"$1\" ] || mount --bind -o ro /proc \"$1\"; }"
                        + " && { [ -z \"$2\" ] || exec " + Migration.INCOMING_FD + "<\"$2\"; }"
                        + " && { [ -z \"$3\" ] || exec " + QemuCommandLine.DATA_DISK_RW_FD + "<>\"$3\" "
                        + QemuCommandLine.DATA_DISK_RO_FD + "<\"$3\"; } && shift 3 && exec \"$@\"",
                        "uvm-launch", procInJail ? spec.jail().resolve("proc").toString() : "",
                        snapshot != null ? snapshot.toString() : "", diskFds ? spec.dataDisk().toString() : ""));
                command.addAll(argv);
            }
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(spec.qemuLog().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
        } catch (IOException e) {
            throw new BootException("VM " + spec.name() + ": cannot start " + argv.get(0) + ": " + e.getMessage()
                    + " (install Debian's qemu-system-x86 package, or run scripts/setup.sh)", e);
        }
    }

    private static QmpClient connectQmp(QemuSpec spec, Process process, long deadline)
            throws IOException, BootException {
        Path qmpSocket = awaitSocket(spec, process, spec.qmpSocket(), deadline);
        return retryRefused(spec, process, deadline, () -> QmpClient.connect(qmpSocket, QMP_TIMEOUT));
    }

    private static AgentConnection connectAgent(QemuSpec spec, Process process, long deadline)
            throws IOException, BootException {
        Path agentSocket = awaitSocket(spec, process, spec.agentSocket(), deadline);
        return retryRefused(spec, process, deadline, () -> AgentConnection.connect(spec.name(), agentSocket));
    }

    /**
     * Takes over a QEMU process that a previous daemon started: it must still run, be the VM's
     * process (its command line names the VM and its agent socket), answer QMP with a running
     * status, and its guest agent must report ready again within {@code timeout}. Otherwise the
     * exception says what failed; the caller decides whether to kill the process.
     */
    public static QemuVm adopt(QemuSpec spec, long pid, Duration timeout) throws BootException {
        ProcessHandle handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).orElseThrow(() ->
                new BootException("VM " + spec.name() + ": recorded QEMU pid " + pid + " is not running"));
        if (!isVmProcess(handle, spec)) {
            throw new BootException("VM " + spec.name() + ": pid " + pid + " is not this VM's QEMU (its command line"
                    + " does not name " + spec.agentSocket() + "); the pid was reused");
        }
        long start = System.nanoTime();
        QmpClient qmp = null;
        AgentConnection agent = null;
        try {
            qmp = QmpClient.connect(spec.qmpSocket(), timeout);
            String status = qmp.execute("query-status", null, timeout).path("status").asText();
            boolean resumed = STOPPED_BY_A_SAVE.contains(status);
            if (resumed) {
                resumeAfterAnInterruptedSave(spec, qmp, status, timeout);
            } else if (!status.equals("running")) {
                throw new BootException("VM " + spec.name() + ": QEMU pid " + pid + " is " + status + ", not running");
            }
            agent = AgentConnection.connect(spec.name(), spec.agentSocket());
            String ready = resumed
                    ? awaitAnswer(spec, handle, agent, System.nanoTime() + timeout.toNanos(), timeout, "failed to resume")
                    : agent.ready().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long took = System.nanoTime() - start;
            return new QemuVm(spec, handle, null, qmp, agent, new BootTimings(took, took, took), ready);
        } catch (IOException | ExecutionException | TimeoutException e) {
            closeQuietly(qmp, agent);
            throw new BootException("VM " + spec.name() + ": QEMU pid " + pid + " does not answer as expected: "
                    + (e instanceof TimeoutException ? "no answer within " + timeout.toMillis() + " ms" : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(qmp, agent);
            throw new BootException("interrupted while adopting VM " + spec.name());
        } catch (BootException e) {
            closeQuietly(qmp, agent);
            throw e;
        }
    }

    /** The run states {@link #save} leaves QEMU in until the daemon kills it. */
    private static final java.util.Set<String> STOPPED_BY_A_SAVE = java.util.Set.of("paused", "finish-migrate",
            "postmigrate");

    /**
     * A daemon died while it saved this VM (between {@link #save}'s {@code stop} and the kill
     * that follows it): the guest is whole but paused, and the stream may be incomplete. The save is given up
     * (cancelled if it still runs; the partial file is deleted by the driver) and the guest resumed,
     * so the VM is adopted as it was before the save began, rather than killed with what it held.
     */
    private static void resumeAfterAnInterruptedSave(QemuSpec spec, QmpClient qmp, String status, Duration timeout)
            throws IOException, BootException {
        qmp.execute("migrate_cancel", null, QMP_TIMEOUT);
        long deadline = System.nanoTime() + timeout.toNanos();
        String migration = qmp.execute("query-migrate", null, QMP_TIMEOUT).path("status").asText();
        while (java.util.Set.of("setup", "active", "device", "pre-switchover", "cancelling").contains(migration)) {
            if (System.nanoTime() > deadline) {
                throw new BootException("VM " + spec.name() + ": its interrupted save (" + migration + ") did not end"
                        + " within " + timeout.toMillis() + " ms");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BootException("interrupted while resuming VM " + spec.name());
            }
            migration = qmp.execute("query-migrate", null, QMP_TIMEOUT).path("status").asText();
        }
        qmp.execute("cont", null, QMP_TIMEOUT);
        log.warn("VM {}: a previous daemon stopped while saving it (QEMU was {}, its last migration {}); the save is given up"
                + " and the VM resumed", spec.name(), status, migration.isEmpty() ? "not started" : migration);
    }

    /** Whether a QEMU command line puts its sockets in this VM spec's run folder (so a daemon can reach them). */
    public static boolean usesRunFolder(List<String> argv, QemuSpec spec) {
        String marker = "path=" + QemuCommandLine.escape(spec.agentSocket());
        return argv.stream().anyMatch(a -> a.endsWith(marker) || a.contains(marker + ","));
    }

    /** Whether a process is the QEMU of this VM spec (by its command line). */
    public static boolean isVmProcess(ProcessHandle p, QemuSpec spec) {
        String marker = QemuCommandLine.escape(spec.agentSocket());
        return p.info().commandLine().map(c -> c.contains("qemu-system") && c.contains(marker)).orElse(false)
                || p.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false);
    }

    private static void closeQuietly(QmpClient qmp, AgentConnection agent) {
        if (qmp != null) {
            qmp.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    private static void kill(Process process, QmpClient qmp, AgentConnection agent) {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (qmp != null) {
            qmp.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    /**
     * The run folder is the daemon's alone; the jail inside it may be entered, not listed or written,
     * by others, so that a jailed QEMU can reach the save socket the daemon makes there and nothing else.
     */
    private static void prepareRunDir(QemuSpec spec) throws IOException {
        Path dir = spec.runDir();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        for (String f : List.of("agent.sock", "qmp.sock", "console.log", "qemu.log")) {
            Files.deleteIfExists(dir.resolve(f));
        }
        Files.createDirectories(spec.jail().resolve("proc"));
        Files.setPosixFilePermissions(spec.jail(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.deleteIfExists(spec.saveSocket());
    }

    private static Path awaitSocket(QemuSpec spec, Process process, Path socket, long deadline)
            throws BootException {
        while (!Files.exists(socket)) {
            if (!process.isAlive()) {
                throw failure(spec, process, "QEMU exited with status " + process.exitValue() + " during start-up");
            }
            if (System.nanoTime() > deadline) {
                throw failure(spec, process, "QEMU did not create " + socket.getFileName() + " in time");
            }
            sleepMillis(2);
        }
        return socket;
    }

    /** A connect step that may be refused while QEMU is between bind() and listen(). */
    private interface Connect<T> {
        T open() throws IOException;
    }

    /** Retries a refused connect until the deadline (QEMU creates a socket file just before it listens). */
    private static <T> T retryRefused(QemuSpec spec, Process process, long deadline, Connect<T> connect)
            throws IOException, BootException {
        while (true) {
            try {
                return connect.open();
            } catch (IOException e) {
                boolean refused = e instanceof java.net.ConnectException
                        || String.valueOf(e.getMessage()).contains("Connection refused");
                if (!refused || !process.isAlive() || System.nanoTime() > deadline) {
                    throw e;
                }
                sleepMillis(2);
            }
        }
    }

    private static ReadyWait.Ready awaitReady(QemuSpec spec, Process process, AgentConnection agent, long deadline,
                                              Duration bootTimeout) throws BootException {
        ReadyWait outcome = agent.awaitReady(process.onExit(), deadline);
        if (outcome instanceof ReadyWait.Ready ready) {
            return ready;
        }
        if (outcome instanceof ReadyWait.TimedOut) {
            throw failure(spec, process, "the guest agent did not report ready within "
                    + bootTimeout.toMillis() + " ms (bootTimeout); the guest kernel or its init is stuck");
        }
        if (outcome instanceof ReadyWait.VmExited) {
            throw failure(spec, process, "the VM exited with status " + process.exitValue()
                    + " before the guest agent was ready (kernel panic or bad image?)");
        }
        if (outcome instanceof ReadyWait.Closed) {
            throw failure(spec, process, "the guest agent connection closed before it reported ready");
        }
        throw failure(spec, process, "interrupted while waiting for the guest");
    }

    /**
     * Waits for the agent of a guest that was stopped and runs again (restored, or resumed after an
     * interrupted save): READY when the guest saw its host go away and come back, or PONG to the
     * PINGs sent meanwhile when it never noticed (it was stopped right after the host closed the
     * connection). {@code failedTo} names the operation in errors ("failed to restore").
     */
    private static String awaitAnswer(QemuSpec spec, ProcessHandle vmm, AgentConnection agent, long deadline,
                                      Duration timeout, String failedTo) throws BootException, IOException {
        while (System.nanoTime() < deadline) {
            CompletableFuture<Void> pong = agent.ping();
            try {
                CompletableFuture.anyOf(agent.ready(), pong, vmm.onExit())
                        .get(Math.min(PING_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                                TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(spec, null, "interrupted while waiting for the guest", failedTo);
            } catch (ExecutionException e) {
                throw failure(spec, null, "the guest agent connection closed: " + e.getCause().getMessage(), failedTo);
            }
            if (!vmm.isAlive()) {
                throw failure(spec, null, "QEMU exited while its guest was resumed", failedTo);
            }
            return agent.ready().isDone() ? agent.ready().join() : "uvm-agent answered PING after a resume";
        }
        throw failure(spec, null, "the guest's agent did not answer within " + timeout.toMillis() + " ms once resumed",
                failedTo);
    }

    private static BootException failure(QemuSpec spec, Process process, String what) {
        return failure(spec, process, what, "failed to boot");
    }

    private static BootException failure(QemuSpec spec, Process process, String what, String failedTo) {
        StringBuilder msg = new StringBuilder("VM ").append(spec.name()).append(' ').append(failedTo).append(": ")
                .append(what);
        appendTail(msg, "QEMU said", spec.qemuLog(), 5);
        String panic = panicLine(spec.consoleLog());
        if (panic != null) {
            msg.append("\n  the guest kernel panicked: ").append(panic);
        }
        appendTail(msg, "last guest console lines", spec.consoleLog(), 8);
        return new BootException(msg.toString());
    }

    /** The guest's "Kernel panic - not syncing: ..." line, which says why, or {@code null}. */
    static String panicLine(Path console) {
        for (String l : tail(console, 400)) {
            int at = l.indexOf("Kernel panic - not syncing:");
            if (at >= 0) {
                return l.substring(at);
            }
        }
        return null;
    }

    private static void appendTail(StringBuilder msg, String label, Path file, int lines) {
        List<String> tail = tail(file, lines);
        if (!tail.isEmpty()) {
            msg.append("\n  ").append(label).append(" (").append(file).append("):");
            tail.forEach(l -> msg.append("\n    ").append(l));
        }
    }

    /** The last {@code n} non-blank lines of a log file, or none if it cannot be read. */
    public static List<String> tail(Path file, int n) {
        try {
            List<String> all = new ArrayList<>();
            for (String l : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\r?\n")) {
                if (!l.isBlank()) {
                    all.add(l.strip());
                }
            }
            return all.subList(Math.max(0, all.size() - n), all.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public QemuSpec spec() {
        return spec;
    }

    public long pid() {
        return process.pid();
    }

    public AgentConnection agent() {
        return agent;
    }

    public QmpClient qmp() {
        return qmp;
    }

    public BootTimings timings() {
        return timings;
    }

    public String readyText() {
        return readyText;
    }

    /** Completes with QEMU's exit status when the process ends (-1 for an adopted process: unknown). */
    public CompletableFuture<Integer> exited() {
        if (child != null) {
            return child.onExit().thenApply(Process::exitValue);
        }
        return process.onExit().thenApply(h -> -1);
    }

    /** Whether this JVM started the process (else it was adopted from a previous daemon). */
    public boolean adopted() {
        return child == null;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Asks the guest to power off: through the agent, or QMP's ACPI power button if the agent is gone. */
    public void requestPowerOff() {
        try {
            agent.powerOff();
        } catch (IOException e) {
            log.info("VM {}: agent unreachable for power-off ({}); pressing the ACPI power button", spec.name(),
                    e.getMessage());
            try {
                qmp.execute("system_powerdown", null, QMP_TIMEOUT);
            } catch (IOException e2) {
                log.warn("VM {}: system_powerdown failed: {}", spec.name(), e2.getMessage());
            }
        }
    }

    /** Forces QEMU down at once: QMP {@code quit}, then SIGKILL if it is still there. */
    public void kill() {
        try {
            qmp.execute("quit", null, Duration.ofSeconds(1));
        } catch (IOException e) {
            // QEMU closes the socket as it quits, or is already gone; SIGKILL covers the rest.
        }
        try {
            process.onExit().get(2, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
            try {
                process.onExit().get(5, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e2) {
                log.error("VM {}: QEMU pid {} survived SIGKILL for 5 s", spec.name(), process.pid());
            } catch (InterruptedException e2) {
                Thread.currentThread().interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** How long the memory a guest freed before a save takes to come back at least (free page reporting waits 2 s). */
    private static final long SHED_MIN_MILLIS = 2_500;
    /** QEMU's memory counts as settled when it fell by less than {@link #SHED_STEP_BYTES} for this long. */
    private static final long SHED_SETTLED_MILLIS = 750;
    private static final long SHED_STEP_BYTES = 1L << 20;
    private static final long SHED_POLL_MILLIS = 250;

    /**
     * Before a save: asks the guest to drop its caches and compact its free memory, then waits until
     * free page reporting has handed what it freed back to the host, i.e. until QEMU's resident memory
     * has stopped falling (at least {@link #SHED_MIN_MILLIS}, at most {@code max}). What the guest no
     * longer holds is then saved as zero pages, which a restore does not make resident: without this a
     * restored VM held its old page cache (a 200 MB file read before the save cost 200 MB after every
     * restore). Returns the bytes QEMU gave back; best effort (an unreachable agent just skips it).
     */
    public long shedFreeMemory(Duration max) {
        long before = residentBytes();
        try {
            agent.dropCaches();
        } catch (IOException e) {
            log.debug("VM {}: no cache drop before the save: {}", spec.name(), e.getMessage());
            return 0;
        }
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        long last = before;
        long lastFall = start;
        while (System.nanoTime() < deadline) {
            sleepMillis(SHED_POLL_MILLIS);
            long rss = residentBytes();
            long now = System.nanoTime();
            if (rss < 0) {
                break;
            }
            if (rss < last - SHED_STEP_BYTES) {
                last = rss;
                lastFall = now;
            } else if (now - start >= SHED_MIN_MILLIS * 1_000_000 && now - lastFall >= SHED_SETTLED_MILLIS * 1_000_000) {
                break;
            }
        }
        return before < 0 || last < 0 ? 0 : Math.max(0, before - last);
    }

    /**
     * Saves the VM into {@code file}, leaving QEMU stopped: closes the guest agent connection (the
     * guest sees the host disconnect), stops the vCPUs and migrates the state into the file.
     * Bounded by {@code timeout}. The caller records the save, then ends QEMU with {@link #kill}
     * (so its memory returns to the host); in that order, a daemon that dies in between leaves a
     * complete save or a stopped VM that the next daemon resumes ({@link #adopt}). On failure the
     * exception says why and QEMU may still run (stopped); the caller forces it down.
     */
    public void save(Path file, Duration timeout) throws IOException {
        agent.close();
        qmp.execute("stop", null, QMP_TIMEOUT);
        Migration.save(qmp, spec, file, timeout);
    }

    /**
     * The running QEMU's argument list, from {@code /proc/PID/cmdline}, without the
     * {@code -incoming defer} of a restored VM: what the next restore repeats.
     */
    public List<String> commandLine() throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
        List<String> argv = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                argv.add(new String(raw, from, i - from, StandardCharsets.UTF_8));
                from = i + 1;
            }
        }
        if (argv.isEmpty()) {
            throw new IOException("QEMU pid " + process.pid() + " has no command line (it exited)");
        }
        int incoming = argv.indexOf("-incoming");
        if (incoming > 0 && incoming + 1 < argv.size()) {
            argv.subList(incoming, incoming + 2).clear();
        }
        return argv;
    }

    /** Resident set size of the QEMU process in bytes, from /proc, or -1 when it is gone. */
    public long residentBytes() {
        return ProcStatus.residentBytes(process.pid());
    }

    @Override
    public void close() {
        qmp.close();
        agent.close();
        for (String f : List.of("agent.sock", "qmp.sock")) {
            try {
                Files.deleteIfExists(spec.runDir().resolve(f));
            } catch (IOException ignored) {
                // Best effort; the next boot clears the folder too.
            }
        }
    }
}
