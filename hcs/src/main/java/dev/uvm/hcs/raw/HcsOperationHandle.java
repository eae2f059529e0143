package dev.uvm.hcs.raw;

import com.sun.jna.Pointer;
import com.sun.jna.PointerType;

/** An {@code HCS_OPERATION}: an opaque handle to an asynchronous request, closed with HcsCloseOperation. */
public final class HcsOperationHandle extends PointerType {

    /** Used by JNA when the handle comes back from native code. */
    public HcsOperationHandle() {
    }

    public HcsOperationHandle(Pointer pointer) {
        super(pointer);
    }
}
