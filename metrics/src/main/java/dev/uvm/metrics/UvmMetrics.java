package dev.uvm.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.prometheus.client.hotspot.StandardExports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's metrics: one {@link VmMetrics} per configured VM, the JVM's and the process's own,
 * exposed in the Prometheus text format on {@code /metrics}.
 */
public final class UvmMetrics implements AutoCloseable {
    private final CollectorRegistry collectors = new CollectorRegistry(true);
    private final PrometheusMeterRegistry registry;
    private final Map<String, VmMetrics> vms = new ConcurrentHashMap<>();
    private final Map<String, DistroMetrics> distributions = new ConcurrentHashMap<>();
    private final Map<String, ForwardMetrics> forwards = new ConcurrentHashMap<>();
    private final String backend;
    private HTTPServer server;

    public UvmMetrics(String backend) {
        this.backend = backend;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, collectors, Clock.SYSTEM);
        // process_cpu_seconds_total comes from the simpleclient's StandardExports; Micrometer's
        // nanosecond twin and its "system.cpu.count" gauge break Prometheus naming rules.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
            }
        });
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new StandardExports().register(collectors);
    }

    /** The meters of a VM, created (all at their zero values) on first use. */
    public VmMetrics vm(String name) {
        return vms.computeIfAbsent(name, n -> new VmMetrics(registry, n, backend));
    }

    /** The meters of a VM's forwarded port, created on first use. */
    public ForwardMetrics forwarding(String vm, int port) {
        return forwards.computeIfAbsent(vm + ":" + port, k -> new ForwardMetrics(registry, vm, port));
    }

    /** The meters of a registered distribution, created on first use. */
    public DistroMetrics distribution(String name, String vm) {
        return distributions.computeIfAbsent(name, n -> new DistroMetrics(registry, n, vm));
    }

    /** Removes an unregistered distribution's meters. */
    public void removeDistribution(String name) {
        DistroMetrics m = distributions.remove(name);
        if (m != null) {
            m.remove();
        }
    }

    /** The current exposition in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Serves {@code /metrics} on {@code host:port}. Returns the bound port (useful with port 0).
     */
    public int serve(String address) throws IOException {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IOException("metricsAddress " + address + " is not host:port");
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(address.substring(colon + 1));
        server = new HTTPServer(new InetSocketAddress(host, port), collectors, true);
        return server.getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }
}
