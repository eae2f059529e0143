package dev.uvm.bench.lifecycle;

import dev.uvm.config.VmConfig;
import dev.uvm.core.lifecycle.FakeDriver;
import dev.uvm.core.lifecycle.LifecycleListener;
import dev.uvm.core.lifecycle.Session;
import dev.uvm.core.lifecycle.TestLoop;
import dev.uvm.core.lifecycle.VmLifecycle;
import dev.uvm.core.lifecycle.VmState;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Session open and close events on a running VM, handled by {@link VmLifecycle} on one thread
 * with the lifecycle tests' fake driver and loop (tasks run on the calling thread), and a listener that does nothing (the daemon's listeners, log
 * lines and metrics, are not part of this figure). One operation is two events, an open and a
 * close; the score is in events per second.
 *
 * <ul>
 *   <li>{@code openClose_otherSessionHeld}: another session keeps the VM running, so the VM stays
 *       in RUNNING (the common case with several terminals).</li>
 *   <li>{@code openClose_lastSession}: the session is the only one, so each close moves the VM to
 *       IDLE and arms the idle timer, and each open cancels it and moves back to RUNNING.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class SessionEventsBench {
    private final TestLoop loop = new TestLoop();
    private final StillTime time = new StillTime();
    private VmLifecycle vm;
    private VmLifecycle shared;

    @Setup(Level.Trial)
    public void boot() {
        vm = booted();
        shared = booted();
        Session holder = new Session(Session.Kind.FOREGROUND, reason -> {
        });
        loop.run(() -> shared.open(holder));
        check(shared, VmState.RUNNING);
    }

    private VmLifecycle booted() {
        VmLifecycle v = new VmLifecycle(VmConfig.defaults("bench").withIdleTimeout(60_000), new FakeDriver(), loop,
                Runnable::run, time, new LifecycleListener() {
                });
        Session first = new Session(Session.Kind.FOREGROUND, reason -> {
        });
        loop.run(() -> v.open(first));
        loop.run(() -> v.close(first));
        check(v, VmState.IDLE);
        return v;
    }

    private static void check(VmLifecycle v, VmState want) {
        if (v.state() != want) {
            throw new IllegalStateException("VM is " + v.state() + ", expected " + want);
        }
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public Object openClose_otherSessionHeld() {
        Session s = new Session(Session.Kind.FOREGROUND, reason -> {
        });
        Object[] ready = new Object[1];
        loop.run(() -> ready[0] = shared.open(s).getNow(null));
        loop.run(() -> shared.close(s));
        return ready[0];
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public Object openClose_lastSession() {
        Session s = new Session(Session.Kind.FOREGROUND, reason -> {
        });
        Object[] ready = new Object[1];
        loop.run(() -> ready[0] = vm.open(s).getNow(null));
        loop.run(() -> vm.close(s));
        return ready[0];
    }
}
