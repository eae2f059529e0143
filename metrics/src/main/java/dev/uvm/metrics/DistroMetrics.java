package dev.uvm.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one registered distribution: the space its files take on its VM's data disk and
 * whether it runs. They exist while the distribution is registered and are removed with it.
 */
public final class DistroMetrics {
    private final MeterRegistry registry;
    private final AtomicLong diskBytes = new AtomicLong(-1);
    private final AtomicLong running = new AtomicLong();
    private final List<Meter> meters;

    DistroMetrics(MeterRegistry registry, String distribution, String vm) {
        this.registry = registry;
        Tags tags = Tags.of("distribution", distribution, "vm", vm);
        meters = List.of(
                Gauge.builder(MetricNames.DISTRIBUTION_DISK, diskBytes, AtomicLong::get).tags(tags).baseUnit("bytes")
                        .description("Space the distribution's files take on its VM's data disk, as last measured;"
                                + " -1 until measured").register(registry),
                Gauge.builder(MetricNames.DISTRIBUTION_RUNNING, running, AtomicLong::get).tags(tags)
                        .description("1 while the distribution runs (its namespaces exist in its running VM)")
                        .register(registry));
    }

    public void diskBytes(long bytes) {
        diskBytes.set(bytes);
    }

    public void running(boolean yes) {
        running.set(yes ? 1 : 0);
    }

    /** Removes the distribution's series (it was unregistered). */
    void remove() {
        meters.forEach(registry::remove);
    }
}
