package dev.uvm.hcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.hcs.raw.HResult;
import org.junit.jupiter.api.Test;

class HcsLibraryTest {

    @Test
    void load_notWindowsAndNoProperty_isUnavailableWithGuidance() {
        HcsUnavailableException e = assertThrows(HcsUnavailableException.class,
                () -> HcsLibrary.load(null, /* windows= */ false));

        assertEquals("HCS is only available on Windows; set uvm.hcs.library to a library with the computecore ABI",
                e.getMessage());
        assertEquals(HResult.HCS_E_SERVICE_NOT_AVAILABLE, e.hresult());
    }

    @Test
    void load_blankProperty_isTreatedAsUnset() {
        assertThrows(HcsUnavailableException.class, () -> HcsLibrary.load("  ", /* windows= */ false));
    }

    @Test
    void load_missingLibrary_isUnavailableNamingIt() {
        HcsUnavailableException e = assertThrows(HcsUnavailableException.class,
                () -> HcsLibrary.load("no_such_computecore_library", /* windows= */ false));

        assertTrue(e.getMessage().contains("no_such_computecore_library"), e.getMessage());
        assertInstanceOf(UnsatisfiedLinkError.class, e.getCause());
    }

    @Test
    void get_withProperty_loadsTheNamedLibrary() {
        assertEquals(System.getProperty(HcsLibrary.LIBRARY_PROPERTY), HcsLibrary.get().name());
    }
}
