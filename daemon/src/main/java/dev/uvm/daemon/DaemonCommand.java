package dev.uvm.daemon;

import dev.uvm.config.ConfigException;
import dev.uvm.config.LoadedConfig;
import dev.uvm.config.Locations;
import dev.uvm.daemon.Daemon;
import dev.uvm.protocol.ExitStatus;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import sun.misc.Signal;

/** {@code uvm daemon}: runs the daemon in the foreground until SIGTERM/SIGINT or {@code uvm stop-daemon}. */
@Command(name = "daemon", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Run the daemon in the foreground (a second SIGTERM/SIGINT forces the stop).")
final class DaemonCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() throws Exception {
        LoadedConfig loaded;
        try {
            loaded = main.loadConfig();
        } catch (ConfigException e) {
            System.err.println("uvm daemon: the config file is invalid:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return ExitStatus.USAGE;
        }
        configureLogging(loaded.config().daemon().logLevel());
        Daemon daemon = new Daemon(loaded, main.configFile(), Locations.socket(main.socket(), loaded.config().daemon()));
        if (!daemon.start()) {
            return ExitStatus.DAEMON_ALREADY_RUNNING;
        }
        AtomicInteger signals = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> {
                boolean force = signals.incrementAndGet() > 1;
                new Thread(() -> daemon.stop(force), "signal-stop").start();
            });
        }
        daemon.awaitStopped();
        return 0;
    }

    static void configureLogging(String level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level == null ? "info" : level.toLowerCase());
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.log.org.quartz", "warn");
    }
}
