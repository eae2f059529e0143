package dev.uvm.daemon.forward;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Forwarded connections open now, per VM, for {@code uvm list}. Thread-safe. */
public final class OpenConnections {
    private final Map<String, AtomicInteger> byVm = new ConcurrentHashMap<>();

    void opened(String vm) {
        byVm.computeIfAbsent(vm, k -> new AtomicInteger()).incrementAndGet();
    }

    void closed(String vm) {
        byVm.get(vm).decrementAndGet();
    }

    /** Connections open now through the VM's forwarded and declared ports. */
    public int of(String vm) {
        AtomicInteger n = byVm.get(vm);
        return n == null ? 0 : n.get();
    }
}
