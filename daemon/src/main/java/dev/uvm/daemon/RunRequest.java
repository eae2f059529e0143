package dev.uvm.daemon;

import dev.uvm.agent.AgentFrame;
import dev.uvm.agent.ExecRequest;
import dev.uvm.config.VmConfig;
import dev.uvm.daemon.distro.DistroRegistry;
import dev.uvm.daemon.distro.Distributions;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.Wire;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A {@code run} request resolved: which VM, which distribution ({@code null}: the utility
 * environment), and how its process starts there.
 */
record RunRequest(String vm, String distribution, ClientMessage.Run run, ExecPlan plan) {
    /** Flags, rows, cols, argc and envc of the agent's EXEC payload (guest/PROTOCOL.md). */
    private static final int EXEC_FIXED_BYTES = 13;

    boolean detach() {
        return run.detach();
    }

    List<String> argv() {
        return run.argv();
    }

    /**
     * Resolves a (decoded, so valid) {@code run} message. A named distribution decides the VM (a
     * different {@code --vm} is refused). Without one, the default distribution takes the run,
     * unless {@code --vm} names another VM than the default distribution's: then, as without any
     * distribution, the run goes to that VM's utility environment. So does a {@code system} run.
     *
     * @throws Wire.ProtocolException if its command line and environment do not fit one EXEC frame
     * @throws DistroRegistry.NameException if it names a distribution that does not exist, or asks
     *         for what only a distribution has, or a VM its distribution does not live in
     */
    static RunRequest of(ClientMessage.Run run, Distributions distributions)
            throws Wire.ProtocolException, DistroRegistry.NameException {
        checkSize(run);
        Optional<DistroRegistry.Distro> target = run.system() ? Optional.empty()
                : distributions.target(run.distribution());
        if (target.isPresent()) {
            DistroRegistry.Distro d = target.get();
            boolean otherVm = run.vm() != null && !run.vm().equals(d.vm());
            if (otherVm && run.distribution() != null) {
                throw new DistroRegistry.NameException("distribution " + d.name() + " lives in VM " + d.vm()
                        + ", not " + run.vm() + "; leave out --vm");
            }
            if (!otherVm) {
                return new RunRequest(d.vm(), d.name(), run, kept(run, vm -> distributions.exec(d, vm, run)));
            }
        }
        if (run.user() != null || run.cwd() != null) {
            throw new DistroRegistry.NameException(target.isPresent()
                    ? "--user and --cd need a distribution, and VM " + run.vm() + " runs none by default"
                            + " (name one with -d, or leave out --vm)"
                    : "--user and --cd need a distribution, and none is installed (uvm install debian makes one)");
        }
        return new RunRequest(run.vm() != null ? run.vm() : VmConfig.DEFAULT_NAME, null, run,
                kept(run, ExecPlan.of(new ExecRequest(run.argv(), run.env(), run.tty(), run.rows(), run.cols()))));
    }

    /**
     * A background job ({@code --detach}) leaves running what it starts, as a service would; a
     * session's leftovers end with it (the agent's session cgroup).
     */
    private static ExecPlan kept(ClientMessage.Run run, ExecPlan plan) {
        return run.detach() ? vm -> plan.forVm(vm).withStraysKept() : plan;
    }

    /** The agent's EXEC frame holds 13 bytes of header, then every string NUL-terminated. */
    private static void checkSize(ClientMessage.Run run) throws Wire.ProtocolException {
        long size = EXEC_FIXED_BYTES;
        for (List<String> list : List.of(run.argv(), run.env())) {
            for (String s : list) {
                size += s.getBytes(StandardCharsets.UTF_8).length + 1;
            }
        }
        if (size > AgentFrame.MAX_PAYLOAD) {
            throw new Wire.ProtocolException("run: the command line and environment take " + size
                    + " bytes; the limit is " + AgentFrame.MAX_PAYLOAD);
        }
    }
}
