package dev.uvm.hcs.driver;

import dev.uvm.hcs.UtilityVm;
import dev.uvm.hcs.raw.HResult;
import dev.uvm.hcs.testing.DoubleControl;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Unix-socket transport with a simulated guest behind it: once HCS (the double) has been asked to
 * start the VM, a {@link FakeGuestAgent} connects, or the guest misbehaves as the test chose.
 */
final class FakeGuests implements AgentTransport {
    private static final Duration GUEST_PATIENCE = Duration.ofSeconds(20);

    /** What the guest does when its VM is started. */
    enum Boot {
        /** The agent connects and sends READY. */
        AGENT,
        /** Nothing ever connects (a guest stuck in its kernel or init). */
        NEVER_CONNECTS,
        /** The guest crashes before its agent connects (DoubleCrashSystem). */
        CRASHES,
        /** The system is terminated between create and start, so HcsStartComputeSystem fails. */
        STOPPED_BEFORE_START
    }

    private final UnixSocketAgentTransport unix;
    private final DoubleControl control = DoubleControl.get();
    final List<FakeGuestAgent> agents = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    volatile Boot boot = Boot.AGENT;
    volatile boolean ignorePowerOff;

    FakeGuests(Path runRoot) {
        this.unix = new UnixSocketAgentTransport(runRoot);
    }

    @Override
    public String describe() {
        return "fake guests behind a " + unix.describe();
    }

    @Override
    public Listener listen(String vmName, UtilityVm vm) throws IOException {
        Listener listener = unix.listen(vmName, vm);
        Boot mode = boot;
        boolean stubborn = ignorePowerOff;
        switch (mode) {
            case AGENT, CRASHES -> {
                Thread guest = new Thread(() -> runGuest(mode, listener.address(), vm.id(), stubborn),
                        "fake-guest-" + vm.id());
                guest.setDaemon(true);
                guest.start();
            }
            case STOPPED_BEFORE_START -> vm.terminate(GUEST_PATIENCE);
            case NEVER_CONNECTS -> {
                // The guest never reaches its agent.
            }
            default -> throw new IllegalStateException("unknown mode " + mode);
        }
        return listener;
    }

    /** The guest "boots" once HcsStartComputeSystem has been called for its system. */
    private void runGuest(Boot mode, String address, String systemId, boolean stubborn) {
        try {
            long deadline = System.nanoTime() + GUEST_PATIENCE.toNanos();
            while (!control.calls(systemId).contains("HcsStartComputeSystem")) {
                waitABit(deadline, systemId);
            }
            if (mode == Boot.CRASHES) {
                // The start is accepted before it completes; a crash needs the system Running.
                while (HResult.failed(control.crash(systemId))) {
                    waitABit(deadline, systemId);
                }
                return;
            }
            agents.add(FakeGuestAgent.connect(address, systemId, stubborn));
        } catch (IOException | RuntimeException | InterruptedException e) {
            errors.add(e);
        }
    }

    private static void waitABit(long deadline, String systemId) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("fake guest of " + systemId + ": its VM was never started");
        }
        Thread.sleep(2);
    }

    /** The agent of the most recent boot. */
    FakeGuestAgent lastAgent() {
        return agents.get(agents.size() - 1);
    }
}
