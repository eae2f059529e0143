package dev.uvm.hcs.raw;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;

/**
 * {@code HCS_OPERATION_COMPLETION}: called on an HCS thread when an operation finishes.
 *
 * <p>The callback may call HcsGetOperationResult and HcsCloseOperation on {@code operation}. Keep
 * a strong reference to the instance until the operation is closed; a collected callback crashes
 * the process.
 */
@FunctionalInterface
public interface HcsOperationCompletion extends Callback {

    void invoke(HcsOperationHandle operation, Pointer context);
}
