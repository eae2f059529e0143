package dev.uvm.hcs;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.uvm.hcs.raw.HcsEvent;
import dev.uvm.hcs.raw.HcsEventCallback;
import dev.uvm.hcs.raw.HcsEventType;
import dev.uvm.hcs.raw.Utf16String;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one process-wide HCS event callback, routing events to compute systems by a numeric context.
 *
 * <p>Design: HCS is given a small integer as the callback context, never a Java reference, and the
 * callback looks the system up in a map (as hcsshim's notification.go does). The callback object
 * is held here for the life of the process, so JNA can never lose it while HCS holds the pointer.
 *
 * <p>Concurrency: the callback runs on HCS's threads. It copies the event out of native memory and
 * posts it to a single dispatcher thread, never running client code itself, because
 * HcsCloseComputeSystem waits for running callbacks and a client closing a system from a callback
 * would deadlock. Exit listeners therefore run on the dispatcher thread, in event order, and may
 * close the system; they should not block it for long.
 */
final class EventRouter {

    static final EventRouter INSTANCE = new EventRouter();

    private static final System.Logger LOG = System.getLogger(EventRouter.class.getName());

    private final Map<Long, ExitNotifier> notifiers = new ConcurrentHashMap<>();
    private final AtomicLong nextContext = new AtomicLong(1);
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "hcs-events");
        thread.setDaemon(true);
        return thread;
    });
    private final Callback callback = new Callback();

    private EventRouter() {
        Native.setCallbackThreadInitializer(callback,
                new CallbackThreadInitializer(/* daemon= */ true, /* detach= */ true, "hcs-callback"));
    }

    /** Registers a system's notifier and returns the context value to pass to HcsSetComputeSystemCallback. */
    long register(ExitNotifier notifier) {
        long context = nextContext.getAndIncrement();
        notifiers.put(context, notifier);
        return context;
    }

    /** Forgets a system; call only after HcsCloseComputeSystem has returned. */
    void unregister(long context) {
        notifiers.remove(context);
    }

    HcsEventCallback callback() {
        return callback;
    }

    /** The thread that delivers events to compute systems and runs their exit listeners. */
    Executor dispatcher() {
        return dispatcher;
    }

    private final class Callback implements HcsEventCallback {
        @Override
        public void invoke(Pointer eventPointer, Pointer context) {
            try {
                HcsEvent event = new HcsEvent(eventPointer);
                int type = event.Type;
                String data = Utf16String.read(event.EventData);
                ExitNotifier notifier = notifiers.get(Pointer.nativeValue(context));
                if (notifier == null) {
                    LOG.log(System.Logger.Level.DEBUG, "dropping {0} for an unknown context", HcsEventType.name(type));
                    return;
                }
                dispatcher.execute(() -> notifier.handleEvent(type, data));
            } catch (Throwable t) {
                // Nothing may propagate into native code.
                LOG.log(System.Logger.Level.ERROR, "HCS event callback failed", t);
            }
        }
    }
}
