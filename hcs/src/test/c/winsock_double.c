/*
 * The ws2_32.dll half of the double: the Winsock exports the hvsocket binding calls, with the
 * Windows x64 ABI (SOCKET is a 64-bit UINT_PTR, SOCKADDR_HV is 36 bytes, WSAPOLLFD is 16 bytes,
 * Winsock error codes from WSAGetLastError), over Linux sockets:
 *
 *   - an AF_HYPERV (34) SOCK_STREAM HV_PROTOCOL_RAW (1) socket is an AF_UNIX stream socket;
 *   - bind() to SOCKADDR_HV {VmId, ServiceId} binds <dir>/<last 12 hex digits of VmId>-<first 8
 *     hex digits of ServiceId>.sock, where a test guest connects (DoubleHvSocketPath names it).
 *
 * It is compiled into the computecore double's library because bind checks what Hyper-V would:
 * the VmId must be the RuntimeId of a compute system that exists and is not stopped, and (stricter
 * than Windows, which would fall back to the default descriptors) the system's document must list
 * the ServiceId in Devices.HvSocket.HvSocketConfig.ServiceTable, so a document that forgets to
 * allow the agent's service fails here. Everything else that Windows rejects and Linux would
 * accept is rejected too: calls before WSAStartup, other families, types or protocols, wrong
 * address lengths, non-zero flags, and POLLERR/POLLHUP requested in WSAPoll events.
 *
 * The Linux calls go through syscall(2), so that these exports (named socket, bind, ...) never
 * end up calling themselves.
 */
#include "double.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Linux socket constants: <sys/socket.h> cannot be included, it declares socket() and friends
 * with the Linux types that these exports replace with the Windows ones. */
#define LINUX_AF_UNIX 1
#define LINUX_SOCK_STREAM 1
#define LINUX_SOCK_CLOEXEC 02000000
#define LINUX_MSG_NOSIGNAL 0x4000
struct sockaddr_un {
    uint16_t sun_family;
    char sun_path[108];
};

typedef uint64_t SOCKET;
#define INVALID_SOCKET (~(SOCKET)0)
#define SOCKET_ERROR (-1)
#define AF_HYPERV 34
#define HV_PROTOCOL_RAW 1
#define SOCKADDR_HV_SIZE 36
#define WSADATA_SIZE 408
#define FIONBIO_WIN ((int32_t)0x8004667E)

#define WSAEINTR 10004
#define WSAEBADF 10009
#define WSAEFAULT 10014
#define WSAEINVAL 10022
#define WSAEWOULDBLOCK 10035
#define WSAENOTSOCK 10038
#define WSAEPROTONOSUPPORT 10043
#define WSAESOCKTNOSUPPORT 10044
#define WSAEOPNOTSUPP 10045
#define WSAEAFNOSUPPORT 10047
#define WSAEADDRINUSE 10048
#define WSAEADDRNOTAVAIL 10049
#define WSAECONNABORTED 10053
#define WSAECONNRESET 10054
#define WSAENOTCONN 10057
#define WSAESHUTDOWN 10058
#define WSAEACCES 10013
#define WSAVERNOTSUPPORTED 10092
#define WSANOTINITIALISED 10093

#define WIN_POLLRDNORM 0x0100
#define WIN_POLLRDBAND 0x0200
#define WIN_POLLWRNORM 0x0010
#define WIN_POLLERR 0x0001
#define WIN_POLLHUP 0x0002
#define WIN_POLLNVAL 0x0004

#define LOCK() pthread_mutex_lock(&g_lock)
#define UNLOCK() pthread_mutex_unlock(&g_lock)
#define MAX_SOCKETS 256

static __thread int t_last_error;
static int g_started;
static char g_dir[80] = "/tmp";
/* Open sockets: fd, and for bound ones the path to unlink and the address they report. */
static struct hv_socket {
    int fd;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    unsigned char addr[SOCKADDR_HV_SIZE];
} g_sockets[MAX_SOCKETS];
static int g_open;

static int fail(int code)
{
    t_last_error = code;
    return SOCKET_ERROR;
}

static int wsa_error(int err)
{
    switch (err) {
    case EBADF: return WSAENOTSOCK;
    case EINTR: return WSAEINTR;
    case EAGAIN: return WSAEWOULDBLOCK;
    case ECONNRESET: return WSAECONNRESET;
    case EPIPE: return WSAECONNABORTED;
    case ENOTCONN: return WSAENOTCONN;
    case EADDRINUSE: return WSAEADDRINUSE;
    case EACCES: return WSAEACCES;
    case EFAULT: return WSAEFAULT;
    default: return WSAEINVAL;
    }
}

