package dev.uvm.hcs.driver;

import dev.uvm.hcs.UtilityVm;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ByteChannel;
import java.time.Duration;

/**
 * How the host reaches the guest agent of an HCS utility VM: the host listens, the guest agent
 * connects and then speaks {@code guest/PROTOCOL.md} over the connection.
 *
 * <p>The HCS driver calls {@link #listen} after HcsCreateComputeSystem (so a transport can address
 * the VM by its runtime id, as an hvsocket listener must) and before HcsStartComputeSystem (so the
 * agent never connects to nobody), then {@link Listener#accept} bounded by the boot timeout.
 */
public interface AgentTransport {

    /** A line for {@code uvm status}: where guest agents connect. */
    String describe();

    /**
     * Starts listening for the guest agent of one VM.
     *
     * @param vmName the configured VM name
     * @param vm the created, not yet started, compute system
     * @throws IOException if the endpoint cannot be set up
     * @throws UnsupportedOperationException if this transport cannot work on this host
     */
    Listener listen(String vmName, UtilityVm vm) throws IOException;

    /** One VM's listening endpoint; closing it stops listening (an accepted connection stays open). */
    interface Listener extends AutoCloseable {

        /** Where the guest agent connects, for messages and for test guests. */
        String address();

        /**
         * Waits for the guest agent to connect.
         *
         * @return the connected channel, blocking, readable while another thread writes
         * @throws SocketTimeoutException if nobody connected within {@code timeout}
         * @throws java.nio.channels.AsynchronousCloseException if the listener was closed while waiting
         */
        ByteChannel accept(Duration timeout) throws IOException;

        /** Stops listening and wakes a waiting {@link #accept}. Idempotent. */
        @Override
        void close();
    }
}
