package dev.uvm.client;

import dev.uvm.io.ChannelStreams;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.Wire;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run of the client's class data sharing archive (scripts/client-archive.sh): one
 * {@code uvm run -- true} against a stand-in daemon in this JVM, so that the JVM, started with
 * {@code -XX:ArchiveClassesAtExit}, records the classes a real {@code uvm run} loads. No daemon,
 * VM or config is involved; the stand-in speaks just enough of docs/protocol.md.
 */
final class ArchiveTraining {
    private ArchiveTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("uvm-archive-training-");
        Path socket = dir.resolve("uvm.sock");
        int status;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread daemon = new Thread(() -> serve(server), "stand-in daemon");
            daemon.setDaemon(true);
            daemon.start();
            status = Main.run(new String[] {"--socket", socket.toString(), "run", "--", "true"});
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
        if (status != 0) {
            System.err.println("uvm: the training run ended with status " + status);
        }
        System.exit(status);
    }

    /** Answers one connection: hello, then {@code started}, a line of output and {@code exit 0} for its run request. */
    private static void serve(ServerSocketChannel server) {
        try (SocketChannel ch = server.accept()) {
            DataInputStream in = new DataInputStream(ChannelStreams.in(ch));
            OutputStream out = new BufferedOutputStream(ChannelStreams.out(ch));
            ClientMessage.decode(Wire.read(in));
            Wire.send(out, DaemonMessage.Hello.current());
            ClientMessage.Run run = (ClientMessage.Run) ClientMessage.decode(Wire.read(in));
            Wire.send(out, new DaemonMessage.Started(run.vm()));
            Wire.write(out, Wire.STDOUT, new byte[0], 0, 0);
            Wire.send(out, new DaemonMessage.Exit(0));
        } catch (IOException e) {
            System.err.println("uvm: stand-in daemon: " + e.getMessage());
        }
    }
}