/* The socket table entry of s, or NULL (with WSAENOTSOCK set); g_lock held. */
static struct hv_socket *lookup(SOCKET s)
{
    for (int i = 0; i < MAX_SOCKETS; i++) {
        if (g_sockets[i].fd > 0 && (SOCKET)g_sockets[i].fd == s) {
            return &g_sockets[i];
        }
    }
    t_last_error = WSAENOTSOCK;
    return NULL;
}

static struct hv_socket *add_socket(int fd)
{
    for (int i = 0; i < MAX_SOCKETS; i++) {
        if (g_sockets[i].fd <= 0) {
            memset(&g_sockets[i], 0, sizeof g_sockets[i]);
            g_sockets[i].fd = fd;
            g_open++;
            return &g_sockets[i];
        }
    }
    return NULL;
}

/* The fd of s for a data call, or -1 with the error set; takes and drops g_lock. */
static int fd_of(SOCKET s)
{
    LOCK();
    struct hv_socket *h = g_started ? lookup(s) : NULL;
    if (!g_started) {
        t_last_error = WSANOTINITIALISED;
    }
    int fd = h ? h->fd : -1;
    UNLOCK();
    return fd;
}

/* GUID in Windows memory order (Data1..3 little-endian, Data4 as bytes) to canonical upper case. */
static void guid_text(const unsigned char *g, char out[37])
{
    uint32_t d1 = g[0] | g[1] << 8 | g[2] << 16 | (uint32_t)g[3] << 24;
    unsigned d2 = g[4] | g[5] << 8, d3 = g[6] | g[7] << 8;
    snprintf(out, 37, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", d1, d2, d3, g[8], g[9], g[10],
             g[11], g[12], g[13], g[14], g[15]);
}

static void socket_path(const char *vm_id, const char *service_id, char *out, size_t size)
{
    snprintf(out, size, "%s/%.12s-%.8s.sock", g_dir, vm_id + 24, service_id);
}

/* Whether a live system has RuntimeId vm_id and lists service_id in its hvsocket ServiceTable. */
static int service_allowed(const char *vm_id, const char *service_id)
{
    static const char *const table[] = {"VirtualMachine", "Devices", "HvSocket", "HvSocketConfig", "ServiceTable",
                                        NULL};
    for (struct vm *vm = g_vms; vm; vm = vm->next) {
        char runtime_id[40];
        snprintf(runtime_id, sizeof runtime_id, "5C0C2A4E-0000-4000-8000-%012llX",
                 (unsigned long long)vm->runtime_serial);
        if (strcmp(runtime_id, vm_id) != 0 || vm->removed || vm->state == VM_STOPPED) {
            continue;
        }
        const char16_t *entry = json_member(json_path(vm->config, table), service_id);
        return json_kind(entry) == '{' ? 1 : -1;
    }
    return 0;
}

EXPORT int32_t WSAStartup(uint16_t version, unsigned char *data)
{
    if (!data) return WSAEFAULT;
    if (version != 0x0202) return WSAVERNOTSUPPORTED;
    memset(data, 0, WSADATA_SIZE);
    data[0] = data[2] = 2; /* wVersion, wHighVersion: 2.2 */
    data[1] = data[3] = 2;
    strcpy((char *)data + 16, "WinSock 2.0 (uvm double)");
    strcpy((char *)data + 273, "Running");
    LOCK();
    g_started++;
    UNLOCK();
    return 0;
}

EXPORT int32_t WSACleanup(void)
{
    LOCK();
    int ok = g_started > 0;
    if (ok) g_started--;
    UNLOCK();
    return ok ? 0 : fail(WSANOTINITIALISED);
}

EXPORT int32_t WSAGetLastError(void)
{
    return t_last_error;
}

EXPORT SOCKET socket(int32_t af, int32_t type, int32_t protocol)
{
    LOCK();
    int code = !g_started ? WSANOTINITIALISED
               : af != AF_HYPERV ? WSAEAFNOSUPPORT
               : type != 1 /* SOCK_STREAM */ ? WSAESOCKTNOSUPPORT
               : protocol != HV_PROTOCOL_RAW ? WSAEPROTONOSUPPORT : 0;
    int fd = code ? -1 : (int)syscall(SYS_socket, LINUX_AF_UNIX, LINUX_SOCK_STREAM | LINUX_SOCK_CLOEXEC, 0);
    if (!code && fd < 0) code = wsa_error(errno);
    if (fd >= 0 && !add_socket(fd)) {
        syscall(SYS_close, fd);
        fd = -1;
        code = WSAEINVAL;
    }
    UNLOCK();
    if (code) {
        t_last_error = code;
        return INVALID_SOCKET;
    }
    return (SOCKET)fd;
}

