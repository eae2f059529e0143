package dev.uvm.config;

import java.nio.file.Path;

/**
 * The {@code [daemon]} section.
 *
 * @param socket         the client socket path; {@code null} means the platform default
 * @param socketGroup    a group whose members may also connect; {@code null} = owner only
 * @param metricsAddress {@code host:port} of the Prometheus endpoint, {@code 127.0.0.1:9477} by default;
 *                       {@code "off"} disables it
 * @param backend        the hypervisor backend
 * @param stateDir       where the daemon records running VMs; {@code null} means the platform default
 * @param logLevel       SLF4J level name: error, warn, info, debug, trace
 * @param consoleLogBytes size at which a VM's guest console log is rotated (one previous copy is kept)
 */
public record DaemonConfig(Path socket, String socketGroup, String metricsAddress, Backend backend,
                           Path stateDir, String logLevel, long consoleLogBytes) {

    public static final String DEFAULT_METRICS_ADDRESS = "127.0.0.1:9477";
    public static final long DEFAULT_CONSOLE_LOG_BYTES = 1L << 20;

    public DaemonConfig(Path socket, String socketGroup, String metricsAddress, Backend backend, Path stateDir,
                        String logLevel) {
        this(socket, socketGroup, metricsAddress, backend, stateDir, logLevel, DEFAULT_CONSOLE_LOG_BYTES);
    }

    public static DaemonConfig defaults() {
        return new DaemonConfig(null, null, DEFAULT_METRICS_ADDRESS, Backend.AUTO, null, "info");
    }
}
