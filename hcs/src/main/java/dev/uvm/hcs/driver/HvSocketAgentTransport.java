package dev.uvm.hcs.driver;

import dev.uvm.hcs.UtilityVm;
import dev.uvm.hcs.hvsocket.HvSocketAddress;
import dev.uvm.hcs.hvsocket.HvSocketListener;
import dev.uvm.hcs.schema.Properties;
import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.time.Duration;
import java.util.UUID;

/**
 * The transport of real Windows: an hvsocket (AF_HYPERV) listener bound to the VM, which the guest
 * agent reaches as AF_VSOCK, host CID 2, port {@link #AGENT_VSOCK_PORT} (guest/agent/uvm-agent.c
 * connects there when the VM has no virtio-serial port, or when the kernel command line says
 * {@code uvm.agent=vsock}, as the HCS driver's does).
 *
 * <p>{@link #listen} reads the created VM's RuntimeId (HcsGetComputeSystemProperties) and binds
 * {@code SOCKADDR_HV {VmId = RuntimeId, ServiceId = }{@link #AGENT_SERVICE}{@code }}; the VM
 * document lists that service in its hvsocket ServiceTable for SYSTEM and Administrators, the
 * accounts the service runs as. The accepted connection is an {@link dev.uvm.hcs.hvsocket.HvSocketStream},
 * which the agent protocol reads and writes directly.
 */
public final class HvSocketAgentTransport implements AgentTransport {

    /** The vsock port the guest agent connects to on the host. */
    public static final int AGENT_VSOCK_PORT = 50_101;

    /** The hvsocket service of {@link #AGENT_VSOCK_PORT}: {@code 0000C3B5-FACB-11E6-BD58-64006A7986D3}. */
    public static final UUID AGENT_SERVICE = HvSocketAddress.vsockService(AGENT_VSOCK_PORT);

    /** The hvsocket service id a Linux guest reaches as vsock port {@code port}, as HCS documents spell it. */
    public static String serviceId(int port) {
        return HvSocketAddress.text(HvSocketAddress.vsockService(port));
    }

    @Override
    public String describe() {
        return "hvsocket service " + serviceId(AGENT_VSOCK_PORT) + " (vsock port " + AGENT_VSOCK_PORT + ")";
    }

    @Override
    public Listener listen(String vmName, UtilityVm vm) throws IOException {
        Properties properties = vm.system().properties(null, UtilityVm.QUERY_TIMEOUT);
        if (properties.runtimeId() == null) {
            throw new IOException("HCS did not report the RuntimeId of VM '" + vmName + "', which its hvsocket"
                    + " listener needs");
        }
        HvSocketListener listener = HvSocketListener.bind(
                new HvSocketAddress(UUID.fromString(properties.runtimeId()), AGENT_SERVICE));
        return new Listener() {
            @Override
            public String address() {
                return listener.address().toString();
            }

            @Override
            public ByteChannel accept(Duration timeout) throws IOException {
                return listener.accept(timeout);
            }

            @Override
            public void close() {
                listener.close();
            }
        };
    }
}
