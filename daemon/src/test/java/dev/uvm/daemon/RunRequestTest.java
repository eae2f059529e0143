package dev.uvm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.agent.AgentFrame;
import dev.uvm.agent.ExecRequest;
import dev.uvm.config.VmConfig;
import dev.uvm.daemon.distro.DistroRegistry;
import dev.uvm.daemon.distro.Distributions;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.Wire;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a run goes (distribution, VM) and whether its command fits the agent's EXEC frame. */
class RunRequestTest {
    @TempDir
    Path state;

    private Distributions distributions(String... distrosInVmBig) throws Exception {
        DistroRegistry registry = DistroRegistry.open(java.nio.file.Files.createTempDirectory(state, "registry"));
        for (String name : distrosInVmBig) {
            registry.reserve(name);
            registry.add(new DistroRegistry.Distro(name, "big", 0, "import", -1));
        }
        return new Distributions(registry, VmConfig::defaults);
    }

    @Test
    void withoutDistributions_aRunGoesToTheUtilityEnvironment_withItsTerminal() throws Exception {
        RunRequest t = RunRequest.of(new ClientMessage.Run(null, List.of("sh"), List.of("TERM=xterm"), true, 50, 200,
                false), distributions());
        assertEquals(VmConfig.DEFAULT_NAME, t.vm());
        assertNull(t.distribution());
        ExecRequest exec = t.plan().forVm(null);
        assertTrue(exec.pty());
        assertEquals(50, exec.rows());
        assertEquals(200, exec.cols());
        assertNull(exec.context());
        assertTrue(RunRequest.of(new ClientMessage.Run("big", List.of("sleep", "9"), List.of(), false, 0, 0, true),
                distributions()).detach());
    }

    @Test
    void theDefaultDistribution_takesRunsThatNameNone_andDecidesTheVm() throws Exception {
        Distributions d = distributions("alpine", "debian");
        RunRequest r = RunRequest.of(ClientMessage.Run.of(null, List.of("true"), List.of()), d);
        assertEquals("alpine", r.distribution(), "the first one registered is the default");
        assertEquals("big", r.vm());
        d.registry().setDefault("debian");
        assertEquals("debian", RunRequest.of(ClientMessage.Run.of(null, List.of("true"), List.of()), d).distribution());
    }

    @Test
    void aVmOtherThanTheDefaultDistributions_andSystemRuns_getTheUtilityEnvironment() throws Exception {
        Distributions d = distributions("debian");
        RunRequest other = RunRequest.of(ClientMessage.Run.of("default", List.of("true"), List.of()), d);
        assertEquals(VmConfig.DEFAULT_NAME, other.vm());
        assertNull(other.distribution());
        assertNull(other.plan().forVm(null).context());
        RunRequest same = RunRequest.of(ClientMessage.Run.of("big", List.of("true"), List.of()), d);
        assertEquals("debian", same.distribution(), "--vm naming the default distribution's VM changes nothing");
        RunRequest system = RunRequest.of(new ClientMessage.Run("big", List.of("true"), List.of(), false, 0, 0, false,
                null, null, null, false, true), d);
        assertEquals("big", system.vm());
        assertNull(system.distribution(), "--system: the utility environment of the distribution's own VM");
        assertNull(RunRequest.of(new ClientMessage.Run(null, List.of("true"), List.of(), false, 0, 0, false,
                null, null, null, false, true), d).plan().forVm(null).context());
    }

    @Test
    void unknownDistribution_wrongVm_andUserWithoutDistribution_areRefusedWithTheReason() throws Exception {
        Distributions d = distributions("debian");
        DistroRegistry.NameException unknown = assertThrows(DistroRegistry.NameException.class, () -> RunRequest.of(
                new ClientMessage.Run(null, List.of("true"), List.of(), false, 0, 0, false, "ubuntu", null, null, false, false), d));
        assertTrue(unknown.getMessage().contains("no distribution named 'ubuntu' (known: debian)"), unknown.getMessage());
        DistroRegistry.NameException vm = assertThrows(DistroRegistry.NameException.class, () -> RunRequest.of(
                new ClientMessage.Run("default", List.of("true"), List.of(), false, 0, 0, false, "debian", null, null,
                        false, false), d));
        assertTrue(vm.getMessage().contains("lives in VM big, not default"), vm.getMessage());
        DistroRegistry.NameException userElsewhere = assertThrows(DistroRegistry.NameException.class,
                () -> RunRequest.of(new ClientMessage.Run("default", List.of("id"), List.of(), false, 0, 0, false, null,
                        "alice", null, false, false), d));
        assertTrue(userElsewhere.getMessage().contains("VM default runs none by default"), userElsewhere.getMessage());
        DistroRegistry.NameException user = assertThrows(DistroRegistry.NameException.class, () -> RunRequest.of(
                new ClientMessage.Run(null, List.of("id"), List.of(), false, 0, 0, false, null, "alice", null, false, false),
                distributions()));
        assertTrue(user.getMessage().contains("need a distribution"), user.getMessage());
    }

    @Test
    void commandLineOverTheAgentsExecLimit_isRefused() {
        String big = "x".repeat(70_000);
        Wire.ProtocolException e = assertThrows(Wire.ProtocolException.class,
                () -> RunRequest.of(ClientMessage.Run.of("default", List.of("echo", big), List.of()), distributions()));
        assertTrue(e.getMessage().contains("the limit is " + AgentFrame.MAX_PAYLOAD), e.getMessage());
    }

    @Test
    void commandLineThatJustFits_isAccepted() throws Exception {
        // 13 bytes of header, "echo\0", then the argument and its NUL.
        String fits = "x".repeat(AgentFrame.MAX_PAYLOAD - 13 - 5 - 1);
        assertEquals(fits, RunRequest.of(ClientMessage.Run.of("default", List.of("echo", fits), List.of()),
                distributions()).plan().forVm(null).argv().get(1));
    }
}
