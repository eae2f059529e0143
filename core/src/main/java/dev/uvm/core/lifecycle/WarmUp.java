package dev.uvm.core.lifecycle;

import dev.uvm.config.VmConfig;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled warm-up of VMs, from their {@code prewarm} and {@code keepAlive} cron expressions.
 *
 * <p>{@code prewarm}: at each fire time the VM is booted (or, if up, its idle timer restarted) by
 * a session that ends as soon as the VM is ready, so the idle timeout then runs from that moment.
 *
 * <p>{@code keepAlive}: while any expression matches the current second, a background session
 * holds the VM up; the session ends when no expression matches any more, and the idle timeout
 * starts then. Outside a window nothing ticks: the next check is armed at the next matching
 * second; inside one it is checked every second. A VM shut down on purpose during a window
 * ({@code uvm shutdown}, a config change) stays down until the next window; one that crashed or
 * failed to boot is booted again {@link #RETRY_MILLIS} later (the lifecycle's boot backoff applies).
 *
 * <p>All state belongs to the event loop: public methods and timer tasks post to it.
 */
public final class WarmUp {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    /** How often a VM is checked while one of its keepAlive windows is open. */
    static final long WINDOW_CHECK_MILLIS = 1_000;
    /** After a keepAlive VM crashed or failed to boot, the next attempt waits this long. */
    static final long RETRY_MILLIS = 10_000;

    /** What warm-up holds for one VM, for {@code uvm list} and metrics. */
    public record Status(boolean keepAliveActive, long nextKeepAliveMillis, long nextPrewarmMillis) {
        public static final Status NONE = new Status(false, -1, -1);
    }

    /** Told about scheduled boots and keepAlive windows. Called on the event loop; must not block. */
    public interface Listener {
        default void prewarmFired(String vm) {
        }

        default void keepAlive(String vm, boolean active) {
        }

        default void status(String vm, Status status) {
        }
    }

    private final Scheduler scheduler;
    private final EventLoop loop;
    private final Timers timers;
    private final Listener listener;
    private final TimeZone zone;
    private final Map<String, Vm> vms = new HashMap<>();

    private final class Vm {
        final String name;
        List<CronExpression> prewarm = List.of();
        List<CronExpression> keepAlive = List.of();
        Timers.Cancellable prewarmTimer;
        long nextPrewarm = -1;
        Timers.Cancellable checkTimer;
        long nextKeepAlive = -1;
        Session held;
        /** Shut down on purpose inside the current window: stay down until the window closes. */
        boolean suppressed;
        /** No keepAlive boot before this time (after a crash or boot failure). */
        long retryAfter = -1;

        Vm(String name) {
            this.name = name;
        }

        void cancel() {
            if (prewarmTimer != null) {
                prewarmTimer.cancel();
                prewarmTimer = null;
            }
            if (checkTimer != null) {
                checkTimer.cancel();
                checkTimer = null;
            }
            nextPrewarm = -1;
            nextKeepAlive = -1;
        }
    }

    public WarmUp(Scheduler scheduler, EventLoop loop, Timers timers, Listener listener, TimeZone zone) {
        this.scheduler = scheduler;
        this.loop = loop;
        this.timers = timers;
        this.listener = listener;
        this.zone = zone;
    }

    /** Arms (or re-arms, after a config change) every VM's schedules; VMs not given are dropped. */
    public void apply(Collection<VmConfig> configs) {
        loop.execute(() -> {
            Set<String> names = new HashSet<>();
            for (VmConfig c : configs) {
                names.add(c.name());
                Vm vm = vms.computeIfAbsent(c.name(), Vm::new);
                List<CronExpression> prewarm = parse(c.name(), c.prewarm());
                List<CronExpression> keepAlive = parse(c.name(), c.keepAlive());
                if (sameExpressions(prewarm, vm.prewarm) && sameExpressions(keepAlive, vm.keepAlive)) {
                    continue;
                }
                vm.cancel();
                vm.prewarm = prewarm;
                vm.keepAlive = keepAlive;
                armPrewarm(vm);
                check(vm);
            }
            for (Vm vm : new ArrayList<>(vms.values())) {
                if (!names.contains(vm.name)) {
                    vm.cancel();
                    release(vm);
                    vms.remove(vm.name);
                }
            }
        });
    }

    /** The warm-up state of {@code vm}, {@link Status#NONE} if it has no schedules. */
    public CompletableFuture<Status> status(String vm) {
        CompletableFuture<Status> f = new CompletableFuture<>();
        loop.execute(() -> {
            Vm v = vms.get(vm);
            f.complete(v == null ? Status.NONE : statusOf(v));
        });
        return f;
    }

    /** Cancels every schedule and ends keepAlive sessions (the daemon is stopping). */
    public void close() {
        loop.execute(() -> {
            vms.values().forEach(vm -> {
                vm.cancel();
                release(vm);
            });
            vms.clear();
        });
    }

    private Status statusOf(Vm v) {
        return new Status(v.held != null, v.nextKeepAlive, v.nextPrewarm);
    }

    private void publish(Vm vm) {
        listener.status(vm.name, statusOf(vm));
    }

    // ---- prewarm ----

    private void armPrewarm(Vm vm) {
        long now = timers.nowMillis();
        long next = earliest(vm.prewarm, now);
        vm.nextPrewarm = next;
        if (next >= 0) {
            vm.prewarmTimer = timers.schedule("prewarm of VM " + vm.name, next - now,
                    () -> loop.execute(() -> prewarmFired(vm)));
        }
        publish(vm);
    }

    private void prewarmFired(Vm vm) {
        if (vms.get(vm.name) != vm || vm.nextPrewarm < 0) {
            return;
        }
        log.info("event=prewarm vm={} phase=start", vm.name);
        listener.prewarmFired(vm.name);
        Session session = new Session(Session.Kind.BACKGROUND, Session.Cause.PREWARM, reason -> { });
        long started = timers.nowMillis();
        scheduler.open(vm.name, session).whenComplete((ready, error) -> {
            scheduler.close(vm.name, session);
            if (error == null) {
                log.info("event=prewarm vm={} phase=ready ms={}", vm.name, timers.nowMillis() - started);
            } else {
                log.warn("event=prewarm vm={} phase=failed error=\"{}\"", vm.name, rootMessage(error));
            }
        });
        armPrewarm(vm);
    }

    // ---- keepAlive ----

    private void check(Vm vm) {
        if (vm.checkTimer != null) {
            vm.checkTimer.cancel();
            vm.checkTimer = null;
        }
        long now = timers.nowMillis();
        boolean active = vm.keepAlive.stream().anyMatch(c -> c.isSatisfiedBy(new Date(now)));
        if (active) {
            vm.nextKeepAlive = -1;
            if (vm.held == null && !vm.suppressed && now >= vm.retryAfter) {
                hold(vm);
            }
            long nextSecond = (now / 1000 + 1) * 1000;
            vm.checkTimer = timers.schedule("keepAlive window of VM " + vm.name,
                    Math.max(1, Math.min(WINDOW_CHECK_MILLIS, nextSecond - now)), () -> loop.execute(() -> check(vm)));
        } else {
            vm.suppressed = false;
            release(vm);
            long next = earliest(vm.keepAlive, now);
            vm.nextKeepAlive = next;
            if (next >= 0) {
                vm.checkTimer = timers.schedule("keepAlive window of VM " + vm.name, Math.max(1, next - now),
                        () -> loop.execute(() -> check(vm)));
            }
        }
        publish(vm);
    }

    private void hold(Vm vm) {
        Session[] self = new Session[1];
        self[0] = new Session(Session.Kind.BACKGROUND, Session.Cause.KEEP_ALIVE, why -> lost(vm, self[0], why));
        vm.held = self[0];
        log.info("event=keepalive vm={} phase=start", vm.name);
        listener.keepAlive(vm.name, true);
        scheduler.open(vm.name, self[0]).whenComplete((ready, error) -> {
            if (error != null) {
                loop.execute(() -> bootFailed(vm, self[0], error));
            }
        });
    }

    private void release(Vm vm) {
        if (vm.held != null) {
            Session s = vm.held;
            vm.held = null;
            scheduler.close(vm.name, s);
            log.info("event=keepalive vm={} phase=end", vm.name);
            listener.keepAlive(vm.name, false);
        }
    }

    private void bootFailed(Vm vm, Session session, Throwable error) {
        if (vm.held != session) {
            return;
        }
        vm.held = null;
        vm.retryAfter = timers.nowMillis() + RETRY_MILLIS;
        log.warn("event=keepalive vm={} phase=boot_failed retry_in_ms={} error=\"{}\"", vm.name, RETRY_MILLIS,
                rootMessage(error));
        listener.keepAlive(vm.name, false);
        publish(vm);
    }

    /** The VM went away under the keepAlive session (on the event loop). */
    private void lost(Vm vm, Session session, Session.VmLost why) {
        if (vm.held != session) {
            return;
        }
        vm.held = null;
        // A shutdown that was asked for holds until the window closes; a crash is retried.
        vm.suppressed = why.requested();
        if (!vm.suppressed) {
            vm.retryAfter = timers.nowMillis() + RETRY_MILLIS;
        }
        log.info("event=keepalive vm={} phase=lost held_again={} why=\"{}\"", vm.name,
                vm.suppressed ? "next_window" : "in_" + RETRY_MILLIS + "_ms", why.message());
        listener.keepAlive(vm.name, false);
        publish(vm);
    }

    // ---- cron helpers ----

    private List<CronExpression> parse(String vm, List<String> expressions) {
        List<CronExpression> out = new ArrayList<>();
        for (String e : expressions) {
            try {
                CronExpression c = new CronExpression(e);
                c.setTimeZone(zone);
                out.add(c);
            } catch (ParseException ex) {
                // The config loader validated it; a bad one here is skipped, not fatal.
                log.warn("VM {}: ignoring cron expression \"{}\": {}", vm, e, ex.getMessage());
            }
        }
        return out;
    }

    private static boolean sameExpressions(List<CronExpression> a, List<CronExpression> b) {
        return a.stream().map(CronExpression::getCronExpression).toList()
                .equals(b.stream().map(CronExpression::getCronExpression).toList());
    }

    /** The earliest time after {@code now} at which one of the expressions matches, -1 if never. */
    private static long earliest(List<CronExpression> expressions, long now) {
        long best = -1;
        for (CronExpression c : expressions) {
            Date next = c.getNextValidTimeAfter(new Date(now));
            if (next != null && (best < 0 || next.getTime() < best)) {
                best = next.getTime();
            }
        }
        return best;
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t instanceof java.util.concurrent.CompletionException) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
