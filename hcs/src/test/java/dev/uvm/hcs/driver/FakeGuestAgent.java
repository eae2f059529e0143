package dev.uvm.hcs.driver;

import dev.uvm.agent.AgentFrame;
import dev.uvm.hcs.testing.DoubleControl;
import dev.uvm.io.ChannelStreams;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A guest agent in Java for tests: connects to the host's agent socket and speaks
 * {@code guest/PROTOCOL.md} like {@code uvm-agent.c} does, for a few commands. On POWEROFF it powers
 * "its VM" off through the computecore double ({@code DoubleGuestPowerOff}), unless told to ignore it.
 *
 * <p>Commands: {@code echo ARGS...} (STDOUT, EXIT 0), {@code true}, {@code false}; anything else
 * gets {@code uvm-agent: NAME: No such file or directory} on STDERR and EXIT 127, as the real agent.
 * CONNECT is served as the real agent does it, with the host's loopback standing in for the guest's:
 * a TCP connection to {@code 127.0.0.1:port} carried on the channel (STDIN to it, an empty STDIN
 * half-closes it, what it sends as STDOUT, EXIT 0 when it closes). {@link #reportPorts} sends PORTS.
 */
final class FakeGuestAgent {
    private final String systemId;
    private final boolean ignorePowerOff;
    private final SocketChannel socket;
    private final OutputStream out;
    final AtomicInteger powerOffsReceived = new AtomicInteger();
    final AtomicInteger execsReceived = new AtomicInteger();

    private FakeGuestAgent(String systemId, boolean ignorePowerOff, SocketChannel socket) {
        this.systemId = systemId;
        this.ignorePowerOff = ignorePowerOff;
        this.socket = socket;
        this.out = ChannelStreams.out(socket);
    }

    /** Connects to {@code address}, sends READY and serves the host on a daemon thread until EOF. */
    static FakeGuestAgent connect(String address, String systemId, boolean ignorePowerOff) throws IOException {
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        socket.connect(UnixDomainSocketAddress.of(address));
        FakeGuestAgent agent = new FakeGuestAgent(systemId, ignorePowerOff, socket);
        agent.send(new AgentFrame(AgentFrame.READY, 0, "uvm-agent 1 uptime=0.250".getBytes(StandardCharsets.UTF_8)));
        Thread serve = new Thread(agent::serve, "fake-guest-agent-" + systemId);
        serve.setDaemon(true);
        serve.start();
        return agent;
    }

    private void serve() {
        try (socket) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(socket)));
            while (true) {
                handle(AgentFrame.read(in));
            }
        } catch (EOFException e) {
            // The host closed the connection: the VM is gone.
        } catch (IOException e) {
            // Closed under us while stopping; nothing to report.
        }
    }

    private void handle(AgentFrame frame) throws IOException {
        switch (frame.type()) {
            case AgentFrame.EXEC -> exec(frame.channel(), argv(frame.payload()));
            case AgentFrame.CONNECT -> connect(frame.channel(), ByteBuffer.wrap(frame.payload()).getShort() & 0xFFFF);
            case AgentFrame.STDIN -> {
                java.net.Socket tcp = connections.get(frame.channel());
                if (tcp != null && frame.payload().length == 0) {
                    tcp.shutdownOutput();
                } else if (tcp != null) {
                    tcp.getOutputStream().write(frame.payload());
                }
            }
            case AgentFrame.STATS_REQ -> send(new AgentFrame(AgentFrame.STATS, 0, ("uptime 12.5\nmem_total 536870912\n"
                    + "mem_free 400000000\nmem_available 450000000\nmem_cached 1000000\ncpu_busy 42\ncpu_total 1000\n")
                    .getBytes(StandardCharsets.UTF_8)));
            case AgentFrame.PING -> send(new AgentFrame(AgentFrame.PONG, 0, frame.payload()));
            case AgentFrame.POWEROFF -> {
                powerOffsReceived.incrementAndGet();
                if (!ignorePowerOff) {
                    DoubleControl.get().guestPowerOff(systemId);
                }
            }
            default -> {
                // STDIN, OUTPUT_ACK, SIGNAL, ...: nothing to do for these commands.
            }
        }
    }

    private final java.util.Map<Integer, java.net.Socket> connections = new java.util.concurrent.ConcurrentHashMap<>();

    /** The guest's listening TCP ports, as the real agent reports them (PORTS, big-endian u16 each). */
    void reportPorts(int... ports) throws IOException {
        ByteBuffer payload = ByteBuffer.allocate(2 * ports.length);
        for (int port : ports) {
            payload.putShort((short) port);
        }
        send(new AgentFrame(AgentFrame.PORTS, 0, payload.array()));
    }

    private void connect(int channel, int port) throws IOException {
        java.net.Socket tcp = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
        connections.put(channel, tcp);
        Thread pump = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (tcp) {
                int n;
                while ((n = tcp.getInputStream().read(buf)) > 0) {
                    send(new AgentFrame(AgentFrame.STDOUT, channel, java.util.Arrays.copyOf(buf, n)));
                }
                send(AgentFrame.ofInt(AgentFrame.EXIT, channel, 0));
            } catch (IOException e) {
                // The host went away; the connection ends with it.
            } finally {
                connections.remove(channel);
            }
        }, "fake-guest-connect-" + channel);
        pump.setDaemon(true);
        pump.start();
    }

    private void exec(int channel, List<String> argv) throws IOException {
        execsReceived.incrementAndGet();
        switch (argv.get(0)) {
            case "echo" -> {
                String line = String.join(" ", argv.subList(1, argv.size())) + "\n";
                send(new AgentFrame(AgentFrame.STDOUT, channel, line.getBytes(StandardCharsets.UTF_8)));
                send(AgentFrame.ofInt(AgentFrame.EXIT, channel, 0));
            }
            case "true" -> send(AgentFrame.ofInt(AgentFrame.EXIT, channel, 0));
            case "false" -> send(AgentFrame.ofInt(AgentFrame.EXIT, channel, 1));
            default -> {
                String error = "uvm-agent: " + argv.get(0) + ": No such file or directory\n";
                send(new AgentFrame(AgentFrame.STDERR, channel, error.getBytes(StandardCharsets.UTF_8)));
                send(AgentFrame.ofInt(AgentFrame.EXIT, channel, 127));
            }
        }
    }

    /** The argv of an EXEC payload: flags, rows, cols, argc, envc, then NUL-terminated strings. */
    static List<String> argv(byte[] payload) {
        ByteBuffer buf = ByteBuffer.wrap(payload);
        buf.position(5);
        int argc = buf.getInt();
        buf.getInt(); // envc
        List<String> argv = new ArrayList<>();
        int start = buf.position();
        for (int i = start; i < payload.length && argv.size() < argc; i++) {
            if (payload[i] == 0) {
                argv.add(new String(payload, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return argv;
    }

    private void send(AgentFrame frame) throws IOException {
        synchronized (out) {
            frame.write(out);
        }
    }

    /** Drops the connection, as a guest agent that dies would. */
    void disconnect() throws IOException {
        socket.close();
    }
}
