package dev.uvm.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one forwarded port of a VM (localhost forwarding): connections open and in all,
 * and the bytes relayed each way. Created on the port's first connection; they stay while the
 * daemon runs, as counters should.
 */
public final class ForwardMetrics {
    private final AtomicLong open = new AtomicLong();
    private final Counter connections;
    private final Counter toGuest;
    private final Counter toHost;

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
