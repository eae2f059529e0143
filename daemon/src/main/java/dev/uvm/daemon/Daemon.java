package dev.uvm.daemon;

import dev.uvm.config.ConfigWatcher;
import dev.uvm.config.LoadedConfig;
import dev.uvm.config.Locations;
import dev.uvm.config.UvmConfig;
import dev.uvm.config.VmConfig;
import dev.uvm.core.lifecycle.LifecycleListener;
import dev.uvm.core.lifecycle.QuartzTimers;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.StopReason;
import dev.uvm.core.lifecycle.ThreadEventLoop;
import dev.uvm.core.lifecycle.WarmUp;
import dev.uvm.core.reclaim.MemoryReclaimer;
import dev.uvm.daemon.distro.DistroRegistry;
import dev.uvm.daemon.distro.Distributions;
import dev.uvm.daemon.forward.DeclaredPorts;
import dev.uvm.daemon.forward.LocalhostForwarder;
import dev.uvm.daemon.forward.OpenConnections;
import dev.uvm.daemon.observe.MemorySampler;
import dev.uvm.daemon.observe.MetricsListener;
import dev.uvm.daemon.observe.ReclaimMetrics;
import dev.uvm.daemon.observe.WarmUpMetrics;
import dev.uvm.metrics.UvmMetrics;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.Wire;
import dev.uvm.vm.VmDriver;
import dev.uvm.vm.VmDriverProvider;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.TimeZone;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uvm daemon: owns the scheduler and serves clients on a Unix domain socket.
 *
 * <p>One daemon per socket: a lock file beside the socket is held for the daemon's lifetime, so
 * a second daemon on the same socket exits without touching the first, and a socket file left by
 * a crashed daemon (whose lock is gone with its process) is replaced.
 */
public final class Daemon {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final LoadedConfig loaded;
    private final Path configFile;
    private final Path socketPath;
    private final Path stateDir;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger connections = new AtomicInteger();
    private ThreadEventLoop loop;
    private QuartzTimers timers;
    private ExecutorService workers;
    private ExecutorService handlers;
    private ScheduledExecutorService watchdog;
    private ExecutorService forwarding;
    private LocalhostForwarder forwarder;
    private DeclaredPorts declaredPorts;
    private OpenConnections forwardedConnections;
    private Scheduler scheduler;
    private VmDriver driver;
    private ServerSocketChannel server;
    private FileChannel lockChannel;
    private UvmMetrics metrics;
    private final PendingChanges pending = new PendingChanges();
    private ConfigReloader reloader;
    private Jobs jobs;
    private Distributions distributions;
    private DistroRequests distroRequests;
    private WarmUp warmUp;
    private ConfigWatcher watcher;
    private volatile String metricsBound;
    private FileLock lock;

    public Daemon(LoadedConfig loaded, Path configFile, Path socketPath) {
        this.loaded = loaded;
        this.configFile = configFile;
        this.socketPath = socketPath;
        this.stateDir = Locations.stateDir(loaded.config().daemon());
    }

