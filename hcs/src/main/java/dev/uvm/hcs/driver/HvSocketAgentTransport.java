package dev.uvm.hcs.driver;

import dev.uvm.hcs.UtilityVm;
import java.util.Locale;

/**
 * The transport real Windows needs: an hvsocket (AF_HYPERV) listener bound to the VM, which the
 * guest agent reaches over AF_VSOCK. Not implemented yet: {@link #listen} always throws
 * {@link UnsupportedOperationException} naming what is missing, so a boot fails with that reason
 * instead of waiting for an agent that cannot connect.
 *
 * <p>What an implementation has to do (WSL and hcsshim work this way):
 * <ul>
 *   <li>After HcsCreateComputeSystem, read the VM's {@code RuntimeId} (HcsGetComputeSystemProperties).</li>
 *   <li>Through Winsock (JNA on ws2_32): {@code socket(AF_HYPERV = 34, SOCK_STREAM, HV_PROTOCOL_RAW = 1)},
 *       {@code bind} to a {@code SOCKADDR_HV} whose VmId is the RuntimeId and whose ServiceId is
 *       {@link #serviceId}({@link #AGENT_VSOCK_PORT}), {@code listen}, then a bounded {@code accept}
 *       (select with a timeout). The VM document already opens hvsocket binds and connects to
 *       SYSTEM and Administrators.</li>
 *   <li>Hand the accepted socket to {@code AgentConnection.over}, which needs a {@code SocketChannel}:
 *       the JDK cannot wrap a Winsock handle, so the bytes must be relayed to one end of a
 *       connected Unix-domain socket pair (supported by Java on Windows 10 1803 and later).</li>
 *   <li>The guest agent must connect with AF_VSOCK to CID 2 (the host), port {@link #AGENT_VSOCK_PORT},
 *       instead of opening the virtio-serial port; {@code guest/agent/uvm-agent.c} cannot do that yet.</li>
 * </ul>
 */
public final class HvSocketAgentTransport implements AgentTransport {

    /** The vsock port the guest agent would connect to on the host. */
    public static final int AGENT_VSOCK_PORT = 50_101;

    /** Hyper-V's template that maps a Linux vsock port to an hvsocket service id. */
    private static final String VSOCK_TEMPLATE_SUFFIX = "-FACB-11E6-BD58-64006A7986D3";

    private final String osName;

    public HvSocketAgentTransport() {
        this(System.getProperty("os.name", "unknown"));
    }

    HvSocketAgentTransport(String osName) {
        this.osName = osName;
    }

    /** The hvsocket service id a Linux guest reaches as vsock port {@code port}. */
    public static String serviceId(int port) {
        return String.format(Locale.ROOT, "%08X", port) + VSOCK_TEMPLATE_SUFFIX;
    }

    @Override
    public String describe() {
        return "hvsocket service " + serviceId(AGENT_VSOCK_PORT) + " (vsock port " + AGENT_VSOCK_PORT
                + "; listener not implemented)";
    }

    /** Always throws: see the class comment for what is missing. */
    @Override
    public Listener listen(String vmName, UtilityVm vm) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
            throw new UnsupportedOperationException("hvsocket (AF_HYPERV) listeners exist only on Windows, and this"
                    + " host is " + osName + "; on other hosts the HCS driver needs UnixSocketAgentTransport");
        }
        throw new UnsupportedOperationException("the hvsocket guest agent listener is not implemented yet: it needs"
                + " a Winsock AF_HYPERV listener bound to the VM's RuntimeId and service " + serviceId(AGENT_VSOCK_PORT)
                + ", relayed to a SocketChannel, and a guest agent that connects over AF_VSOCK"
                + " (see hcs-binding/README.md, \"The HCS driver\")");
    }
}
