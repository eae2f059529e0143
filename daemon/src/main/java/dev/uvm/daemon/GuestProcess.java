package dev.uvm.daemon;

import dev.uvm.agent.AgentChannel;
import dev.uvm.agent.ChannelListener;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.Session;
import dev.uvm.protocol.Wire;
import dev.uvm.vm.RunningVm;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One guest process with a session of its own, from the request to its end: opens the session
 * (the VM boots if needed), starts the process over the VM's agent, hands its output to an
 * {@link Owner}, and closes the session however the process ends. An attached {@code uvm run}
 * ({@link RunSession}) and a background job ({@link Job}) are this with different owners.
 *
 * <p>Concurrency: one thread runs {@link #run} and calls the owner; everything else (the agent's
 * reader, the lifecycle, {@link #cancel}) only queues {@link Event}s. Output is queued by the
 * agent reader without blocking it and acknowledged to the agent only after the owner took it,
 * so a slow owner stalls only its own process, and the queue is bounded by the agent's credit
 * window.
 */
final class GuestProcess {
    private static final Logger log = LoggerFactory.getLogger(GuestProcess.class);
    private static final int SIGKILL = 9;
    /** How long a broken agent channel waits for the session to learn why the VM went away. */
    private static final long LOST_REASON_WAIT_SECONDS = 3;

    /** How a guest process ended, for its owner. */
    sealed interface Ending {
    }

    /** The process exited with {@code status} (128+N when killed by signal N). */
    record Exited(int status) implements Ending {
    }

    /** The process never started: the VM could not boot, or the command could not be sent. */
    record Failed(String message) implements Ending {
    }

    /** The VM stopped under the running process. */
    record Lost(String message) implements Ending {
    }

    /** The process was killed because its owner is gone ({@link #cancel}, or the owner failed). */
    record Aborted(String why) implements Ending {
    }

    /** Who the process runs for; called on the thread that runs {@link GuestProcess#run}. */
    interface Owner {
        /**
         * The process runs in the guest; {@code notice}, when not {@code null}, is what the user must
         * hear about the boot this process waited for ({@link RunningVm#bootNotice()}).
         */
        void started(AgentChannel channel, String notice) throws IOException;

        /** Output of the process on {@code stream} ({@link Wire#STDOUT} or {@link Wire#STDERR}). */
        void output(int stream, byte[] data) throws IOException;

        /** The process ended, and nothing more will be called; the session closes after this. */
        void ended(Ending how) throws IOException;
    }

    private sealed interface Event permits VmReady, VmFailed, Output, ProcessExited, Broken, VmLost, Cancelled {
    }

    private record VmReady(RunningVm vm) implements Event {
    }

    private record VmFailed(String message) implements Event {
    }

    private record Output(int stream, byte[] data) implements Event {
    }

    private record ProcessExited(int status) implements Event {
    }

    private record Broken(String reason) implements Event {
    }

    private record VmLost(String reason) implements Event {
    }

    private record Cancelled(String why) implements Event {
    }

    private final Scheduler scheduler;
    private final String vm;
    private final ExecPlan plan;
    private final Owner owner;
    private final Session session;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    GuestProcess(Scheduler scheduler, String vm, ExecPlan plan, Session.Kind kind, Owner owner) {
        this.scheduler = scheduler;
        this.vm = vm;
        this.plan = plan;
        this.owner = owner;
        this.session = new Session(kind, lost -> events.add(new VmLost(lost.message())));
    }

    Session session() {
        return session;
    }

    /** Kills the process (or gives up waiting for its VM): its owner is gone. */
    void cancel(String why) {
        events.add(new Cancelled(why));
    }

    /** Opens the session, runs the process to its end and closes the session; blocks until then. */
    void run() {
        scheduler.open(vm, session).whenComplete((ready, err) -> events.add(err == null ? new VmReady(ready)
                : new VmFailed(err instanceof CompletionException && err.getCause() != null
                        ? err.getCause().getMessage() : err.getMessage())));
        AgentChannel channel = null;
        try {
            while (true) {
                Event ev = events.take();
                if (ev instanceof VmReady r) {
                    try {
                        channel = r.vm().agent().exec(plan.forVm(r.vm()), listener());
                    } catch (IOException | IllegalArgumentException e) {
                        owner.ended(new Failed("cannot start the command in VM " + vm + ": " + e.getMessage()));
                        return;
                    }
                    owner.started(channel, session.waitedForVm() ? r.vm().bootNotice() : null);
                } else if (ev instanceof Output o) {
                    owner.output(o.stream(), o.data());
                    channel.acknowledgeOutput(o.data().length);
                } else if (ev instanceof ProcessExited x) {
                    owner.ended(new Exited(x.status()));
                    return;
                } else if (ev instanceof VmFailed f) {
                    owner.ended(new Failed(f.message()));
                    return;
                } else if (ev instanceof Broken b) {
                    Event lost = events.poll(LOST_REASON_WAIT_SECONDS, TimeUnit.SECONDS);
                    owner.ended(new Lost(lost instanceof VmLost l ? l.reason() : "VM " + vm + " stopped: " + b.reason()));
                    return;
                } else if (ev instanceof VmLost l) {
                    owner.ended(channel == null ? new Failed(l.reason()) : new Lost(l.reason()));
                    return;
                } else if (ev instanceof Cancelled c) {
                    abort(channel, c.why());
                    return;
                }
            }
        } catch (IOException e) {
            abort(channel, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(channel, "the daemon is stopping");
        } finally {
            scheduler.close(vm, session);
        }
    }

    /** Kills the process, if it runs, and tells the owner. */
    private void abort(AgentChannel channel, String why) {
        log.debug("{} on VM {}: aborted ({})", session, vm, why);
        if (channel != null) {
            try {
                channel.signal(SIGKILL);
            } catch (IOException ignored) {
                // The VM is gone; nothing left to kill.
            }
        }
        try {
            owner.ended(new Aborted(why));
        } catch (IOException ignored) {
            // The owner is what failed.
        }
    }

    private ChannelListener listener() {
        return new ChannelListener() {
            @Override
            public void onStdout(byte[] data) {
                events.add(new Output(Wire.STDOUT, data));
            }

            @Override
            public void onStderr(byte[] data) {
                events.add(new Output(Wire.STDERR, data));
            }

            @Override
            public void onExit(int status) {
                events.add(new ProcessExited(status));
            }

            @Override
            public void onBroken(String reason) {
                events.add(new Broken(reason));
            }
        };
    }
}
