package dev.uvm.daemon;

import dev.uvm.io.ChannelStreams;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.Wire;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access control of the client socket. The socket file and its folder admit the daemon's own user
 * only, or also the configured {@code socketGroup}; and every accepted client's credentials
 * (SO_PEERCRED) are checked: the daemon's user, root, or a member of the socket group may
 * connect, anyone else is told why and disconnected before a byte of theirs is read. On Windows
 * the socket file's ACL does both ({@link #ADMITTED_BY_ACL}).
 */
final class PeerCheck {
    private static final Logger log = LoggerFactory.getLogger(PeerCheck.class);
    private static final String OWNER = System.getProperty("user.name");
    /** How long asking the system for a user's groups may take. */
    private static final long GROUPS_TIMEOUT_SECONDS = 5;
    /**
     * Windows has no SO_PEERCRED for AF_UNIX: there the socket file's ACL (the owner, SYSTEM,
     * Administrators and the socket group; see {@link OwnerOnlyFiles}) is the check, which Windows
     * makes when a client connects, and every client that got through is admitted.
     */
    static final boolean ADMITTED_BY_ACL = !OwnerOnlyFiles.posix(Path.of(""));

    private PeerCheck() {
    }

    static boolean allowed(SocketChannel ch, String socketGroup) {
        if (ADMITTED_BY_ACL) {
            return true;
        }
        try {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            UserPrincipal user = peer.user();
            GroupPrincipal group = peer.group();
            if (user.getName().equals(OWNER) || user.getName().equals("root")
                    || (socketGroup != null && (group.getName().equals(socketGroup)
                    || groupsOf(user.getName()).contains(socketGroup)))) {
                return true;
            }
            log.warn("refused a client running as user {} (the daemon runs as {})", user.getName(), OWNER);
            Wire.send(ChannelStreams.out(ch), DaemonMessage.Failure.ofUvm(refusal(user.getName(), socketGroup)));
            ch.close();
            return false;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("cannot read a client's credentials ({}); refusing it", e.getMessage());
            try {
                ch.close();
            } catch (IOException ignored) {
                // Already closed.
            }
            return false;
        }
    }

    /** The message a refused client prints. */
    static String refusal(String user, String socketGroup) {
        return "permission denied: this uvm daemon belongs to user " + OWNER + " and does not accept clients of user "
                + user + (socketGroup == null
                ? "; start your own daemon (use your own --socket), or have " + OWNER + " set socketGroup in [daemon]"
                : "; ask to be added to group " + socketGroup);
    }

    /** The groups of a user as the system knows them (including supplementary groups); empty if unknown. */
    private static Set<String> groupsOf(String user) {
        try {
            Process p = new ProcessBuilder("id", "-Gn", "--", user).redirectErrorStream(true).start();
            if (!p.waitFor(GROUPS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Set.of();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? Set.copyOf(Arrays.asList(out.split("\\s+"))) : Set.of();
        } catch (IOException e) {
            return Set.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        }
    }

    /**
     * Creates the socket's folder {@code rwx------}, or {@code rwx--x---} with the socket group. A
     * folder that exists already (a home folder, /tmp) is not changed: the socket's own mode
     * protects the socket, and the log says that others can see into the folder. Except a folder
     * of this user's in one of those two modes, which a daemon made: it takes the mode of the
     * current {@code socketGroup}, so that adding the group (as the Debian package's config does)
     * lets its members in, and removing it shuts them out again.
     */
    static void secureFolder(Path dir, String socketGroup) throws IOException {
        String mode = socketGroup == null ? "rwx------" : "rwx--x---";
        if (!Files.isDirectory(dir) || !OwnerOnlyFiles.posix(dir)) {
            // (without POSIX modes, Windows: the daemon's own folder under %ProgramData%, always restricted)
            Files.createDirectories(dir);
            restrict(dir, socketGroup);
            return;
        }
        String now = PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
        if ((now.equals("rwx------") || now.equals("rwx--x---"))
                && Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(OWNER)) {
            if (!now.equals(mode) || socketGroup != null) {
                restrict(dir, socketGroup);
            }
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        if (perms.contains(PosixFilePermission.OTHERS_EXECUTE) || perms.contains(PosixFilePermission.OTHERS_READ)) {
            log.info("the socket folder {} ({}) is open to other users; the socket itself admits {} only", dir,
                    PosixFilePermissions.toString(perms), socketGroup == null ? OWNER : OWNER + " and group " + socketGroup);
        }
    }

    /** Restricts the socket file: {@code rw-------}, or {@code rw-rw----} with the socket group. */
    static void secureSocket(Path socket, String socketGroup) throws IOException {
        restrict(socket, socketGroup);
    }

    private static void restrict(Path p, String socketGroup) throws IOException {
        if (socketGroup != null && OwnerOnlyFiles.posix(p)) {
            GroupPrincipal g = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(socketGroup);
            Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(g);
        }
        OwnerOnlyFiles.restrict(p, socketGroup);
    }
}
