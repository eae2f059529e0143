package dev.uvm.hcs.raw;

import com.sun.jna.Pointer;
import com.sun.jna.PointerType;

/** An {@code HCS_SYSTEM}: an opaque handle to a compute system, closed with HcsCloseComputeSystem. */
public final class HcsSystemHandle extends PointerType {

    /** Used by JNA when the handle comes back from native code. */
    public HcsSystemHandle() {
    }

    public HcsSystemHandle(Pointer pointer) {
        super(pointer);
    }
}
