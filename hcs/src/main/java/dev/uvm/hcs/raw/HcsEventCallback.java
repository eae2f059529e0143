package dev.uvm.hcs.raw;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;

/**
 * {@code HCS_EVENT_CALLBACK}: called on an HCS thread for each event of a compute system.
 *
 * <p>{@code event} points at an {@link HcsEvent} that, like its {@code EventData}, is valid only
 * until the callback returns. Never close the system handle from inside the callback: the close
 * waits for running callbacks and would deadlock. Keep a strong reference to the instance until
 * HcsCloseComputeSystem has returned.
 */
@FunctionalInterface
public interface HcsEventCallback extends Callback {

    void invoke(Pointer event, Pointer context);
}
