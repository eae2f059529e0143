package dev.uvm.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one forwarded port of a VM (localhost forwarding or a declared port): connections
 * open and in all, the bytes relayed each way, and the time to the first byte of connections that woke the VM. Created on the port's first connection; they stay while the
 * daemon runs, as counters should.
 */
public final class ForwardMetrics {
    private final AtomicLong open = new AtomicLong();
    private final Counter connections;
    private final Counter toGuest;
    private final Counter toHost;
    private final Timer wakeFirstByte;

    ForwardMetrics(MeterRegistry registry, String vm, int port) {
        Tags tags = Tags.of("vm", vm, "port", Integer.toString(port));
        Gauge.builder(MetricNames.FORWARD_OPEN, open, AtomicLong::get).tags(tags)
                .description("Forwarded connections open now").register(registry);
        connections = Counter.builder(MetricNames.FORWARD_CONNECTIONS).tags(tags)
                .description("Connections accepted on the forwarded port").register(registry);
        toGuest = Counter.builder(MetricNames.FORWARD_BYTES).tags(tags.and("direction", "to_guest")).baseUnit("bytes")
                .description("Bytes relayed through the forwarded port").register(registry);
        toHost = Counter.builder(MetricNames.FORWARD_BYTES).tags(tags.and("direction", "to_host")).baseUnit("bytes")
                .description("Bytes relayed through the forwarded port").register(registry);
        wakeFirstByte = Timer.builder(MetricNames.FORWARD_WAKE_FIRST_BYTE).tags(tags)
                .description("Connection accepted to first byte from the guest, for connections that woke the VM")
                .serviceLevelObjectives(VmMetrics.BUCKETS).register(registry);
    }

    /** The first byte from the guest reached a connection that had to wait for the VM to wake. */
    public void wakeFirstByte(long nanos) {
        wakeFirstByte.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void opened() {
        connections.increment();
        open.incrementAndGet();
    }

    public void closed() {
        open.decrementAndGet();
    }

    public void toGuest(long bytes) {
        toGuest.increment(bytes);
    }

    public void toHost(long bytes) {
        toHost.increment(bytes);
    }
}
