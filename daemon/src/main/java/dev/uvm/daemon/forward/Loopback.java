package dev.uvm.daemon.forward;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Listeners on the host's loopback only: 127.0.0.1, and ::1 where the host has an IPv6 loopback. */
final class Loopback {
    private static final Logger log = LoggerFactory.getLogger(Loopback.class);
    private static final int BACKLOG = 128;

    private Loopback() {
    }

    /**
     * Listens on 127.0.0.1:port, and on [::1]:port when the host has it and the port is free there.
     * Fails when 127.0.0.1:port cannot be had (in use, or below the first unprivileged port).
     */
    static List<ServerSocketChannel> listen(int port) throws IOException {
        ServerSocketChannel v4 = ServerSocketChannel.open(StandardProtocolFamily.INET);
        try {
            v4.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), BACKLOG);
        } catch (IOException e) {
            close(v4);
            throw e;
        }
        List<ServerSocketChannel> servers = new ArrayList<>(List.of(v4));
        ServerSocketChannel v6 = ipv6(port);
        if (v6 != null) {
            servers.add(v6);
        }
        return servers;
    }

    /** {@code 127.0.0.1:8080}, or {@code 127.0.0.1:8080 and [::1]:8080}. */
    static String describe(List<ServerSocketChannel> servers, int port) {
        return "127.0.0.1:" + port + (servers.size() > 1 ? " and [::1]:" + port : "");
    }

    /** A listener on [::1]:port, or null when the host has no IPv6 loopback or the port is taken there. */
    private static ServerSocketChannel ipv6(int port) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET6);
            try {
                server.bind(new InetSocketAddress(InetAddress.getByName("::1"), port), BACKLOG);
                return server;
            } catch (IOException e) {
                close(server);
                log.debug("no [::1]:{} listener: {}", port, e.getMessage());
                return null;
            }
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    static void close(ServerSocketChannel server) {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing a listener cannot fail in a way that matters here.
        }
    }
}
