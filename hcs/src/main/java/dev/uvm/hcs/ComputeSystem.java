package dev.uvm.hcs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.uvm.hcs.raw.ComputeCore;
import dev.uvm.hcs.raw.HResult;
import dev.uvm.hcs.raw.HcsEventType;
import dev.uvm.hcs.raw.HcsOperationHandle;
import dev.uvm.hcs.raw.HcsSystemHandle;
import dev.uvm.hcs.raw.Utf16String;
import dev.uvm.hcs.schema.ComputeSystemConfig;
import dev.uvm.hcs.schema.HcsJson;
import dev.uvm.hcs.schema.ModifySettingRequest;
import dev.uvm.hcs.schema.Properties;
import dev.uvm.hcs.schema.PropertyQuery;
import dev.uvm.hcs.schema.ShutdownOptions;
import dev.uvm.hcs.schema.SystemQuery;
import dev.uvm.hcs.schema.SystemState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * A handle to an HCS compute system: requests on it, and notification when it exits.
 *
 * <p>Every request runs through its own operation and waits at most the given timeout
 * ({@link HcsException#isTimeout()} when it runs out). Stopping is idempotent: shutting down or
 * terminating a system that has already stopped succeeds.
 *
 * <p>Concurrency: requests may run from any thread and concurrently. {@link #close()} waits for
 * requests in flight (each bounded by its timeout), then for HCS callbacks in flight, and must not be
 * called from an HCS callback (this class never runs client code on one). Exit listeners run on the
 * binding's event thread.
 */
public final class ComputeSystem implements AutoCloseable {

    @FunctionalInterface
    private interface SystemRequest {
        int submit(HcsSystemHandle system, HcsOperationHandle operation);
    }

    private final HcsLibrary library;
    private final String id;
    private final long context;
    private final ExitNotifier exit;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private HcsSystemHandle handle; // guarded by lock; null once closed

    private ComputeSystem(HcsLibrary library, String id, HcsSystemHandle handle) {
        this.library = library;
        this.id = id;
        this.handle = handle;
        this.exit = new ExitNotifier(id);
        this.context = EventRouter.INSTANCE.register(exit);
    }

    /**
     * Lets the VM of compute system {@code id} open {@code path}: its worker process runs as a
     * per-VM account, which needs access to the disks (and boot files) the document names.
     *
     * @throws HcsException for example when the file does not exist
     */
    public static void grantVmAccess(String id, String path) {
        int hr = HcsLibrary.get().core().HcsGrantVmAccess(Utf16String.of(id), Utf16String.of(path));
        if (HResult.failed(hr)) {
            throw new HcsException("HcsGrantVmAccess", id, hr, null);
        }
    }

    /** Creates a system from a typed document; see {@link #create(String, String, Duration)}. */
    public static ComputeSystem create(String id, ComputeSystemConfig configuration, Duration timeout) {
        return create(id, HcsJson.write(configuration), timeout);
    }

    /**
     * Creates a compute system and registers for its events; it is left in the Created state.
     *
     * @throws HcsException for example {@link HcsException#isAlreadyExists()} or {@link HcsException#isInvalidJson()}
     * @throws HcsUnavailableException if HCS cannot be used in this process
     */
    public static ComputeSystem create(String id, String configuration, Duration timeout) {
        HcsLibrary library = HcsLibrary.get();
        ComputeCore core = library.core();
        Utf16String wideId = Utf16String.of(id);
        Utf16String wideConfiguration = Utf16String.of(configuration);
        PointerByReference created = new PointerByReference();
        try {
            Operations.run(library, "HcsCreateComputeSystem", id, timeout,
                    op -> core.HcsCreateComputeSystem(wideId, wideConfiguration, op, null, created));
        } catch (RuntimeException e) {
            // HCS hands out the handle even when creation then fails; it must still be closed.
            if (created.getValue() != null) {
                core.HcsCloseComputeSystem(new HcsSystemHandle(created.getValue()));
            }
            throw e;
        }
        return attach(library, id, new HcsSystemHandle(created.getValue()));
    }

    /**
     * Opens an existing compute system (one created with ShouldTerminateOnLastHandleClosed false can
     * outlive the process that created it). If it has already stopped, it counts as exited.
     *
     * @throws HcsException {@link HcsException#isNotFound()} when there is no such system
     */
    public static ComputeSystem open(String id, Duration timeout) {
        HcsLibrary library = HcsLibrary.get();
        PointerByReference opened = new PointerByReference();
        int hr = library.core().HcsOpenComputeSystem(Utf16String.of(id), ComputeCore.GENERIC_ALL, opened);
        if (HResult.failed(hr)) {
            throw new HcsException("HcsOpenComputeSystem", id, hr, null);
        }
        ComputeSystem system = attach(library, id, new HcsSystemHandle(opened.getValue()));
        try {
            Properties properties = system.properties(null, timeout);
            if (properties.state() == SystemState.STOPPED) {
                system.exitObserved(ExitEvent.fromExitType(id, properties.exitType()));
            }
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
        return system;
    }

    private static ComputeSystem attach(HcsLibrary library, String id, HcsSystemHandle handle) {
        ComputeSystem system = new ComputeSystem(library, id, handle);
        int hr = library.core().HcsSetComputeSystemCallback(handle, HcsEventType.OPTION_NONE,
                new Pointer(system.context), EventRouter.INSTANCE.callback());
        if (HResult.failed(hr)) {
            system.close();
            throw new HcsException("HcsSetComputeSystemCallback", id, hr, null);
        }
        return system;
    }

    /** Lists the compute systems HCS knows about (a null query lists all). */
    public static List<Properties> enumerate(SystemQuery query, Duration timeout) {
        HcsLibrary library = HcsLibrary.get();
        Utf16String wideQuery = Utf16String.of(query == null ? null : HcsJson.write(query));
        String result = Operations.run(library, "HcsEnumerateComputeSystems", null, timeout,
                op -> library.core().HcsEnumerateComputeSystems(wideQuery, op));
        return result == null ? List.of() : HcsJson.read(result, new TypeReference<List<Properties>>() { });
    }

    /** The id the system was created or opened with. */
    public String id() {
        return id;
    }

    /** Powers the system on (Created to Running). */
    public void start(Duration timeout) {
        run("HcsStartComputeSystem", timeout, (system, op) -> library.core().HcsStartComputeSystem(system, op, null));
    }

    /** Asks the guest to shut down and waits for it; see {@link #shutdown(ShutdownOptions, Duration)}. */
    public void shutdown(Duration timeout) {
        shutdown(null, timeout);
    }

    /**
     * Asks the guest to shut down and waits until it has. It needs a guest component that honours
     * the request; when the guest ignores it, this fails with {@link HcsException#isTimeout()} and
     * the caller should {@link #terminate}. Succeeds at once if the system has already stopped.
     */
    public void shutdown(ShutdownOptions options, Duration timeout) {
        Utf16String wideOptions = Utf16String.of(options == null ? null : HcsJson.write(options));
        stop("HcsShutDownComputeSystem", timeout,
                (system, op) -> library.core().HcsShutDownComputeSystem(system, op, wideOptions));
    }

    /** Powers the system off at once. Terminating a stopped (or vanished) system succeeds. */
    public void terminate(Duration timeout) {
        stop("HcsTerminateComputeSystem", timeout,
                (system, op) -> library.core().HcsTerminateComputeSystem(system, op, null));
    }

    public void pause(Duration timeout) {
        run("HcsPauseComputeSystem", timeout, (system, op) -> library.core().HcsPauseComputeSystem(system, op, null));
    }

    public void resume(Duration timeout) {
        run("HcsResumeComputeSystem", timeout, (system, op) -> library.core().HcsResumeComputeSystem(system, op, null));
    }

    /** Queries properties; a null query returns only the basic ones (Id, State, RuntimeId, ...). */
    public Properties properties(PropertyQuery query, Duration timeout) {
        return HcsJson.read(propertiesJson(query == null ? null : HcsJson.write(query), timeout), Properties.class);
    }

    /** Queries properties with a raw JSON query and returns the raw result document. */
    public String propertiesJson(String query, Duration timeout) {
        Utf16String wideQuery = Utf16String.of(query);
        return run("HcsGetComputeSystemProperties", timeout,
                (system, op) -> library.core().HcsGetComputeSystemProperties(system, op, wideQuery));
    }

    /** Changes a resource of the running system, such as adding a Plan9 share. */
    public void modify(ModifySettingRequest request, Duration timeout) {
        modify(HcsJson.write(request), timeout);
    }

    /** Changes a resource with a raw ModifySettingRequest document. */
    public void modify(String request, Duration timeout) {
        Utf16String wideRequest = Utf16String.of(request);
        run("HcsModifyComputeSystem", timeout,
                (system, op) -> library.core().HcsModifyComputeSystem(system, op, wideRequest, null));
    }

    /**
     * Calls {@code listener} once, on the binding's event thread, when the system exits (at once if it
     * already has). Not called if the handle is closed first.
     */
    public void onExit(Consumer<ExitEvent> listener) {
        exit.onExit(listener);
    }

    /** Completes with the exit event, or exceptionally if the handle is closed before the system exits. */
    public CompletableFuture<ExitEvent> exitFuture() {
        return exit.future();
    }

    /** Waits up to {@code timeout} for the exit; empty on timeout or if the handle was closed first. */
    public Optional<ExitEvent> awaitExit(Duration timeout) {
        return exit.await(timeout);
    }

    /** Whether the exit has been observed. */
    public boolean hasExited() {
        return exit.hasExited();
    }

    /**
     * Closes the handle. With ShouldTerminateOnLastHandleClosed, closing the last handle terminates
     * the system. Idempotent.
     */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (handle == null) {
                return;
            }
            library.core().HcsCloseComputeSystem(handle); // returns after callbacks in flight
            handle = null;
        } finally {
            lock.writeLock().unlock();
        }
        EventRouter.INSTANCE.unregister(context);
        exit.closed();
    }

    void exitObserved(ExitEvent event) {
        exit.observed(event);
    }

    private String run(String operation, Duration timeout, SystemRequest request) {
        lock.readLock().lock();
        try {
            if (handle == null) {
                throw new IllegalStateException("compute system " + id + ": handle already closed");
            }
            HcsSystemHandle system = handle;
            return Operations.run(library, operation, id, timeout, op -> request.submit(system, op));
        } finally {
            lock.readLock().unlock();
        }
    }

    private void stop(String operation, Duration timeout, SystemRequest request) {
        try {
            run(operation, timeout, request);
        } catch (HcsException e) {
            if (!e.isAlreadyStopped() && !e.isNotFound()) {
                throw e;
            }
        }
    }

    @Override
    public String toString() {
        return "ComputeSystem(" + id + (hasExited() ? ", exited" : "") + ")";
    }
}
