package dev.uvm.scheduler.daemon;

import java.io.IOException;
import dev.uvm.qemu.ChannelStreams;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a client's credentials (SO_PEERCRED): the daemon's own user, root, or a member of the
 * configured socket group may connect; anyone else is told why and disconnected.
 */
final class PeerCheck {
    private static final Logger log = LoggerFactory.getLogger(PeerCheck.class);
    private static final String OWNER = System.getProperty("user.name");

    private PeerCheck() {
    }

    static boolean allowed(SocketChannel ch, String socketGroup) {
        try {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            UserPrincipal user = peer.user();
            GroupPrincipal group = peer.group();
            if (user.getName().equals(OWNER) || user.getName().equals("root")
                    || (socketGroup != null && group.getName().equals(socketGroup))) {
                return true;
            }
            log.warn("refused a client running as user {} (the daemon runs as {})", user.getName(), OWNER);
            String msg = "uvm daemon of user " + OWNER + " refuses clients of user " + user.getName()
                    + (socketGroup == null ? "; start your own daemon, or set socketGroup in [daemon]"
                    : "; add the user to group " + socketGroup);
            byte[] json = Wire.JSON.writeValueAsBytes(Wire.error(msg).put("code", 125));
            Wire.write(ChannelStreams.out(ch), Wire.CONTROL, json, 0, json.length);
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

}
