package dev.uvm.config;

/**
 * One difference between two configurations, and when it takes effect.
 *
 * @param kind     a VM added or removed, or a value changed
 * @param vm       the VM's name; {@code null} for a daemon setting
 * @param key      the changed key; {@code null} when a VM was added or removed
 * @param oldValue the old value in config syntax ({@code ""} = not set); {@code null} when a VM was added or removed
 * @param newValue the new value in config syntax; {@code null} when a VM was added or removed
 * @param effect   when the running daemon can apply it
 */
public record ConfigChange(Kind kind, String vm, ConfigKey key, String oldValue, String newValue,
                           TakesEffect effect) {

    public enum Kind { VM_ADDED, VM_REMOVED, VALUE_CHANGED }

    /** Whether this is a {@code [daemon]} setting. */
    public boolean isDaemon() {
        return vm == null;
    }

    /**
     * For example {@code vm default: memory 512MB -> 1GB (applies at the VM's next boot)} or
     * {@code daemon: socket /run/uvm/uvm.sock -> /tmp/uvm.sock (needs a daemon restart)}.
     */
    @Override
    public String toString() {
        String subject = isDaemon() ? "daemon" : "vm " + vm;
        String what = switch (kind) {
            case VM_ADDED -> "added";
            case VM_REMOVED -> "removed";
            case VALUE_CHANGED -> key.keyName() + " " + shown(oldValue) + " -> " + shown(newValue);
        };
        return subject + ": " + what + " (" + effect.description() + ")";
    }

    private static String shown(String value) {
        return value.isEmpty() ? "(not set)" : value;
    }
}
