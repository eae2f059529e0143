package dev.uvm.hcs.hvsocket;

import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * One {@code WSAPOLLFD} for WSAPoll, written at explicit offsets: {@code SOCKET fd} at 0 (8 bytes on
 * x64), {@code SHORT events} at 8, {@code SHORT revents} at 10, then padding to the SOCKET's
 * alignment: 16 bytes.
 */
final class WsaPollFd {
    static final int FD_OFFSET = 0;
    static final int EVENTS_OFFSET = Native.POINTER_SIZE;
    static final int REVENTS_OFFSET = EVENTS_OFFSET + 2;
    static final int SIZE = 2 * Native.POINTER_SIZE;

    private final Memory memory = new Memory(SIZE);

    WsaPollFd(Winsock.SocketHandle socket, short events) {
        memory.clear();
        if (Native.POINTER_SIZE == 8) {
            memory.setLong(FD_OFFSET, socket.longValue());
        } else {
            memory.setInt(FD_OFFSET, socket.intValue());
        }
        memory.setShort(EVENTS_OFFSET, events);
    }

    Memory memory() {
        return memory;
    }

    short revents() {
        return memory.getShort(REVENTS_OFFSET);
    }
}
