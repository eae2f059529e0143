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
 * A host transport with a simulated guest behind it: once HCS (the double) has been asked to start
 * the VM, a {@link FakeGuestAgent} connects, or the guest misbehaves as the test chose.
 *
 * <p>The host end is either the real {@link HvSocketAgentTransport} (through the Winsock exports of
 * the double: the listener binds the VM's RuntimeId and the agent's service, and the guest connects
 * to the Unix socket the double backs that hvsocket with), or {@link UnixSocketAgentTransport}.
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

    private final AgentTransport host;
    /** Where the guest connects: the listener's own address, or the double's socket of the hvsocket. */
    private final java.util.function.BiFunction<AgentTransport.Listener, UtilityVm, String> guestEnd;
    private final DoubleControl control = DoubleControl.get();
    final List<FakeGuestAgent> agents = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    volatile Boot boot = Boot.AGENT;
    volatile boolean ignorePowerOff;

    private FakeGuests(AgentTransport host, java.util.function.BiFunction<Listener, UtilityVm, String> guestEnd) {
        this.host = host;
        this.guestEnd = guestEnd;
    }

    /** Guests behind a Unix socket under {@code runRoot}. */
    static FakeGuests overUnixSocket(Path runRoot) {
        return new FakeGuests(new UnixSocketAgentTransport(runRoot), (listener, vm) -> listener.address());
    }

    /** Guests behind the real hvsocket transport; the double backs hvsockets with Unix sockets in {@code dir}. */
    static FakeGuests overHvSocket(Path dir) {
        DoubleControl.get().hvSocketDirectory(dir);
        // The listener's address is "hvsocket VMID/SERVICE (vsock port N)": the guest needs no HCS query.
        return new FakeGuests(new HvSocketAgentTransport(), (listener, vm) -> {
            String[] ids = listener.address().split(" ")[1].split("/");
            return DoubleControl.get().hvSocketPath(ids[0], ids[1]).toString();
        });
    }

    @Override
    public String describe() {
        return "fake guests behind a " + host.describe();
    }

    @Override
    public Listener listen(String vmName, UtilityVm vm) throws IOException {
        Listener listener = host.listen(vmName, vm);
        Boot mode = boot;
        boolean stubborn = ignorePowerOff;
        switch (mode) {
            case AGENT, CRASHES -> {
                String address = guestEnd.apply(listener, vm);
                Thread guest = new Thread(() -> runGuest(mode, address, vm.id(), stubborn),
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
