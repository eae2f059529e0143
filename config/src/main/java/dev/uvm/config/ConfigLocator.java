package dev.uvm.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where uvm's files live: the config file, the client socket and the state directory.
 *
 * <p>A user's daemon follows the XDG base directories; the system service (running as root) uses
 * {@code /etc/uvm}, {@code /run/uvm} and {@code /var/lib/uvm}. XDG variables that are unset, empty or
 * relative are ignored, as the XDG specification requires.
 *
 * <table>
 *   <caption>Locations</caption>
 *   <tr><th></th><th>user</th><th>root</th></tr>
 *   <tr><td>config</td><td>{@code $XDG_CONFIG_HOME/uvm/uvm.conf}, else {@code ~/.config/uvm/uvm.conf}</td>
 *       <td>{@code /etc/uvm/uvm.conf}</td></tr>
 *   <tr><td>socket</td><td>{@code $XDG_RUNTIME_DIR/uvm/uvm.sock}, else {@code <stateDir>/uvm.sock}</td>
 *       <td>{@code /run/uvm/uvm.sock}</td></tr>
 *   <tr><td>state</td><td>{@code $XDG_STATE_HOME/uvm}, else {@code ~/.local/state/uvm}</td>
 *       <td>{@code /var/lib/uvm}</td></tr>
 * </table>
 */
public final class ConfigLocator {
    /** The environment variable that names the config file when {@code --config} is not given. */
    public static final String ENV_VAR = "UVM_CONFIG";
    public static final Path SYSTEM_CONFIG = Path.of("/etc/uvm/uvm.conf");
    public static final Path SYSTEM_SOCKET = Path.of("/run/uvm/uvm.sock");
    public static final Path SYSTEM_STATE_DIR = Path.of("/var/lib/uvm");

    private final Map<String, String> env;
    private final Path home;
    private final boolean root;

    private ConfigLocator(Map<String, String> env, Path home, boolean root) {
        this.env = Map.copyOf(env);
        this.home = home;
        this.root = root;
    }

    /** The locator of this process: its environment, home directory and user. */
    public static ConfigLocator system() {
        return new ConfigLocator(System.getenv(), Path.of(System.getProperty("user.home")), isRoot());
    }

    /** A locator for the given environment, for tests and for resolving another user's paths. */
    public static ConfigLocator of(Map<String, String> env, Path home, boolean root) {
        return new ConfigLocator(env, home, root);
    }

    /** This process's default config file: {@code ~/.config/uvm/uvm.conf} or, as root, {@code /etc/uvm/uvm.conf}. */
    public static Path defaultPath() {
        return system().configPath();
    }

    /** Chooses this process's config file: {@code --config} (may be {@code null}) > {@code UVM_CONFIG} > default. */
    public static ConfigLocation resolve(String configOption) {
        return system().locate(configOption);
    }

    /** The default config file of this locator's user. */
    public Path configPath() {
        if (root) {
            return SYSTEM_CONFIG;
        }
        return xdg("XDG_CONFIG_HOME", home.resolve(".config")).resolve("uvm").resolve("uvm.conf");
    }

    /** The default client socket, used when {@code [daemon] socket} is not set. */
    public Path socketPath() {
        if (root) {
            return SYSTEM_SOCKET;
        }
        Path runtime = xdg("XDG_RUNTIME_DIR", null);
        return runtime != null ? runtime.resolve("uvm").resolve("uvm.sock") : stateDir().resolve("uvm.sock");
    }

    /** The default state directory, used when {@code [daemon] stateDir} is not set. */
    public Path stateDir() {
        if (root) {
            return SYSTEM_STATE_DIR;
        }
        return xdg("XDG_STATE_HOME", home.resolve(".local").resolve("state")).resolve("uvm");
    }

    /** The socket the daemon uses: the configured one, else {@link #socketPath()}. */
    public Path socketOf(DaemonConfig daemon) {
        return daemon.socket() != null ? daemon.socket() : socketPath();
    }

    /** The state directory the daemon uses: the configured one, else {@link #stateDir()}. */
    public Path stateDirOf(DaemonConfig daemon) {
        return daemon.stateDir() != null ? daemon.stateDir() : stateDir();
    }

    /** Chooses the config file: {@code configOption} (the {@code --config} value, may be {@code null}) > {@code UVM_CONFIG} > default. */
    public ConfigLocation locate(String configOption) {
        if (configOption != null && !configOption.isBlank()) {
            return new ConfigLocation(Path.of(configOption), ConfigLocation.Source.OPTION);
        }
        String fromEnv = env.get(ENV_VAR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new ConfigLocation(Path.of(fromEnv), ConfigLocation.Source.ENVIRONMENT);
        }
        return new ConfigLocation(configPath(), ConfigLocation.Source.DEFAULT);
    }

    private Path xdg(String variable, Path fallback) {
        String value = env.get(variable);
        if (value != null && !value.isEmpty()) {
            Path path = Path.of(value);
            if (path.isAbsolute()) {
                return path;
            }
        }
        return fallback;
    }

    static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