    /** Starts serving; returns false if another daemon holds the socket. */
    public boolean start() throws IOException {
        Path dir = socketPath.getParent();
        PeerCheck.secureFolder(dir, loaded.config().daemon().socketGroup());
        Path lockFile = dir.resolve(socketPath.getFileName() + ".lock");
        lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        lock = lockChannel.tryLock();
        if (lock == null) {
            String pid = Files.readString(lockFile).strip();
            log.info("another uvm daemon (pid {}) already serves {}; leaving it in charge", pid, socketPath);
            lockChannel.close();
            return false;
        }
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
        if (Files.deleteIfExists(socketPath)) {
            log.info("removed a stale socket {} left by a daemon that is no longer running", socketPath);
        }
        Files.createDirectories(stateDir);
        loop = new ThreadEventLoop("uvm-loop");
        timers = new QuartzTimers();
        workers = Executors.newCachedThreadPool(named("vm-worker"));
        handlers = Executors.newCachedThreadPool(named("client"));
        watchdog = Executors.newSingleThreadScheduledExecutor(named("handshake-watchdog"));
        UvmConfig config = loaded.config();
        driver = Backends.create(config.daemon().backend(),
                new VmDriverProvider.Places(Locations.imageDir(), dir.resolve("vms"), stateDir, Locations.cacheDir(),
                        config.daemon().consoleLogBytes()));
        metrics = new UvmMetrics(driver.name());
        forwarding = Executors.newCachedThreadPool(named("forward"));
        OpenConnections connections = new OpenConnections();
        declaredPorts = new DeclaredPorts(forwarding, watchdog, metrics, connections,
                (vm, instance) -> distributions.startBootCommands(vm, instance));
        forwarder = new LocalhostForwarder(forwarding, metrics, connections, declaredPorts::owns);
        forwardedConnections = connections;
        scheduler = new Scheduler(config, driver, loop, workers, timers,
                LifecycleListener.all(new TransitionLog(), new MetricsListener(metrics), pending, forwarder));
        forwarder.attach(scheduler);
        declaredPorts.attach(scheduler, forwarder);
        warmUp = new WarmUp(scheduler, loop, timers, new WarmUpMetrics(metrics), TimeZone.getDefault());
        reloader = new ConfigReloader(scheduler, warmUp, pending, config, declaredPorts::apply);
        jobs = Jobs.open(scheduler, stateDir, socketPath);
        distributions = new Distributions(DistroRegistry.open(stateDir), name -> reloader.current().vm(name));
        distroRequests = new DistroRequests(scheduler, distributions, metrics, stateDir);
        distributions.registry().all().forEach(d -> metrics.distribution(d.name(), d.vm()).diskBytes(d.diskBytes()));
        VmDriver.Recovered found = driver.recover(config.vms());
        found.running().forEach((vm, instance) -> {
            scheduler.adopt(vm, instance);
            forwarder.follow(config.vm(vm), instance);
        });
        found.savedBytes().forEach((vm, bytes) -> {
            scheduler.adoptSuspended(vm);
            metrics.vm(vm).savedBytes(bytes);
        });
        declaredPorts.apply(config);
        startMetrics(config.daemon().metricsAddress());
        startSampling();
        warmUp.apply(config.vms().values());
        if (configFile != null) {
            watcher = ConfigWatcher.start(configFile, reloader);
        }
        driver.start(config.vm(VmConfig.DEFAULT_NAME));
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        PeerCheck.secureSocket(socketPath, loaded.config().daemon().socketGroup());
        Thread acceptor = new Thread(this::acceptLoop, "acceptor");
        acceptor.start();
        log.info("uvm daemon {} (pid {}) listening on {}; config {}; VMs {}; backend {} {}", dev.uvm.protocol.BuildInfo.describe(),
                ProcessHandle.current().pid(), socketPath, configFile == null ? "(built-in defaults)" : configFile,
                config.vms().keySet(), driver.name(), driver.describe());
        loaded.warnings().forEach(w -> log.warn("config: {}", w));
        return true;
    }

    /** Guest statistics every 5 s, for the memory gauges and autoMemoryReclaim. */
    private void startSampling() {
        try {
            MemorySampler.schedule(timers.quartz(), scheduler, metrics,
                    new MemoryReclaimer(new ReclaimMetrics(metrics), watchdog, System::currentTimeMillis), MemorySampler.INTERVAL_MILLIS);
        } catch (org.quartz.SchedulerException e) {
            log.error("cannot schedule guest sampling ({}); memory gauges and autoMemoryReclaim are off", e.getMessage());
        }
    }

    private void startMetrics(String address) {
        if (address == null || address.equalsIgnoreCase("off")) {
            log.info("metrics endpoint disabled (metricsAddress = off)");
            return;
        }
        try {
            int port = metrics.serve(address);
            metricsBound = address.substring(0, address.lastIndexOf(':') + 1) + port;
            log.info("metrics on http://{}/metrics", metricsBound);
        } catch (IOException | RuntimeException e) {
            log.error("cannot serve metrics on {} ({}); sessions are served without metrics. Choose a free "
                    + "metricsAddress in [daemon], or set it to off", address, e.getMessage());
        }
    }


