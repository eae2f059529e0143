package dev.uvm.core.lifecycle;

import dev.uvm.config.VmConfig;
import dev.uvm.vm.RunningVm;

/**
 * Observes the lifecycle (metrics, logs). Called on the event loop; must not block.
 *
 * <p>Every event names its VM by configuration: for a boot, a restore or a save, the configuration
 * that boot or save used (a reload may have changed the VM's configuration since); for the other
 * events, the configuration in force.
 */
public interface LifecycleListener {
    default void transition(VmConfig vm, VmState from, VmState to, long millisInPreviousState, String why) {
    }

    default void bootFinished(VmConfig vm, RunningVm instance, long millis) {
    }

    default void bootFailed(VmConfig vm, String error, long millis) {
    }

    default void stopped(VmConfig vm, StopReason reason, boolean forced, long stopMillis) {
    }

    default void sessionsChanged(VmConfig vm, int foreground, int background) {
    }

    /** An idle VM was saved to disk ({@code bytes}) in {@code millis}, or the save failed ({@code error}). */
    default void suspended(VmConfig vm, long millis, long bytes, String error) {
    }

    /** A saved VM was restored in {@code millis} ({@code instance} non-null), or the restore failed. */
    default void restored(VmConfig vm, RunningVm instance, long millis, String error) {
    }

    default void idleTimerChanged(VmConfig vm, long lastSessionEndMillis, long deadlineMillis) {
    }

    /** A session found the VM down and starts a boot ({@code restore} false) or a restore of its saved state. */
    default void wakingUp(VmConfig vm, Session.Cause cause, boolean restore) {
    }

    /** Fans out to several listeners. */
    static LifecycleListener all(LifecycleListener... listeners) {
        return new LifecycleListener() {
            @Override
            public void transition(VmConfig vm, VmState from, VmState to, long millis, String why) {
                for (LifecycleListener l : listeners) {
                    l.transition(vm, from, to, millis, why);
                }
            }

            @Override
            public void bootFinished(VmConfig vm, RunningVm instance, long millis) {
                for (LifecycleListener l : listeners) {
                    l.bootFinished(vm, instance, millis);
                }
            }

            @Override
            public void bootFailed(VmConfig vm, String error, long millis) {
                for (LifecycleListener l : listeners) {
                    l.bootFailed(vm, error, millis);
                }
            }

            @Override
            public void stopped(VmConfig vm, StopReason reason, boolean forced, long stopMillis) {
                for (LifecycleListener l : listeners) {
                    l.stopped(vm, reason, forced, stopMillis);
                }
            }

            @Override
            public void sessionsChanged(VmConfig vm, int foreground, int background) {
                for (LifecycleListener l : listeners) {
                    l.sessionsChanged(vm, foreground, background);
                }
            }

            @Override
            public void suspended(VmConfig vm, long millis, long bytes, String error) {
                for (LifecycleListener l : listeners) {
                    l.suspended(vm, millis, bytes, error);
                }
            }

            @Override
            public void restored(VmConfig vm, RunningVm instance, long millis, String error) {
                for (LifecycleListener l : listeners) {
                    l.restored(vm, instance, millis, error);
                }
            }

            @Override
            public void wakingUp(VmConfig vm, Session.Cause cause, boolean restore) {
                for (LifecycleListener l : listeners) {
                    l.wakingUp(vm, cause, restore);
                }
            }

            @Override
            public void idleTimerChanged(VmConfig vm, long lastSessionEnd, long deadline) {
                for (LifecycleListener l : listeners) {
                    l.idleTimerChanged(vm, lastSessionEnd, deadline);
                }
            }
        };
    }
}
