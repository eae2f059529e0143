package dev.uvm.hcs.hvsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.hcs.LinuxUtilityVmSpec;
import dev.uvm.hcs.UtilityVm;
import dev.uvm.hcs.testing.DoubleControl;
import dev.uvm.hcs.testing.NoLeaks;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hvsocket listener and stream through the Winsock exports of the double, which back an
 * hvsocket with a Unix socket that the test connects to as the guest would over vsock; the double
 * checks what Hyper-V checks (the VM exists, its document allows the service) and NoLeaks that
 * every socket was closed with closesocket.
 */
@ExtendWith(NoLeaks.class)
class HvSocketListenerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final UUID AGENT = HvSocketAddress.vsockService(50_101);

    @TempDir
    Path tmp;

    private final DoubleControl control = DoubleControl.get();

    @BeforeEach
    void socketsInTmp() {
        control.hvSocketDirectory(tmp);
    }

    private static UtilityVm created(String id, UUID... services) {
        LinuxUtilityVmSpec.Builder spec = LinuxUtilityVmSpec.builder().kernel("C:\\uvm\\vmlinux").memoryMb(256);
        for (UUID service : services) {
            spec.hvSocketService(service);
        }
        return UtilityVm.create(id, spec.build());
    }

    private static UUID runtimeId(UtilityVm vm) {
        return UUID.fromString(vm.system().properties(null, WAIT).runtimeId());
    }

    private SocketChannel guestConnects(HvSocketAddress address) throws IOException {
        SocketChannel guest = SocketChannel.open(StandardProtocolFamily.UNIX);
        guest.connect(UnixDomainSocketAddress.of(control.hvSocketPath(HvSocketAddress.text(address.vmId()),
                HvSocketAddress.text(address.serviceId()))));
        return guest;
    }

    @Test
    void guestConnects_bytesBothWays_thenGuestEndIsEndOfStream() throws Exception {
        try (UtilityVm vm = created("uvm-hv1", AGENT)) {
            HvSocketAddress address = new HvSocketAddress(runtimeId(vm), AGENT);
            try (HvSocketListener listener = HvSocketListener.bind(address);
                 SocketChannel guest = guestConnects(address);
                 HvSocketStream host = listener.accept(WAIT)) {
                byte[] big = new byte[300_000]; // more than a socket buffer: the write waits for the reader
                new Random(7).nextBytes(big);
                CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(() -> {
                    try {
                        return host.write(ByteBuffer.wrap(big));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                ByteBuffer got = ByteBuffer.allocate(big.length);
                while (got.hasRemaining()) {
                    guest.read(got);
                }
                assertEquals(big.length, sent.get(20, TimeUnit.SECONDS));
                assertEquals(ByteBuffer.wrap(big), got.flip());

                guest.write(ByteBuffer.wrap("ready".getBytes()));
                ByteBuffer back = ByteBuffer.allocate(16);
                int n = host.read(back);
                assertEquals("ready", new String(back.array(), 0, n));

                guest.close();
                assertEquals(-1, host.read(ByteBuffer.allocate(1)));
                assertEquals(address, host.address());
            }
        }
    }

    @Test
    void nobodyConnects_acceptTimesOutNamingTheAddress() throws Exception {
        try (UtilityVm vm = created("uvm-hv2", AGENT);
             HvSocketListener listener = HvSocketListener.bind(new HvSocketAddress(runtimeId(vm), AGENT))) {
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> listener.accept(Duration.ofMillis(250)));

            assertTrue(e.getMessage().contains("0000C3B5-FACB-11E6-BD58-64006A7986D3 (vsock port 50101)"),
                    e.getMessage());
        }
    }

    @Test
    void closeFromAnotherThread_wakesAcceptAndRead() throws Exception {
        try (UtilityVm vm = created("uvm-hv3", AGENT)) {
            HvSocketAddress address = new HvSocketAddress(runtimeId(vm), AGENT);
            HvSocketListener listener = HvSocketListener.bind(address);
            CompletableFuture<HvSocketStream> accepting = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept(Duration.ofMinutes(10));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            listener.close();
            ExecutionException woken = assertThrows(ExecutionException.class, () -> accepting.get(20, TimeUnit.SECONDS));
            assertInstanceOf(AsynchronousCloseException.class, woken.getCause().getCause());

            try (HvSocketListener again = HvSocketListener.bind(address); SocketChannel guest = guestConnects(address)) {
                HvSocketStream host = again.accept(WAIT);
                CompletableFuture<Integer> reading = CompletableFuture.supplyAsync(() -> {
                    try {
                        return host.read(ByteBuffer.allocate(8));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                host.close();
                ExecutionException e = assertThrows(ExecutionException.class, () -> reading.get(20, TimeUnit.SECONDS));
                assertInstanceOf(AsynchronousCloseException.class, e.getCause().getCause());
                assertEquals(false, host.isOpen());
                assertEquals(-1, guest.read(ByteBuffer.allocate(1)), "closesocket ends the guest's stream");
            }
        }
    }

    @Test
    void bind_vmThatDoesNotExist_failsWithAddrNotAvail() {
        WinsockException e = assertThrows(WinsockException.class,
                () -> HvSocketListener.bind(new HvSocketAddress(UUID.randomUUID(), AGENT)));

        assertEquals(WinsockException.WSAEADDRNOTAVAIL, e.code());
        assertTrue(e.getMessage().startsWith("bind failed with 10049 WSAEADDRNOTAVAIL (no running VM has this id)"),
                e.getMessage());
    }

    @Test
    void bind_serviceTheDocumentDoesNotAllow_failsWithAccessDenied() throws Exception {
        try (UtilityVm vm = created("uvm-hv4", HvSocketAddress.vsockService(564))) {
            WinsockException e = assertThrows(WinsockException.class,
                    () -> HvSocketListener.bind(new HvSocketAddress(runtimeId(vm), AGENT)));

            assertEquals(WinsockException.WSAEACCES, e.code());
            assertTrue(e.getMessage().contains("hvsocket settings"), e.getMessage());
        }
    }

    @Test
    void bind_sameServiceTwice_secondFailsWithAddrInUse() throws Exception {
        try (UtilityVm vm = created("uvm-hv5", AGENT)) {
            HvSocketAddress address = new HvSocketAddress(runtimeId(vm), AGENT);
            try (HvSocketListener first = HvSocketListener.bind(address)) {
                WinsockException e = assertThrows(WinsockException.class, () -> HvSocketListener.bind(address));

                assertEquals(WinsockException.WSAEADDRINUSE, e.code());
                assertEquals(first.address(), address);
            }
        }
    }
}
