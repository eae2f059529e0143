package dev.uvm.hcs.hvsocket;

import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The ws2_32.dll exports the hvsocket binding calls, named and typed as in winsock2.h for Windows
 * x64: {@code SOCKET} is a {@code UINT_PTR} ({@link SocketHandle}, 8 bytes), {@code int} and
 * {@code u_long} are 32 bits, structures are passed as pointers to memory laid out by
 * {@link HvSocketAddress}, {@link WsaPollFd} and {@link WsaData}. Functions return
 * {@link #SOCKET_ERROR} or {@link SocketHandle#INVALID} and leave the reason in
 * {@link #WSAGetLastError}, which must be read on the failing thread before any other Winsock call.
 */
public interface Winsock extends Library {

    /** {@code AF_HYPERV}: the hvsocket address family. */
    int AF_HYPERV = 34;
    /** {@code SOCK_STREAM}. */
    int SOCK_STREAM = 1;
    /** {@code HV_PROTOCOL_RAW}: the only hvsocket protocol. */
    int HV_PROTOCOL_RAW = 1;
    /** {@code MAKEWORD(2, 2)}: the Winsock version asked of WSAStartup. */
    short VERSION_2_2 = 0x0202;
    int SOCKET_ERROR = -1;
    /** {@code SD_BOTH}: shutdown of both directions. */
    int SD_BOTH = 2;
    /** {@code FIONBIO}: ioctlsocket command that sets non-blocking mode ({@code _IOW('f', 126, u_long)}). */
    int FIONBIO = 0x8004667E;
    /** WSAPoll events: normal data can be read (or a connection accepted), written. */
    short POLLRDNORM = 0x0100;
    short POLLWRNORM = 0x0010;
    /** WSAPoll result bits, never to be requested. */
    short POLLERR = 0x0001;
    short POLLHUP = 0x0002;
    short POLLNVAL = 0x0004;

    /** {@code SOCKET}: an unsigned pointer-sized handle. */
    final class SocketHandle extends IntegerType {
        private static final long serialVersionUID = 1L;

        /** {@code INVALID_SOCKET}, {@code (SOCKET)(~0)}. */
        public static final SocketHandle INVALID = new SocketHandle(-1L);

        public SocketHandle() {
            this(0);
        }

        public SocketHandle(long value) {
            super(Native.POINTER_SIZE, value, true);
        }

        public boolean isInvalid() {
            return longValue() == INVALID.longValue();
        }
    }

    int WSAStartup(short versionRequested, Pointer wsaData);

    int WSAGetLastError();

    SocketHandle socket(int af, int type, int protocol);

    int bind(SocketHandle s, Pointer name, int nameLength);

    int listen(SocketHandle s, int backlog);

    SocketHandle accept(SocketHandle s, Pointer address, IntByReference addressLength);

    int ioctlsocket(SocketHandle s, int command, IntByReference argument);

    int recv(SocketHandle s, Pointer buffer, int length, int flags);

    int send(SocketHandle s, Pointer buffer, int length, int flags);

    int shutdown(SocketHandle s, int how);

    int closesocket(SocketHandle s);

    int WSAPoll(Pointer fds, int count, int timeoutMs);
}
