package dev.uvm.hcs.raw;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * The allocator that owns HCS result documents: {@code LocalFree} from kernel32.dll on Windows,
 * and the same export of the ABI test double elsewhere.
 */
public interface LocalMemory extends Library {

    /** Releases {@code hMem}; returns NULL on success and {@code hMem} on failure. */
    Pointer LocalFree(Pointer hMem);
}
