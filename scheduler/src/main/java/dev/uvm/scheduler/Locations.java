package dev.uvm.scheduler;

import com.sun.security.auth.module.UnixSystem;
import dev.uvm.config.DaemonConfig;
import java.nio.file.Path;

/**
 * Where uvm keeps its socket, state and caches: per-user folders (XDG) for a user, system folders
 * for root, each overridable.
 */
public final class Locations {
    private Locations() {
    }

    public static boolean isRoot() {
        try {
            return new UnixSystem().getUid() == 0;
        } catch (RuntimeException | LinkageError e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Path home() {
        return Path.of(System.getProperty("user.home"));
    }

    private static Path xdg(String var, Path fallback) {
        String v = System.getenv(var);
        return v != null && !v.isBlank() ? Path.of(v) : fallback;
    }

    /** The socket: {@code --socket} / {@code UVM_SOCKET}, else the config's, else the default. */
    public static Path socket(Path option, DaemonConfig daemon) {
        if (option != null) {
            return option.toAbsolutePath();
        }
        String env = System.getenv("UVM_SOCKET");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        if (daemon != null && daemon.socket() != null) {
            return daemon.socket().toAbsolutePath();
        }
        return defaultSocket();
    }

    public static Path defaultSocket() {
        if (isRoot()) {
            return Path.of("/run/uvm/uvm.sock");
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "uvm", "uvm.sock");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "uvm-" + System.getProperty("user.name"), "uvm.sock");
    }

    public static Path stateDir(DaemonConfig daemon) {
        if (daemon != null && daemon.stateDir() != null) {
            return daemon.stateDir().toAbsolutePath();
        }
        if (isRoot()) {
            return Path.of("/var/lib/uvm");
        }
        return xdg("XDG_STATE_HOME", home().resolve(".local/state")).resolve("uvm");
    }

    public static Path cacheDir() {
        if (isRoot()) {
            return Path.of("/var/cache/uvm");
        }
        return xdg("XDG_CACHE_HOME", home().resolve(".cache")).resolve("uvm");
    }

    /** The project's installation: {@code uvm.home} (set by bin/uvm), else the working directory. */
    public static Path uvmHome() {
        String h = System.getProperty("uvm.home");
        return h != null ? Path.of(h).toAbsolutePath().normalize() : Path.of("").toAbsolutePath();
    }

    /** The guest image folder: {@code UVM_IMAGE_DIR}, else {@code guest/out} under the installation. */
    public static Path imageDir() {
        String env = System.getenv("UVM_IMAGE_DIR");
        return env != null && !env.isBlank() ? Path.of(env) : uvmHome().resolve("guest/out");
    }
}
