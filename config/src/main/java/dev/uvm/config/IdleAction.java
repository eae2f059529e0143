package dev.uvm.config;

/** What a VM's idle timeout does. */
public enum IdleAction {
    /** Power the guest off (cleanly, then forced); the next session boots it again. */
    SHUTDOWN,
    /**
     * Save the running VM to disk and end the VMM, so its memory returns to the host; the next
     * session restores it, and falls back to a cold boot if the restore fails.
     */
    SUSPEND
}
