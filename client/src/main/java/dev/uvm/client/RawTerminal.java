package dev.uvm.client;

import java.io.IOException;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import sun.misc.Signal;

/**
 * The client's terminal in raw mode for a session with a PTY in the guest: every key, Ctrl-C
 * included, goes to the guest as a byte, and the guest's line discipline does echo and signals.
 *
 * <p>The mode is restored by {@link #close}, which callers run in a {@code finally}, and by a
 * shutdown hook for exits that skip it (SIGTERM, SIGHUP, {@code System.exit} from another
 * thread). JLine is used for the termios calls and the window size only; it reads nothing from
 * stdin and installs no signal handlers ({@code nativeSignals(false)}), SIGWINCH is handled here.
 */
final class RawTerminal implements AutoCloseable {
    /**
     * JLine's {@code exec} provider (it runs {@code stty}): the native providers rebuild the termios
     * flags from JLine's attributes and lose the line speed (CBAUD) on Linux, so "restoring" a
     * terminal would leave it at 0 baud; {@code stty} changes only the flags it is given.
     */
    private static final String PROVIDER = "exec";

    private final Terminal terminal;
    private final Attributes saved;
    private final AtomicBoolean restored = new AtomicBoolean();
    private final Thread hook;

    private RawTerminal(Terminal terminal) {
        this.terminal = terminal;
        this.saved = terminal.getAttributes();
        this.hook = new Thread(this::restore, "restore-terminal");
    }

    /** Whether stdin and stdout are both a terminal (so a session gets a PTY). */
    static boolean available() {
        return System.console() != null;
    }

    /** Puts the terminal in raw mode; {@code null} if it is not a terminal JLine can drive. */
    static RawTerminal enter() throws IOException {
        Terminal t = TerminalBuilder.builder().system(true).provider(PROVIDER).nativeSignals(false).dumb(true).build();
        if (Terminal.TYPE_DUMB.equals(t.getType()) || Terminal.TYPE_DUMB_COLOR.equals(t.getType())) {
            t.close();
            return null;
        }
        RawTerminal raw = new RawTerminal(t);
        Runtime.getRuntime().addShutdownHook(raw.hook);
        t.setAttributes(raw(raw.saved));
        return raw;
    }

    /** cfmakeraw(3): no echo, no line editing, no signal keys, no CR/NL translation, one byte at a time. */
    static Attributes raw(Attributes cooked) {
        Attributes a = new Attributes(cooked);
        a.setLocalFlags(EnumSet.of(LocalFlag.ECHO, LocalFlag.ECHONL, LocalFlag.ICANON, LocalFlag.ISIG,
                LocalFlag.IEXTEN), false);
        a.setInputFlags(EnumSet.of(InputFlag.IGNBRK, InputFlag.BRKINT, InputFlag.PARMRK, InputFlag.ISTRIP,
                InputFlag.INLCR, InputFlag.IGNCR, InputFlag.ICRNL, InputFlag.IXON), false);
        a.setOutputFlag(OutputFlag.OPOST, false);
        a.setControlChar(ControlChar.VMIN, 1);
        a.setControlChar(ControlChar.VTIME, 0);
        return a;
    }

    /** Rows and columns now. */
    Size size() {
        return terminal.getSize();
    }

    /** Calls {@code listener} with rows and columns whenever the window is resized (SIGWINCH). */
    void onResize(BiConsumer<Integer, Integer> listener) {
        Signal.handle(new Signal("WINCH"), s -> {
            Size size = terminal.getSize();
            listener.accept(size.getRows(), size.getColumns());
        });
    }

    private void restore() {
        if (restored.compareAndSet(false, true)) {
            terminal.setAttributes(saved);
            terminal.flush();
        }
    }

    /** Restores the terminal as it was. */
    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // Already shutting down: the hook runs (and finds the terminal restored).
        }
        try {
            terminal.close();
        } catch (IOException ignored) {
            // The attributes are restored; nothing else to release.
        }
    }
}
