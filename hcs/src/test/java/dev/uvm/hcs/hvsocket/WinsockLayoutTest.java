package dev.uvm.hcs.hvsocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.jna.Native;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Winsock structures against their documented x64 layouts (hvsocket.h, winsock2.h), and the
 * vsock-port template of Hyper-V's Linux guests.
 */
class WinsockLayoutTest {

    private static final UUID VM = UUID.fromString("5c0c2a4e-1122-4334-8556-0123456789ab");

    @Test
    void sockaddrHv_is36Bytes_familyReservedVmIdServiceId() {
        assertEquals(0, HvSocketAddress.FAMILY_OFFSET);
        assertEquals(2, HvSocketAddress.RESERVED_OFFSET);
        assertEquals(4, HvSocketAddress.VM_ID_OFFSET);
        assertEquals(20, HvSocketAddress.SERVICE_ID_OFFSET);
        assertEquals(36, HvSocketAddress.SIZE);
    }

    @Test
    void sockaddrHv_guidsInWindowsMemoryOrder() {
        byte[] bytes = new HvSocketAddress(VM, HvSocketAddress.vsockService(50_101)).toBytes();

        assertEquals("2200" + "0000"
                        // Data1 4e2a0c5c, Data2 2211, Data3 3443 little-endian, Data4 as written
                        + "4e2a0c5c" + "2211" + "3443" + "85560123456789ab"
                        // 0000C3B5-FACB-11E6-BD58-64006A7986D3
                        + "b5c30000" + "cbfa" + "e611" + "bd5864006a7986d3",
                HexFormat.of().formatHex(bytes));
    }

    @Test
    void sockaddrHv_roundTrips_andRejectsOtherFamilies() {
        HvSocketAddress address = new HvSocketAddress(VM, HvSocketAddress.vsockService(7));
        assertEquals(address, HvSocketAddress.fromBytes(address.toBytes()));

        byte[] inet = address.toBytes();
        inet[0] = 2;
        assertThrows(IllegalArgumentException.class, () -> HvSocketAddress.fromBytes(inet));
        assertThrows(IllegalArgumentException.class, () -> HvSocketAddress.fromBytes(new byte[28]));
    }

    @Test
    void vsockTemplate_portIsData1_otherServicesHaveNoPort() {
        assertEquals("0000C3B5-FACB-11E6-BD58-64006A7986D3", HvSocketAddress.text(HvSocketAddress.vsockService(50_101)));
        assertEquals("FFFFFFFF-FACB-11E6-BD58-64006A7986D3", HvSocketAddress.text(HvSocketAddress.vsockService(-1)));
        assertEquals(50_101, HvSocketAddress.vsockPort(HvSocketAddress.vsockService(50_101)));
        assertEquals(0xFFFF_FFFFL, HvSocketAddress.vsockPort(HvSocketAddress.vsockService(-1)));
        assertEquals(-1, HvSocketAddress.vsockPort(VM));
    }

    @Test
    void wsaPollFd_isSocketThenEventsThenRevents_16Bytes() {
        assertEquals(8, Native.POINTER_SIZE, "the layouts are those of 64-bit Windows");
        assertEquals(0, WsaPollFd.FD_OFFSET);
        assertEquals(8, WsaPollFd.EVENTS_OFFSET);
        assertEquals(10, WsaPollFd.REVENTS_OFFSET);
        assertEquals(16, WsaPollFd.SIZE);

        WsaPollFd fd = new WsaPollFd(new Winsock.SocketHandle(0x1234_5678_9AL), Winsock.POLLRDNORM);
        assertArrayEquals(HexFormat.of().parseHex("9a78563412000000" + "0001" + "0000" + "00000000"),
                fd.memory().getByteArray(0, 16));
    }

    @Test
    void wsaData_x64_stringsLast_408Bytes() {
        assertEquals(8, WsaData.VENDOR_INFO_OFFSET);
        assertEquals(16, WsaData.DESCRIPTION_OFFSET);
        assertEquals(273, WsaData.SYSTEM_STATUS_OFFSET);
        assertEquals(408, WsaData.SIZE);
    }

    @Test
    void socketHandle_isPointerSizedAndUnsigned_invalidIsAllOnes() {
        assertEquals(8, Native.getNativeSize(Winsock.SocketHandle.class));
        assertEquals("18446744073709551615", Long.toUnsignedString(Winsock.SocketHandle.INVALID.longValue()));
        assertEquals(true, new Winsock.SocketHandle(-1L).isInvalid());
        assertEquals(false, new Winsock.SocketHandle(0x1F4L).isInvalid());
    }

    @Test
    void constants_asInWinsockHeaders() {
        assertEquals(34, Winsock.AF_HYPERV);
        assertEquals(1, Winsock.HV_PROTOCOL_RAW);
        assertEquals(0x8004667E, Winsock.FIONBIO);
        assertEquals(0x0202, Winsock.VERSION_2_2);
    }
}
