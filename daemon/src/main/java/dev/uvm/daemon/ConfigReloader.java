package dev.uvm.daemon;

import dev.uvm.config.ConfigChange;
import dev.uvm.config.ConfigDiff;
import dev.uvm.config.ConfigException;
import dev.uvm.config.ConfigWatcher;
import dev.uvm.config.LoadedConfig;
import dev.uvm.config.UvmConfig;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.WarmUp;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a changed config file to the running daemon. A valid file applies at once where it can
 * (idle timeout, timeouts, new and removed VMs) and otherwise at the VM's next boot (memory,
 * processors, kernel, ...), which {@code uvm list} and the log report as pending; an invalid
 * file is rejected whole, its errors logged, and the previous configuration stays in force.
 */
final class ConfigReloader implements ConfigWatcher.Listener {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final Scheduler scheduler;
    private final WarmUp warmUp;
    private final PendingChanges pending;
    private final Consumer<UvmConfig> alsoApply;
    private volatile UvmConfig current;
    private volatile String lastRejection;

    /** @param alsoApply what else takes a new config at once (the declared ports) */
    ConfigReloader(Scheduler scheduler, WarmUp warmUp, PendingChanges pending, UvmConfig initial,
                   Consumer<UvmConfig> alsoApply) {
        this.alsoApply = alsoApply;
        this.scheduler = scheduler;
        this.warmUp = warmUp;
        this.pending = pending;
        this.current = initial;
    }

    /** The configuration in force. */
    UvmConfig current() {
        return current;
    }

    /** The errors of the last rejected file, or {@code null} if the last change applied. */
    String lastRejection() {
        return lastRejection;
    }

    @Override
    public void reloaded(LoadedConfig loaded) {
        UvmConfig neu = loaded.config();
        ConfigDiff diff = ConfigDiff.between(current, neu);
        lastRejection = null;
        loaded.warnings().forEach(w -> log.warn("config: {}", w));
        if (diff.isEmpty()) {
            log.info("config file {} changed; nothing that uvm uses differs", neu.source());
            return;
        }
        for (ConfigChange c : diff.changes()) {
            log.info("config change: {}", c); // the change says when it applies
        }
        pending.record(diff.changes());
        current = neu;
        scheduler.reconfigure(neu).join();
        warmUp.apply(neu.vms().values());
        alsoApply.accept(neu);
        log.info("config file {} applied", neu.source());
    }

    @Override
    public void rejected(ConfigException error) {
        lastRejection = error.getMessage();
        log.error("config file rejected; the previous configuration stays in force. Fix these and save again:");
        error.problems().forEach(p -> log.error("  {}", p));
    }
}
