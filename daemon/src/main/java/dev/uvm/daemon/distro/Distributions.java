package dev.uvm.daemon.distro;

import dev.uvm.agent.ExecRequest;
import dev.uvm.config.HostShare;
import dev.uvm.config.VmConfig;
import dev.uvm.config.WslConf;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.vm.RunningVm;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sessions in distributions: which distribution a run goes to, and the agent's EXEC for it.
 * The first session of a distribution in a running VM reads its {@code /etc/wsl.conf} and writes
 * its {@code /etc/hosts}; the agent then creates the distribution's namespaces, with the host name,
 * the host share and the boot command of that {@code wsl.conf}. A distribution counts as running
 * once that happened in the VM's current instance: its namespaces live until the VM stops.
 *
 * <p>Concurrency: called from session threads; the per-instance map is guarded by this object. Two
 * first sessions of one distribution may both read its {@code wsl.conf}; the agent creates its
 * namespaces once.
 */
public final class Distributions {
    private static final Logger log = LoggerFactory.getLogger(Distributions.class);
    /** How long the daemon's own short commands in a VM may take. */
    static final Duration HOUSEKEEPING = Duration.ofSeconds(30);
    /** The search path of a distribution's processes. */
    private static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final DistroRegistry registry;
    private final Function<String, VmConfig> vmConfigs;
    /** Per running VM, the distributions started in it and their wsl.conf; forgotten with the VM. */
    private final Map<RunningVm, Map<String, WslConf>> started = new WeakHashMap<>();

    /** @param vmConfigs the configuration in force of a VM, by name */
    public Distributions(DistroRegistry registry, Function<String, VmConfig> vmConfigs) {
        this.registry = registry;
        this.vmConfigs = vmConfigs;
    }

    public DistroRegistry registry() {
        return registry;
    }

    /**
     * Where a run goes: the distribution it names, else the default one, else none (the utility
     * environment, when no distribution is registered).
     */
    public Optional<DistroRegistry.Distro> target(String requested) throws DistroRegistry.NameException {
        return requested != null ? Optional.of(registry.get(requested)) : registry.defaultDistro();
    }

    /** The agent's EXEC for {@code run} in distribution {@code d}, on the VM it lives in, which is up. */
    public ExecRequest exec(DistroRegistry.Distro d, RunningVm vm, ClientMessage.Run run) throws IOException {
        WslConf conf = prepare(d, vm);
        String user = run.user() != null ? run.user() : conf.defaultUser();
        List<String> env = new ArrayList<>(List.of(PATH));
        env.addAll(run.env());
        return new ExecRequest(run.argv(), env, run.tty(), run.rows(), run.cols(),
                context(d, conf, user, run.cwd() == null ? "" : run.cwd()), run.login());
    }

    private ExecRequest.Context context(DistroRegistry.Distro d, WslConf conf, String user, String cwd) {
        List<String> binds = new ArrayList<>();
        VmConfig vmConfig = vmConfigs.apply(d.vm());
        HostShare share = vmConfig == null ? null : vmConfig.hostShare();
        if (share != null && conf.automount()) {
            String mountPoint = share.guestPath();
            binds.add(mountPoint + "=" + conf.automountRoot() + mountPoint.substring(mountPoint.lastIndexOf('/') + 1));
        }
        return new ExecRequest.Context(d.root(), hostname(d, conf), user, cwd, binds, conf.bootCommand());
    }

    /**
     * Starts the distributions of VM {@code vmName} whose {@code wsl.conf} has a {@code [boot] command}
     * and that have not started in this instance, so that the servers those commands start come up
     * without a session (a connection to a declared port woke the VM). A distribution without a boot
     * command is left alone: nothing in it would listen.
     */
    public void startBootCommands(String vmName, RunningVm vm) throws IOException {
        for (DistroRegistry.Distro d : registry.all()) {
            if (!d.vm().equals(vmName) || running(d, vm)) {
                continue;
            }
            WslConf conf = prepare(d, vm);
            if (conf.bootCommand().isEmpty()) {
                continue;
            }
            ExecRequest start = new ExecRequest(List.of("/bin/sh", "-c", ":"), List.of(PATH), false, 0, 0,
                    context(d, conf, "", ""), false);
            GuestShell.Result r = GuestShell.run(vm, start, HOUSEKEEPING);
            if (r.status() != 0) {
                throw new IOException("distribution " + d.name() + " did not start: " + r.why());
            }
            log.info("distribution {} started for a declared port; its [boot] command runs", d.name());
        }
    }

    /** Whether {@code d} has started in the VM instance {@code vm} (its namespaces exist). */
    public synchronized boolean running(DistroRegistry.Distro d, RunningVm vm) {
        return vm != null && started.getOrDefault(vm, Map.of()).containsKey(d.name());
    }

    /** Forgets that {@code name} started anywhere (it was unregistered). */
    public synchronized void forget(String name) {
        started.values().forEach(m -> m.remove(name));
    }

    /** Reads the distribution's wsl.conf and writes its hosts file, once per VM instance. */
    private WslConf prepare(DistroRegistry.Distro d, RunningVm vm) throws IOException {
        synchronized (this) {
            WslConf known = started.getOrDefault(vm, Map.of()).get(d.name());
            if (known != null) {
                return known;
            }
        }
        GuestShell.Result read = GuestShell.sh(vm, DistroScripts.READ_WSL_CONF, List.of(d.name()), HOUSEKEEPING);
        if (read.status() != 0) {
            throw new IOException("distribution " + d.name() + " cannot start: " + read.why());
        }
        WslConf conf = WslConf.parse(read.stdout(), d.name() + ":/etc/wsl.conf");
        conf.warnings().forEach(w -> log.warn("distribution {}: {}", d.name(), w));
        if (conf.generateHosts()) {
            GuestShell.Result hosts = GuestShell.sh(vm, DistroScripts.WRITE_HOSTS, List.of(d.name(), hostname(d, conf)),
                    HOUSEKEEPING);
            if (hosts.status() != 0) {
                log.warn("distribution {}: cannot write /etc/hosts: {}", d.name(), hosts.why());
            }
        }
        if (conf.generateResolvConf()) {
            GuestShell.Result resolv = GuestShell.sh(vm, DistroScripts.WRITE_RESOLV_CONF, List.of(d.name()),
                    HOUSEKEEPING);
            if (resolv.status() != 0) {
                log.warn("distribution {}: cannot write /etc/resolv.conf: {}", d.name(), resolv.why());
            }
        }
        synchronized (this) {
            started.computeIfAbsent(vm, k -> new HashMap<>()).putIfAbsent(d.name(), conf);
            return started.get(vm).get(d.name());
        }
    }

    /** The wsl.conf host name, else the distribution's name made a valid host name. */
    static String hostname(DistroRegistry.Distro d, WslConf conf) {
        if (!conf.hostname().isEmpty()) {
            return conf.hostname();
        }
        String h = d.name().replaceAll("[^A-Za-z0-9-]", "-").replaceAll("^-+|-+$", "");
        return h.isEmpty() ? "uvm" : h;
    }
}
