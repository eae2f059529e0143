package dev.uvm.client;

import dev.uvm.config.ConfigLoader;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.DistroInfo;
import dev.uvm.protocol.VmInfo;
import java.util.List;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code uvm list}: every configured VM with its state, sessions and idle deadline. */
@Command(name = "list", aliases = {"ls"}, description = "List VMs (state, sessions, uptime, memory, idle timer) and"
        + " distributions (VM, state, default, disk use).")
final class ListCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    /** What {@code --names} lists. */
    enum Names { vms, distributions, jobs }

    @Option(names = "--names", paramLabel = "vms|distributions|jobs", description = "Print only names, one per line:"
            + " the VMs (from the config file while no daemon runs), the installed distributions or the background"
            + " jobs' ids (from a running daemon; none while it is not running). Never starts a daemon. For scripts"
            + " and shell completion.")
    Names names;

    @Override
    public Integer call() throws IOException {
        if (names != null) {
            return printNames();
        }
        DaemonMessage.VmList result = main.requestRunning(new ClientMessage.ListVms(), DaemonMessage.VmList.class,
                " (every VM is stopped)");
        if (result == null) {
            return 1;
        }
        if (json) {
            System.out.println(result.prettyJson());
            return 0;
        }
        System.out.printf("%-16s %-10s %-9s %-10s %-10s %-10s %s%n", "NAME", "STATE", "SESSIONS", "UPTIME", "MEMORY",
                "HOST RSS", "IDLE TIMER");
        long now = System.currentTimeMillis();
        for (VmInfo vm : result.vms()) {
            String idle = vm.idleDeadlineMillis() >= 0
                    ? "fires in " + Format.duration(Math.max(0, vm.idleDeadlineMillis() - now))
                    : vm.idleTimeoutMillis() < 0 ? "never" : "-";
            System.out.printf("%-16s %-10s %-9s %-10s %-10s %-10s %s%n", vm.name(), vm.state(),
                    vm.foregroundSessions() + "+" + vm.backgroundSessions() + "bg",
                    vm.uptimeMillis() < 0 ? "-" : Format.duration(vm.uptimeMillis()), Format.bytes(vm.memoryBytes()),
                    vm.hostResidentBytes() < 0 ? "-" : Format.bytes(vm.hostResidentBytes()), idle);
            if (vm.kernel() != null) {
                System.out.println("    kernel: " + vm.kernel());
            }
            if (vm.retryAtMillis() > now) {
                System.out.println("    boot failures: next attempt allowed in "
                        + Format.duration(vm.retryAtMillis() - now));
            }
            if (vm.keepAliveActive()) {
                System.out.println("    keepAlive: a window is open; the VM is held up until it closes");
            } else if (vm.nextKeepAliveMillis() > now) {
                System.out.println("    keepAlive: next window opens in "
                        + Format.duration(vm.nextKeepAliveMillis() - now));
            }
            if (vm.nextPrewarmMillis() > now) {
                System.out.println("    prewarm: next boot in " + Format.duration(vm.nextPrewarmMillis() - now));
            }
            if (!vm.forwardedPorts().isEmpty()) {
                System.out.println("    forwarded from 127.0.0.1: " + String.join(", ",
                        vm.forwardedPorts().stream().map(String::valueOf).toList()));
            }
            if (!vm.portsInUse().isEmpty()) {
                System.out.println("    not forwarded, the host's port is in use: " + String.join(", ",
                        vm.portsInUse().stream().map(String::valueOf).toList()));
            }
            if (!vm.declaredPorts().isEmpty()) {
                System.out.println("    declared ports (a connection wakes the VM): " + String.join(", ",
                        vm.declaredPorts().stream().map(ListCommand::declared).toList()));
            }
            for (String unavailable : vm.declaredPortsUnavailable()) {
                System.out.println("    declared port not listened on: " + unavailable);
            }
            if (vm.connections() > 0) {
                System.out.println("    forwarded connections open: " + vm.connections());
            }
            for (String change : vm.pendingChanges()) {
                System.out.println("    at next boot: " + change);
            }
            if (vm.lastError() != null) {
                System.out.println("    last error: " + vm.lastError().lines().findFirst().orElse(""));
            }
        }
        List<DistroInfo> distributions = result.vms().stream().flatMap(v -> v.distributions().stream()).toList();
        if (!distributions.isEmpty()) {
            System.out.println();
            System.out.printf("%-24s %-16s %-9s %s%n", "DISTRIBUTION", "VM", "STATE", "DISK");
            for (DistroInfo d : distributions) {
                System.out.printf("%-24s %-16s %-9s %s%n", d.name() + (d.isDefault() ? " (default)" : ""), d.vm(),
                        d.state(), d.diskBytes() < 0 ? "-" : Format.bytes(d.diskBytes()));
            }
        }
        return 0;
    }

    /**
     * {@code --names}: quiet and quick, as shell completion calls it at every TAB. No daemon is
     * started and none running is not an error: VM names then come from the config file, and there
     * are no distribution names to give (only the daemon reads its VMs' registries).
     */
    private int printNames() throws IOException {
        DaemonMessage.VmList result;
        try (DaemonConnection conn = main.connect(false)) {
            if (names == Names.jobs) {
                conn.request(new ClientMessage.ListJobs(), DaemonMessage.JobList.class).jobs()
                        .forEach(job -> System.out.println(job.id()));
                return 0;
            }
            result = conn.request(new ClientMessage.ListVms(), DaemonMessage.VmList.class);
        } catch (IOException e) {
            if (!DaemonConnection.noDaemon(e)) {
                throw e;
            }
            if (names == Names.vms) {
                ConfigLoader.vmNames(main.configLocation()).forEach(System.out::println);
            }
            return 0;
        }
        for (VmInfo vm : result.vms()) {
            if (names == Names.vms) {
                System.out.println(vm.name());
            } else {
                vm.distributions().forEach(d -> System.out.println(d.name()));
            }
        }
        return 0;
    }

    /** {@code 127.0.0.1:8080}, or {@code 127.0.0.1:15432 -> 5432} when the guest port differs. */
    private static String declared(String port) {
        int colon = port.indexOf(':');
        return colon < 0 ? "127.0.0.1:" + port : "127.0.0.1:" + port.substring(0, colon) + " -> " + port.substring(colon + 1);
    }
}