EXPORT int32_t bind(SOCKET s, const unsigned char *name, int32_t namelen)
{
    LOCK();
    struct hv_socket *h = lookup(s);
    int code = !h ? WSAENOTSOCK : !name ? WSAEFAULT : namelen != SOCKADDR_HV_SIZE ? WSAEFAULT : 0;
    if (!code && (name[0] | name[1] << 8) != AF_HYPERV) code = WSAEAFNOSUPPORT;
    if (!code && (name[2] | name[3])) code = WSAEINVAL; /* Reserved must be zero */
    char vm_id[37], service_id[37];
    if (!code) {
        guid_text(name + 4, vm_id);
        guid_text(name + 20, service_id);
        int allowed = service_allowed(vm_id, service_id);
        code = allowed == 0 ? WSAEADDRNOTAVAIL : allowed < 0 ? WSAEACCES : 0;
    }
    if (!code) {
        struct sockaddr_un sa = {.sun_family = LINUX_AF_UNIX};
        socket_path(vm_id, service_id, sa.sun_path, sizeof sa.sun_path);
        if (syscall(SYS_bind, h->fd, &sa, sizeof sa) != 0) {
            code = wsa_error(errno);
        } else {
            snprintf(h->path, sizeof h->path, "%s", sa.sun_path);
            memcpy(h->addr, name, SOCKADDR_HV_SIZE);
        }
    }
    UNLOCK();
    return code ? fail(code) : 0;
}

EXPORT int32_t listen(SOCKET s, int32_t backlog)
{
    int fd = fd_of(s);
    if (fd < 0) return SOCKET_ERROR;
    return syscall(SYS_listen, fd, backlog) == 0 ? 0 : fail(wsa_error(errno));
}

EXPORT SOCKET accept(SOCKET s, unsigned char *addr, int32_t *addrlen)
{
    int fd = fd_of(s);
    if (fd < 0) return INVALID_SOCKET;
    if (addr && (!addrlen || *addrlen < SOCKADDR_HV_SIZE)) {
        t_last_error = WSAEFAULT;
        return INVALID_SOCKET;
    }
    int c = (int)syscall(SYS_accept4, fd, NULL, NULL, LINUX_SOCK_CLOEXEC);
    if (c < 0) {
        t_last_error = wsa_error(errno);
        return INVALID_SOCKET;
    }
    LOCK();
    struct hv_socket *listener = lookup(s);
    struct hv_socket *h = add_socket(c);
    if (h && listener) {
        memcpy(h->addr, listener->addr, SOCKADDR_HV_SIZE);
        if (addr) {
            memcpy(addr, listener->addr, SOCKADDR_HV_SIZE);
            *addrlen = SOCKADDR_HV_SIZE;
        }
    }
    UNLOCK();
    if (!h) {
        syscall(SYS_close, c);
        t_last_error = WSAEINVAL;
        return INVALID_SOCKET;
    }
    /* Windows: an accepted socket inherits the listener's non-blocking mode. */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK)) {
        fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK);
    }
    return (SOCKET)c;
}

EXPORT int32_t ioctlsocket(SOCKET s, int32_t cmd, uint32_t *argp)
{
    int fd = fd_of(s);
    if (fd < 0) return SOCKET_ERROR;
    if (cmd != FIONBIO_WIN || !argp) return fail(cmd != FIONBIO_WIN ? WSAEINVAL : WSAEFAULT);
    int fl = fcntl(fd, F_GETFL);
    return fcntl(fd, F_SETFL, *argp ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) == 0 ? 0 : fail(wsa_error(errno));
}

EXPORT int32_t recv(SOCKET s, char *buf, int32_t len, int32_t flags)
{
    int fd = fd_of(s);
    if (fd < 0) return SOCKET_ERROR;
    if (flags) return fail(WSAEOPNOTSUPP);
    if (!buf || len < 0) return fail(WSAEFAULT);
    long n = syscall(SYS_recvfrom, fd, buf, (size_t)len, 0, NULL, NULL);
    return n >= 0 ? (int32_t)n : fail(wsa_error(errno));
}

EXPORT int32_t send(SOCKET s, const char *buf, int32_t len, int32_t flags)
{
    int fd = fd_of(s);
    if (fd < 0) return SOCKET_ERROR;
    if (flags) return fail(WSAEOPNOTSUPP);
    if (!buf || len < 0) return fail(WSAEFAULT);
    long n = syscall(SYS_sendto, fd, buf, (size_t)len, LINUX_MSG_NOSIGNAL, NULL, 0);
    if (n < 0 && errno == EPIPE) return fail(WSAESHUTDOWN);
    return n >= 0 ? (int32_t)n : fail(wsa_error(errno));
}

