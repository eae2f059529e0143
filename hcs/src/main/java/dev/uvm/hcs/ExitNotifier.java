package dev.uvm.hcs;

import dev.uvm.hcs.raw.HcsEventType;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The exit of one compute system: observed at most once, then handed to waiters and listeners.
 *
 * <p>Concurrency: {@link #handleEvent} and {@link #closed} run on the binding's event thread (see
 * {@link EventRouter}), so an exit event that HCS delivered before the handle was closed always
 * wins over the close. Listeners run on that thread too.
 */
final class ExitNotifier {

    private static final System.Logger LOG = System.getLogger(ExitNotifier.class.getName());

    private final String systemId;
    private final CompletableFuture<ExitEvent> exit = new CompletableFuture<>();

    ExitNotifier(String systemId) {
        this.systemId = systemId;
    }

    /** An HCS event for this system, already copied out of native memory. Runs on the event thread. */
    void handleEvent(int type, String data) {
        switch (type) {
            case HcsEventType.SYSTEM_EXITED -> observed(ExitEvent.fromDocument(systemId, data));
            case HcsEventType.SERVICE_DISCONNECT -> observed(ExitEvent.serviceDisconnected(systemId));
            default -> LOG.log(System.Logger.Level.DEBUG, "{0}: {1} {2}", systemId, HcsEventType.name(type), data);
        }
    }

    /** Records the exit; later observations are ignored. */
    void observed(ExitEvent event) {
        exit.complete(event);
    }

    /** The handle was closed: waiters that are still waiting give up, listeners are dropped. */
    void closed() {
        EventRouter.INSTANCE.dispatcher().execute(() -> exit.completeExceptionally(
                new IllegalStateException("the handle to compute system " + systemId + " was closed before it exited")));
    }

    void onExit(Consumer<ExitEvent> listener) {
        exit.thenAcceptAsync(event -> {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "exit listener of " + systemId + " failed", e);
            }
        }, EventRouter.INSTANCE.dispatcher());
    }

    CompletableFuture<ExitEvent> future() {
        return exit.copy();
    }

    Optional<ExitEvent> await(Duration timeout) {
        try {
            return Optional.of(exit.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException | ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    boolean hasExited() {
        return exit.isDone() && !exit.isCompletedExceptionally();
    }
}
