package dev.uvm.hcs;

import java.util.Objects;

/**
 * A host directory offered to a utility VM over 9p.
 *
 * @param name the share name the guest mounts ({@code mount -t 9p -o trans=fd,aname=<name>})
 * @param hostPath the Windows directory, readable by the VM's worker process
 * @param port the hvsocket (vsock) port the 9p server listens on
 * @param readOnly whether the guest may only read
 */
public record Plan9ShareSpec(String name, String hostPath, int port, boolean readOnly) {

    /** The vsock port hcsshim's Linux guests use for 9p. */
    public static final int DEFAULT_PORT = 564;

    public Plan9ShareSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hostPath, "hostPath");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Plan9 share name must not be blank");
        }
        if (port <= 0) {
            throw new IllegalArgumentException("Plan9 port must be positive, was " + port);
        }
    }

    public static Plan9ShareSpec of(String name, String hostPath, boolean readOnly) {
        return new Plan9ShareSpec(name, hostPath, DEFAULT_PORT, readOnly);
    }
}