    private void acceptLoop() {
        while (!stopping.get()) {
            try {
                SocketChannel ch = server.accept();
                if (!PeerCheck.allowed(ch, loaded.config().daemon().socketGroup())) {
                    continue;
                }
                connections.incrementAndGet();
                handlers.execute(() -> {
                    try {
                        new ConnectionHandler(ch, this, watchdog).run();
                    } finally {
                        connections.decrementAndGet();
                    }
                });
            } catch (IOException e) {
                if (!stopping.get()) {
                    log.error("accepting a client failed: {}", e.getMessage());
                }
            }
        }
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Background jobs ({@code uvm run --detach}). */
    Jobs jobs() {
        return jobs;
    }

    /** The prewarm and keepAlive schedules. */
    WarmUp warmUp() {
        return warmUp;
    }

    /** Where runs go: the registered distributions. */
    Distributions distributions() {
        return distributions;
    }

    /** Localhost forwarding: what each VM's guest ports are forwarded from. */
    LocalhostForwarder forwarder() {
        return forwarder;
    }

    /** Declared ports: listened on whatever the VM's state, waking it. */
    DeclaredPorts declaredPorts() {
        return declaredPorts;
    }

    /** Forwarded connections open now, per VM. */
    OpenConnections forwardedConnections() {
        return forwardedConnections;
    }

    /** Import, install, export, unregister and set-default. */
    DistroRequests distroRequests() {
        return distroRequests;
    }

    /** Config changes that wait for a VM's next boot. */
    PendingChanges pending() {
        return pending;
    }

    boolean isStopping() {
        return stopping.get();
    }

    /** The longest a stop may take: the largest shutdown timeout plus the forced stop. */
    long maxStopMillis() {
        return reloader.current().vms().values().stream().mapToLong(VmConfig::shutdownTimeoutMillis).max()
                .orElse(30_000) + 15_000;
    }

    DaemonMessage.Status status() {
        return new DaemonMessage.Status(dev.uvm.protocol.BuildInfo.describe(), ProcessHandle.current().pid(), socketPath.toString(),
                configFile == null ? null : configFile.toString(), stateDir.toString(), driver.name(),
                driver.describe(), metricsBound == null ? "off" : metricsBound, connections.get(),
                reloader.lastRejection() == null ? "in force"
                        : "last change rejected, previous configuration in force: " + reloader.lastRejection(),
                driver.guestKernel());
    }

    /** Stops in the background (for a client's stop-daemon request). */
    void stopAsync(boolean force) {
        Thread t = new Thread(() -> stop(force), "daemon-stop");
        t.start();
    }

    /**
     * Stops accepting clients, stops every VM (cleanly, forced after its shutdown timeout, or at
     * once with {@code force}), removes the socket and releases the lock.
     */
    public void stop(boolean force) {
        if (!stopping.compareAndSet(false, true)) {
            if (force) {
                scheduler.shutdown(null, StopReason.DAEMON_STOP, true);
            }
            return;
        }
        log.info("daemon stopping{}", force ? " (forced)" : "");
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing the listening socket; nothing else to do.
        }
        driver.close();
        warmUp.close();
        scheduler.shutdown(null, StopReason.DAEMON_STOP, force).join();
        long until = System.currentTimeMillis() + maxStopMillis();
        while (!scheduler.allStopped().join() && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            Files.deleteIfExists(socketPath);
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.warn("cleaning up {}: {}", socketPath, e.getMessage());
        }
        timers.close();
        if (watcher != null) {
            watcher.close();
        }
        metrics.close();
        forwarder.close();
        declaredPorts.close();
        forwarding.shutdownNow();
        workers.shutdownNow();
        handlers.shutdownNow();
        watchdog.shutdownNow();
        try {
            loop.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("daemon stopped");
        stopped.countDown();
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