EXPORT int32_t shutdown(SOCKET s, int32_t how)
{
    int fd = fd_of(s);
    if (fd < 0) return SOCKET_ERROR;
    if (how < 0 || how > 2) return fail(WSAEINVAL); /* SD_RECEIVE, SD_SEND, SD_BOTH = SHUT_* */
    return syscall(SYS_shutdown, fd, how) == 0 ? 0 : fail(wsa_error(errno));
}

EXPORT int32_t closesocket(SOCKET s)
{
    LOCK();
    struct hv_socket *h = g_started ? lookup(s) : NULL;
    int code = !g_started ? WSANOTINITIALISED : !h ? WSAENOTSOCK : 0;
    if (h) {
        syscall(SYS_close, h->fd);
        if (h->path[0]) unlink(h->path);
        h->fd = 0;
        g_open--;
    }
    UNLOCK();
    return code ? fail(code) : 0;
}

/* WSAPOLLFD: SOCKET fd (offset 0, 8 bytes), SHORT events (8), SHORT revents (10), 4 bytes padding. */
EXPORT int32_t WSAPoll(unsigned char *fds, uint32_t nfds, int32_t timeout)
{
    if (nfds == 0 || nfds > 64 || !fds) return fail(WSAEINVAL);
    struct pollfd pf[64];
    for (uint32_t i = 0; i < nfds; i++) {
        SOCKET s;
        int16_t events;
        memcpy(&s, fds + 16 * i, 8);
        memcpy(&events, fds + 16 * i + 8, 2);
        if (events & ~(WIN_POLLRDNORM | WIN_POLLRDBAND | WIN_POLLWRNORM)) return fail(WSAEINVAL);
        int fd = fd_of(s);
        if (fd < 0) return SOCKET_ERROR;
        pf[i] = (struct pollfd){.fd = fd,
                                .events = (events & (WIN_POLLRDNORM | WIN_POLLRDBAND) ? POLLIN : 0)
                                          | (events & WIN_POLLWRNORM ? POLLOUT : 0)};
    }
    long n = syscall(SYS_poll, pf, (unsigned long)nfds, timeout);
    if (n < 0) return fail(wsa_error(errno));
    for (uint32_t i = 0; i < nfds; i++) {
        int16_t r = (int16_t)((pf[i].revents & POLLIN ? WIN_POLLRDNORM : 0) | (pf[i].revents & POLLOUT ? WIN_POLLWRNORM : 0)
                              | (pf[i].revents & POLLERR ? WIN_POLLERR : 0) | (pf[i].revents & POLLHUP ? WIN_POLLHUP : 0)
                              | (pf[i].revents & POLLNVAL ? WIN_POLLNVAL : 0));
        memcpy(fds + 16 * i + 10, &r, 2);
    }
    return (int32_t)n;
}

/* ---- test control ---- */

/* Where bound hvsockets appear as Unix sockets (a short directory: sun_path holds 107 bytes). */
EXPORT void DoubleHvSocketDirectory(const char *dir)
{
    LOCK();
    snprintf(g_dir, sizeof g_dir, "%s", dir);
    UNLOCK();
}

/* The Unix socket a guest connects to for {vmId, serviceId} (canonical GUID text), into out. */
EXPORT void DoubleHvSocketPath(const char *vm_id, const char *service_id, char *out, int32_t size)
{
    char vm[37], service[37];
    snprintf(vm, sizeof vm, "%s", vm_id);
    snprintf(service, sizeof service, "%s", service_id);
    for (char *p = vm; *p; p++) *p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
    for (char *p = service; *p; p++) *p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
    LOCK();
    socket_path(vm, service, out, (size_t)size);
    UNLOCK();
}

/* Sockets neither closed with closesocket nor forgotten by DoubleWinsockReset. */
EXPORT int32_t DoubleOpenSockets(void)
{
    LOCK();
    int n = g_open;
    UNLOCK();
    return n;
}

/* Closes every socket (WSAStartup stays in effect: the binding starts Winsock once a process). */
EXPORT void DoubleWinsockReset(void)
{
    LOCK();
    for (int i = 0; i < MAX_SOCKETS; i++) {
        if (g_sockets[i].fd > 0) {
            syscall(SYS_close, g_sockets[i].fd);
            if (g_sockets[i].path[0]) unlink(g_sockets[i].path);
            g_sockets[i].fd = 0;
        }
    }
    g_open = 0;
    UNLOCK();
}
