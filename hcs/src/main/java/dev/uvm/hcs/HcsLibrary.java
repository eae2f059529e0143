package dev.uvm.hcs;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.uvm.hcs.raw.ComputeCore;
import dev.uvm.hcs.raw.LocalMemory;
import dev.uvm.hcs.raw.Utf16String;

/**
 * The loaded computecore library and the allocator of its result documents.
 *
 * <p>Which library: the one named by the system property {@value #LIBRARY_PROPERTY} (a JNA library
 * name or an absolute path; it must also export {@code LocalFree}) if set; otherwise, on Windows,
 * computecore.dll with kernel32.dll's {@code LocalFree}; otherwise HCS is unavailable. A successful
 * load is kept for the life of the process; a failed one is retried on the next call.
 */
public final class HcsLibrary {

    /** System property naming a library with the computecore ABI, used instead of computecore.dll. */
    public static final String LIBRARY_PROPERTY = "uvm.hcs.library";

    static final String NOT_WINDOWS =
            "HCS is only available on Windows; set " + LIBRARY_PROPERTY + " to a library with the computecore ABI";

    private static HcsLibrary loaded; // guarded by HcsLibrary.class

    private final String name;
    private final ComputeCore core;
    private final LocalMemory memory;

    private HcsLibrary(String name, ComputeCore core, LocalMemory memory) {
        this.name = name;
        this.core = core;
        this.memory = memory;
    }

    /**
     * The process-wide library, loaded on first use.
     *
     * @throws HcsUnavailableException if HCS cannot be used here
     */
    public static synchronized HcsLibrary get() {
        if (loaded == null) {
            loaded = load(System.getProperty(LIBRARY_PROPERTY), Platform.isWindows());
        }
        return loaded;
    }

    static HcsLibrary load(String override, boolean windows) {
        if (override != null && !override.isBlank()) {
            return open(override, override);
        }
        if (windows) {
            return open("computecore", "kernel32");
        }
        throw new HcsUnavailableException(NOT_WINDOWS, null);
    }

    private static HcsLibrary open(String coreName, String memoryName) {
        try {
            return new HcsLibrary(coreName, Native.load(coreName, ComputeCore.class),
                    Native.load(memoryName, LocalMemory.class));
        } catch (UnsatisfiedLinkError e) {
            throw new HcsUnavailableException("cannot load the computecore library '" + coreName + "': "
                    + e.getMessage(), e);
        }
    }

    /** The library name or path it was loaded from. */
    public String name() {
        return name;
    }

    /** The raw exports. */
    public ComputeCore core() {
        return core;
    }

    /** The allocator of result documents. */
    public LocalMemory memory() {
        return memory;
    }

    /**
     * Decodes the document an out parameter received and releases it with LocalFree, exactly once;
     * returns null (and frees nothing) when HCS returned no document.
     */
    public String takeDocument(PointerByReference document) {
        Pointer text = document.getValue();
        if (text == null) {
            return null;
        }
        document.setValue(null);
        try {
            return Utf16String.read(text);
        } finally {
            memory.LocalFree(text);
        }
    }

    @Override
    public String toString() {
        return "HcsLibrary(" + name + ")";
    }
}
