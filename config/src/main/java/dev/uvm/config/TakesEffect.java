package dev.uvm.config;

/** When a changed setting takes effect in a running daemon. */
public enum TakesEffect {
    /** The scheduler applies it at once, to running VMs too. */
    IMMEDIATELY("applies immediately"),
    /** A running VM keeps its old value until it stops; its next boot uses the new one. */
    NEXT_BOOT("applies at the VM's next boot"),
    /** The daemon must be restarted; until then it keeps the old value. */
    DAEMON_RESTART("needs a daemon restart");

    private final String description;

    TakesEffect(String description) {
        this.description = description;
    }

    /** For example {@code applies at the VM's next boot}. */
    public String description() {
        return description;
    }
}
