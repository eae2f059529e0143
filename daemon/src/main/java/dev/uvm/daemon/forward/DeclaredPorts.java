package dev.uvm.daemon.forward;

import dev.uvm.config.PortForward;
import dev.uvm.config.UvmConfig;
import dev.uvm.config.VmConfig;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.metrics.UvmMetrics;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declared ports ({@code ports = 8080, 15432:5432} in a VM's section): the host listens on its
 * loopback at each host port for as long as the config declares it, whatever the VM's state. A
 * connection opens a session like any client, which boots a stopped VM or restores a suspended one;
 * the relay then starts the VM's distributions that have a {@code [boot] command}, waits (up to the
 * VM's {@code bootTimeout}) until the guest reports the port listening, and forwards the connection.
 * While it is open the connection holds the VM like a background session, so the idle timer starts
 * again when the last one closes: a dev server scales to zero and answers the next request.
 *
 * <p>A host port another process holds is reported at once in the log and in {@code uvm list}, and
 * tried again every {@link #RETRY_SECONDS} seconds, so the port works as soon as it is freed.
 *
 * <p>Threads: {@link #apply} runs on the config reloader's thread (and once at start), the retry on
 * {@code timer}; both change the listeners under this object's lock. Accept loops and relays run on
 * {@code threads}. The config a connection uses is read when it is accepted. {@link #owns} reads a
 * concurrent copy of the declared ports, so the forwarder may ask under its own lock while this
 * object, under its lock, asks the forwarder to give a port up.
 */
public final class DeclaredPorts {
    private static final Logger log = LoggerFactory.getLogger(DeclaredPorts.class);
    static final long RETRY_SECONDS = 10;

    private final ExecutorService threads;
    private final UvmMetrics metrics;
    private final OpenConnections connections;
    private final Relay.BeforeConnect beforeConnect;
    private volatile Scheduler scheduler;
    private volatile LocalhostForwarder forwarder;
    /** By host port: what is declared there now. Guarded by {@code this}. */
    private final Map<Integer, Declared> declared = new HashMap<>();
    /** The keys of {@code declared}, readable without the lock (the forwarder asks under its own). */
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    /** By host port: the listeners of the declared ports that are listening. Guarded by {@code this}. */
    private final Map<Integer, List<ServerSocketChannel>> listening = new HashMap<>();
    /** By host port: why a declared port could not be listened on. Guarded by {@code this}. */
    private final Map<Integer, String> unavailable = new TreeMap<>();
    /** The config in force, for each VM's timeouts. */
    private volatile UvmConfig config;

    private record Declared(String vm, PortForward port) {
    }

    /**
     * @param beforeConnect run in a VM once it is up, before a connection waits for its guest port
     *                      (starts the distributions whose boot commands run the servers)
     */
    public DeclaredPorts(ExecutorService threads, ScheduledExecutorService timer, UvmMetrics metrics,
                         OpenConnections connections, Relay.BeforeConnect beforeConnect) {
        this.threads = threads;
        this.metrics = metrics;
        this.connections = connections;
        this.beforeConnect = beforeConnect;
        timer.scheduleWithFixedDelay(this::retry, RETRY_SECONDS, RETRY_SECONDS, TimeUnit.SECONDS);
    }

    /** The scheduler connections open sessions with, and the forwarder that gives declared host ports up. */
    public void attach(Scheduler scheduler, LocalhostForwarder forwarder) {
        this.scheduler = scheduler;
        this.forwarder = forwarder;
    }

    /** Whether {@code hostPort} is declared for some VM (automatic forwarding leaves it alone). */
    public boolean owns(int hostPort) {
        return owned.contains(hostPort);
    }

    /**
     * Listens on every port the config declares and closes the listeners of ports it no longer
     * declares (or now declares for another VM or guest port). Open connections are not cut.
     */
    public synchronized void apply(UvmConfig newConfig) {
        this.config = newConfig;
        Map<Integer, Declared> wanted = new HashMap<>();
        for (VmConfig vm : newConfig.vms().values()) {
            vm.ports().forEach(p -> wanted.put(p.hostPort(), new Declared(vm.name(), p)));
        }
        for (var it = declared.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (!e.getValue().equals(wanted.get(e.getKey()))) {
                List<ServerSocketChannel> servers = listening.remove(e.getKey());
                if (servers != null) {
                    servers.forEach(Loopback::close);
                    log.info("VM {}: declared port 127.0.0.1:{} is no longer listened on (config)", e.getValue().vm(),
                            e.getKey());
                }
                unavailable.remove(e.getKey());
                owned.remove(e.getKey());
                it.remove();
            }
        }
        wanted.forEach((hostPort, d) -> {
            if (declared.putIfAbsent(hostPort, d) == null) {
                owned.add(hostPort);
                LocalhostForwarder f = forwarder;
                if (f != null) {
                    f.giveUp(hostPort);
                }
                listen(hostPort, d);
            }
        });
    }

    private void listen(int hostPort, Declared d) {
        try {
            List<ServerSocketChannel> servers = Loopback.listen(hostPort);
            listening.put(hostPort, servers);
            if (unavailable.remove(hostPort) != null) {
                log.info("VM {}: declared port 127.0.0.1:{} is free now and listened on", d.vm(), hostPort);
            }
            servers.forEach(server -> threads.execute(() -> accept(hostPort, server)));
            log.info("VM {}: declared port {} listened on at {}; a connection wakes the VM", d.vm(), d.port(),
                    Loopback.describe(servers, hostPort));
        } catch (IOException e) {
            String why = "the host's 127.0.0.1:" + hostPort + " is in use by another process or refused ("
                    + e.getMessage() + "); uvm tries again every " + RETRY_SECONDS + " s. Free the port, or declare"
                    + " another host port, such as " + (hostPort == 65_535 ? hostPort - 1 : hostPort + 1) + ":"
                    + d.port().guestPort();
            if (unavailable.put(hostPort, why) == null) {
                log.warn("VM {}: declared port {} is not listened on: {}", d.vm(), d.port(), why);
            }
        }
    }

    private synchronized void retry() {
        for (Integer hostPort : List.copyOf(unavailable.keySet())) {
            Declared d = declared.get(hostPort);
            if (d != null) {
                listen(hostPort, d);
            }
        }
    }

    /** A VM's declared ports as {@code uvm list} shows them: those listened on, as written in the config. */
    public synchronized List<String> listeningFor(String vm) {
        return declared.entrySet().stream().filter(e -> e.getValue().vm().equals(vm) && listening.containsKey(e.getKey()))
                .map(e -> e.getValue().port().toString()).sorted().toList();
    }

    /** A VM's declared host ports that another process holds, with why. */
    public synchronized List<String> unavailableFor(String vm) {
        return unavailable.entrySet().stream().filter(e -> declared.get(e.getKey()).vm().equals(vm))
                .map(e -> e.getKey() + ": " + e.getValue()).toList();
    }

    private void accept(int hostPort, ServerSocketChannel server) {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Declared d;
                synchronized (this) {
                    d = declared.get(hostPort);
                }
                VmConfig vm = d == null ? null : config.vms().get(d.vm());
                if (vm == null) {
                    client.close();
                    continue;
                }
                Relay relay = new Relay(scheduler, new Relay.Target(vm.name(), hostPort, d.port().guestPort(),
                        vm.forwardIdleTimeoutMillis(), vm.bootTimeoutMillis(), beforeConnect, null), client, threads,
                        metrics.forwarding(vm.name(), hostPort), connections);
                threads.execute(relay);
            } catch (IOException e) {
                if (server.isOpen()) {
                    log.warn("accepting on declared port 127.0.0.1:{} failed: {}", hostPort, e.getMessage());
                    Loopback.close(server);
                }
                return;
            }
        }
    }

    /** Closes every listener (the daemon stops). */
    public synchronized void close() {
        listening.values().forEach(l -> l.forEach(Loopback::close));
        listening.clear();
        declared.clear();
        owned.clear();
    }
}
