package dev.uvm.daemon.forward;

import dev.uvm.config.VmConfig;
import dev.uvm.core.lifecycle.LifecycleListener;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.StopReason;
import dev.uvm.metrics.UvmMetrics;
import dev.uvm.vm.RunningVm;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic localhost forwarding, as WSL's: a TCP port a guest process listens on (any address or
 * the guest's loopback) is listened on at the host's 127.0.0.1 (and ::1) with the same number while the VM
 * runs, and each connection is relayed to it through the guest agent's channel ({@link Relay}),
 * which works the same on every backend. The agent reports its ports about once a second
 * ({@code PORTS} frames); listeners follow the reports, and all of a VM's close when it stops or is
 * saved. A port the host already uses is reported in the log once and skipped; a port declared
 * with {@code ports} is left to {@link DeclaredPorts}, which listens on it already.
 *
 * <p>Threads: lifecycle callbacks arrive on the event loop and port reports on the agent's reader
 * thread; both only hand work to {@code threads}, where the listeners are opened and closed (under
 * this object's lock) and every accept loop and relay runs.
 */
public final class LocalhostForwarder implements LifecycleListener {
    private static final Logger log = LoggerFactory.getLogger(LocalhostForwarder.class);

    private volatile Scheduler scheduler;
    private final ExecutorService threads;
    private final UvmMetrics metrics;
    private final OpenConnections connections;
    /** Host ports that {@link DeclaredPorts} owns: never auto-forwarded. */
    private final IntPredicate declared;
    /** Per VM name: its host listeners by port (127.0.0.1, and ::1 where the host has it). Guarded by {@code this}. */
    private final Map<String, Map<Integer, List<ServerSocketChannel>>> listening = new HashMap<>();
    /** Per VM name: the ports the host could not listen on (taken), warned about once. Guarded by {@code this}. */
    private final Map<String, Set<Integer>> refused = new HashMap<>();
    /** Per VM name: the instance whose reports count (reports of an older one are ignored), and its config. */
    private final Map<String, Followed> current = new ConcurrentHashMap<>();

    /** A VM whose ports are forwarded, as it was booted or restored. */
    private record Followed(RunningVm instance, VmConfig config) {
    }

    public LocalhostForwarder(ExecutorService threads, UvmMetrics metrics, OpenConnections connections, IntPredicate declared) {
        this.threads = threads;
        this.metrics = metrics;
        this.connections = connections;
        this.declared = declared;
    }

    /** The scheduler connections open sessions with (it takes this forwarder as a listener, so it comes second). */
    public void attach(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Starts following a VM's listening ports (a VM adopted after a daemon restart, or one just booted
     * or restored), unless its config turns localhost forwarding off.
     */
    public void follow(VmConfig config, RunningVm instance) {
        if (!config.localhostForwarding()) {
            return;
        }
        String vm = config.name();
        current.put(vm, new Followed(instance, config));
        instance.agent().onPorts(ports -> threads.execute(() -> reconcile(vm, instance, ports)));
    }

    @Override
    public void bootFinished(VmConfig vm, RunningVm instance, long millis) {
        follow(vm, instance);
    }

    @Override
    public void restored(VmConfig vm, RunningVm instance, long millis, String error) {
        if (error == null && instance != null) {
            follow(vm, instance);
        }
    }

    @Override
    public void stopped(VmConfig vm, StopReason reason, boolean forced, long stopMillis) {
        forget(vm.name());
    }

    @Override
    public void suspended(VmConfig vm, long millis, long bytes, String error) {
        forget(vm.name());
    }

    private void forget(String vm) {
        current.remove(vm);
        threads.execute(() -> reconcile(vm, null, new int[0]));
    }

    /** Opens listeners for new ports and closes those of ports no longer listened on in the guest. */
    private synchronized void reconcile(String vm, RunningVm instance, int[] ports) {
        Followed followed = current.get(vm);
        if (instance != null && (followed == null || followed.instance() != instance)) {
            return; // a report of an instance that has stopped since
        }
        Set<Integer> wanted = new HashSet<>();
        Arrays.stream(ports).filter(p -> !declared.test(p)).forEach(wanted::add);
        Map<Integer, List<ServerSocketChannel>> open = listening.computeIfAbsent(vm, k -> new HashMap<>());
        for (var it = open.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (!wanted.contains(e.getKey())) {
                e.getValue().forEach(Loopback::close);
                it.remove();
                log.info("VM {}: guest port {} closed; no longer forwarded from 127.0.0.1:{}", vm, e.getKey(), e.getKey());
            }
        }
        Set<Integer> taken = refused.computeIfAbsent(vm, k -> new HashSet<>());
        taken.retainAll(wanted);
        for (int port : wanted) {
            if (open.containsKey(port) || taken.contains(port)) {
                continue;
            }
            try {
                List<ServerSocketChannel> servers = Loopback.listen(port);
                open.put(port, servers);
                servers.forEach(ch -> threads.execute(() -> accept(vm, port, ch)));
                log.info("VM {}: guest port {} forwarded from {}", vm, port, Loopback.describe(servers, port));
            } catch (IOException e) {
                taken.add(port);
                log.warn("VM {}: guest port {} is not forwarded: the host's 127.0.0.1:{} is in use or refused ({})",
                        vm, port, port, e.getMessage());
            }
        }
        if (open.isEmpty()) {
            listening.remove(vm);
        }
    }

    /** Stops forwarding host port {@code port} automatically, for any VM: it has just been declared. */
    public synchronized void giveUp(int port) {
        for (Map<Integer, List<ServerSocketChannel>> open : listening.values()) {
            List<ServerSocketChannel> servers = open.remove(port);
            if (servers != null) {
                servers.forEach(Loopback::close);
            }
        }
        refused.values().forEach(taken -> taken.remove(port));
    }

    /** The guest ports of a VM that are not forwarded because the host's port is taken. */
    public synchronized Set<Integer> inUse(String vm) {
        return Set.copyOf(refused.getOrDefault(vm, Set.of()));
    }

    /** The ports forwarded for a VM now. */
    public synchronized Set<Integer> forwarded(String vm) {
        return Set.copyOf(listening.getOrDefault(vm, Map.of()).keySet());
    }

    private void accept(String vm, int port, ServerSocketChannel server) {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Followed followed = current.get(vm);
                long idle = followed != null ? followed.config().forwardIdleTimeoutMillis()
                        : VmConfig.DEFAULT_FORWARD_IDLE_TIMEOUT_MILLIS;
                Relay relay = new Relay(scheduler, new Relay.Target(vm, port, port, idle, 0, null,
                        followed != null ? followed.instance() : null), client, threads, metrics.forwarding(vm, port),
                        connections);
                threads.execute(relay);
            } catch (IOException e) {
                if (server.isOpen()) {
                    log.warn("VM {}: accepting on 127.0.0.1:{} failed: {}", vm, port, e.getMessage());
                    Loopback.close(server);
                }
                return;
            }
        }
    }

    /** Closes every listener (the daemon stops). */
    public synchronized void close() {
        listening.values().forEach(m -> m.values().forEach(l -> l.forEach(Loopback::close)));
        listening.clear();
        current.clear();
    }
}
