package dev.uvm.config;

import dev.uvm.config.ConfigLocator;
import dev.uvm.config.DaemonConfig;
import java.nio.file.Path;

/**
 * Where uvm keeps its socket, state, caches and guest image. The config file, socket and state
 * folder defaults come from {@link ConfigLocator}; this adds the command-line and environment
 * overrides and the folders the config does not name.
 */
public final class Locations {
    private Locations() {
    }

    /** Whether this process runs as root (uid 0): the system daemon's places, and QEMU dropped to a VMM user. */
    public static boolean isRoot() {
        return ConfigLocator.isRoot();
    }

    /** The socket: {@code --socket} / {@code UVM_SOCKET}, else the config's, else the default. */
    public static Path socket(Path option, DaemonConfig daemon) {
        Path given = givenSocket(option);
        return given != null ? given : ConfigLocator.system().socketOf(daemon).toAbsolutePath();
    }

    /** The socket named by {@code --socket} or {@code UVM_SOCKET}, or {@code null} when the config decides. */
    public static Path givenSocket(Path option) {
        if (option != null) {
            return option.toAbsolutePath();
        }
        String env = System.getenv("UVM_SOCKET");
        return env != null && !env.isBlank() ? Path.of(env).toAbsolutePath() : null;
    }

    public static Path stateDir(DaemonConfig daemon) {
        return ConfigLocator.system().stateDirOf(daemon).toAbsolutePath();
    }

    public static Path cacheDir() {
        if (isRoot()) {
            return Path.of("/var/cache/uvm");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("uvm");
    }

    /** The project's installation: {@code uvm.home} (set by bin/uvm), else the working directory. */
    public static Path uvmHome() {
        String h = System.getProperty("uvm.home");
        return h != null ? Path.of(h).toAbsolutePath().normalize() : Path.of("").toAbsolutePath();
    }

    /**
     * The guest image folder: {@code UVM_IMAGE_DIR}, else {@code uvm.image} (set by an installed
     * {@code uvm}: {@code /usr/lib/uvm/guest}), else {@code guest/out} under the source tree.
     */
    public static Path imageDir() {
        String env = System.getenv("UVM_IMAGE_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String installed = System.getProperty("uvm.image");
        return installed != null ? Path.of(installed) : uvmHome().resolve("guest/out");
    }
}
