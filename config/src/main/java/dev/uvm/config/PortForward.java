package dev.uvm.config;

/**
 * A declared port ({@code ports} in a {@code [vm]} section): the host listens on its loopback at
 * {@code hostPort} whatever the VM's state, and a connection wakes the VM and is forwarded to
 * {@code guestPort} inside it.
 *
 * @param hostPort  1 to 65535, on the host's 127.0.0.1 (and ::1)
 * @param guestPort 1 to 65535, a port a guest process listens on
 */
public record PortForward(int hostPort, int guestPort) {
    public PortForward {
        if (hostPort < 1 || hostPort > 65_535 || guestPort < 1 || guestPort > 65_535) {
            throw new IllegalArgumentException("ports are numbered 1 to 65535");
        }
    }

    /** As written in the config: {@code 8080}, or {@code 15432:5432} when the two differ. */
    @Override
    public String toString() {
        return hostPort == guestPort ? Integer.toString(hostPort) : hostPort + ":" + guestPort;
    }
}
