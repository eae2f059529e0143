/*
 * uvm-agent: the guest side of the uvm host <-> guest protocol (see ../PROTOCOL.md).
 *
 * One single-threaded poll() loop serves the connection to the host and every process started
 * over it. All file descriptors the loop touches are non-blocking; output to the host goes
 * through one queue, so a slow host or a stalled process never blocks the loop. Children are
 * reaped through a signalfd. When started as PID 1 the agent also reaps orphans, and POWEROFF
 * ends the VM. EXEC in a distribution's namespaces and the data disk are in distro.c.
 *
 * The connection (the "port" below) is one of two transports, the same frames on either:
 * - virtio-serial (QEMU): the port named "uvm.agent", a character device the agent opens once;
 *   the host's connects and disconnects show as POLLHUP clearing and returning, signalled by
 *   SIGIO. The device stays open for good.
 * - AF_VSOCK (Hyper-V's hvsocket, on HCS): the host listens (by default CID 2, the host, port
 *   50101) and the agent connects; a connect that succeeds is the host connecting, end of file
 *   or an error on the socket is the host disconnecting. The socket is then closed and a new
 *   connect tried DISCONNECTED_RECHECK_MS later, without blocking (non-blocking connect, which
 *   the kernel ends after VSOCK_CONNECT_MS).
 * One guest image serves both: by default the agent uses the virtio-serial port when it finds
 * one, and while it finds none it also tries vsock at each look, where a guest without a
 * transport to the host's CID fails at once (ENODEV); the first vsock connect that succeeds or
 * is under way settles it on vsock. --vsock-only, or uvm.agent=vsock on the kernel command line
 * (the HCS driver puts it there), never looks for the virtio port.
 *
 * Build: musl-gcc -static -Os -o uvm-agent uvm-agent.c distro.c
 * Usage: uvm-agent [-v] [--port /dev/vportNpM | --vsock-only] [--vsock CID:PORT]
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "vsock.h"

#define PROTOCOL_VERSION 1
#define HDR_LEN 9
#define MAX_PAYLOAD 65536u
#define WINDOW 262144u              /* credit window per channel and direction */
#define STDIN_BUF_LIMIT (4 * WINDOW) /* beyond this a misbehaving host's STDIN is dropped */
#define ACK_BATCH 32768u            /* STDIN_ACK at least this often, or when the buffer empties */
#define OUTQ_HIGH (1024u * 1024u)   /* stop reading processes while this much is queued */
#define PTY_GRACE_MS 50             /* PTY output still accepted after the process is reaped */
#define DISCONNECTED_RECHECK_MS 200 /* host connection re-check without SIGIO */
#define PORT_NAME "uvm.agent"
#define VSOCK_PORT 50101            /* the host's hvsocket listener (HCS) */
#define VSOCK_CONNECT_MS 1000       /* a vsock connect under way fails after this */
#define PORT_SCAN_MS 1000           /* how often the listening TCP ports are looked up */
#define MAX_PORTS 512

enum {
    T_READY = 0x01,
    T_EXEC = 0x02,
    T_STDIN = 0x03,
    T_SIGNAL = 0x04,
    T_RESIZE = 0x05,
    T_POWEROFF = 0x06,
    T_STATS_REQ = 0x07,
    T_OUTPUT_ACK = 0x08,
    T_PING = 0x09,
    T_DROP_CACHES = 0x0A,
    T_SET_TIME = 0x0B,
    T_CONNECT = 0x0C,
    T_STDOUT = 0x10,
    T_STDERR = 0x11,
    T_EXIT = 0x12,
    T_STDIN_ACK = 0x13,
    T_STATS = 0x14,
    T_PONG = 0x15,
    T_LOG = 0x16,
    T_PORTS = 0x17,
};

struct chan {
    uint32_t id;
    pid_t pid;          /* the process (and its process group); kept after it is reaped */
    int running;        /* not reaped yet */
    int is_pty;
    uint32_t status;    /* exit status for EXIT, valid once !running */
    int in_fd;          /* process stdin (pipe write end or PTY master dup), -1 when closed */
    int out_fd;         /* stdout pipe read end or PTY master, -1 at EOF */
    int err_fd;         /* stderr pipe read end, -1 at EOF or for a PTY */
    int exec_fd;        /* CLOEXEC pipe reporting a failed exec, -1 when settled */
    unsigned char *inbuf; /* STDIN bytes not yet written to the process */
    size_t in_off, in_len, in_cap;
    int in_eof;         /* host sent EOF: close stdin once inbuf is written */
    uint32_t in_unacked; /* bytes written (or discarded) since the last STDIN_ACK */
    uint64_t out_sent;  /* STDOUT+STDERR payload bytes queued for the host */
    uint64_t out_acked; /* OUTPUT_ACK credit received */
    int64_t drain_deadline; /* PTY: ms clock after which a reaped channel stops waiting */
    int dropped_logged;
    char cgroup[64];    /* the session's cgroup (see session_cgroup), "" when none */
    int is_sock;        /* a CONNECT channel: in_fd and out_fd are one TCP socket, no process */
};

int verbose;
char *agent_cmdline;
size_t agent_cmdline_len;
static int port_fd = -1;
static char port_path[PATH_MAX];
static int port_connected;
/* The transport (see the top of the file): MODE_AUTO looks for the virtio-serial port and tries
 * vsock while there is none; on_vsock is set once vsock is the transport for good. */
enum { MODE_AUTO, MODE_VIRTIO, MODE_VSOCK };
static int mode = MODE_AUTO;
static int on_vsock;
static unsigned vsock_cid = VMADDR_CID_HOST, vsock_port = VSOCK_PORT;
static int64_t vsock_retry_at;  /* no socket (port_fd < 0): when the next connect is tried */
static int64_t vsock_deadline;  /* a connect under way is given up after this */
static int vsock_last_err;      /* the reason the last connect failed, so that each new one is said once */
static int vsock_ever;          /* the host has been connected over vsock (else, after 3 s, a console line) */
static int64_t agent_start;
static int sig_fd = -1;
static int is_init;
/* Localhost forwarding: the listening ports last sent to the host (see report_ports). */
static uint16_t sent_ports[MAX_PORTS];
static void report_ports(void);
static size_t nsent_ports;
static int ports_sent;
static int64_t next_port_scan;

static struct chan **chans;
static size_t nchans, chans_cap;

/* Output queue to the port: bytes [oq_head, oq_tail) of oq. */
static unsigned char *oq;
static size_t oq_head, oq_tail, oq_cap;

/* Frame parser for the port. */
static unsigned char rx_hdr[HDR_LEN];
static size_t rx_hdr_have;
static unsigned char *rx_payload;
static uint32_t rx_len, rx_have;
static int rx_in_payload;

/* ------------------------------------------------------------------ helpers */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void console(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n = snprintf(buf, sizeof buf, "uvm-agent: ");
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof buf - n, fmt, ap);
    va_end(ap);
    size_t len = strlen(buf);
    if (len < sizeof buf - 1) {
        buf[len++] = '\n';
    }
    ssize_t r = write(2, buf, len);
    (void)r;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_u64(const unsigned char *p)
{
    return (uint64_t)get_u32(p) << 32 | get_u32(p + 4);
}

static uint16_t get_u16(const unsigned char *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) {
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    }
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    size_t have = 0;
    while (have + 1 < size) {
        ssize_t n = read(fd, buf + have, size - 1 - have);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        have += n;
    }
    close(fd);
    buf[have] = 0;
    return have;
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ output queue */

/* Returns room for n bytes at the tail of the queue, or NULL when out of memory. */
static unsigned char *oq_reserve(size_t n)
{
    if (oq_head == oq_tail) {
        oq_head = oq_tail = 0;
    }
    if (oq_cap - oq_tail < n && oq_head > 0) {
        memmove(oq, oq + oq_head, oq_tail - oq_head);
        oq_tail -= oq_head;
        oq_head = 0;
    }
    if (oq_cap - oq_tail < n) {
        size_t cap = oq_cap ? oq_cap : 65536;
        while (cap - oq_tail < n) {
            cap *= 2;
        }
        unsigned char *p = realloc(oq, cap);
        if (!p) {
            return NULL;
        }
        oq = p;
        oq_cap = cap;
    }
    return oq + oq_tail;
}

static size_t oq_len(void)
{
    return oq_tail - oq_head;
}

static void send_frame(uint8_t type, uint32_t ch, const void *data, uint32_t len)
{
    if (!port_connected) {
        return; /* nobody listens; a new connection starts afresh with READY */
    }
    if (len > MAX_PAYLOAD) {
        len = MAX_PAYLOAD;
    }
    unsigned char *p = oq_reserve(HDR_LEN + len);
    if (!p) {
        console("out of memory, dropping a frame of type %u", type);
        return;
    }
    p[0] = type;
    put_u32(p + 1, ch);
    put_u32(p + 5, len);
    if (len) {
        memcpy(p + HDR_LEN, data, len);
    }
    oq_tail += HDR_LEN + len;
}

static void send_u32(uint8_t type, uint32_t ch, uint32_t v)
{
    unsigned char b[4];
    put_u32(b, v);
    send_frame(type, ch, b, 4);
}

static void send_log(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    console("%s", buf);
    send_frame(T_LOG, 0, buf, strlen(buf));
}

static void port_disconnected(void);

/* Writes as much of the queue as the port takes now. */
static void flush_port(void)
{
    while (port_connected && oq_len() > 0) {
        ssize_t n = write(port_fd, oq + oq_head, oq_len());
        if (n > 0) {
            oq_head += n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        }
        /* The host went away (or the port was unplugged). */
        debug("port write failed: %s", n < 0 ? strerror(errno) : "wrote 0");
        port_disconnected();
        return;
    }
    if (oq_len() == 0) {
        oq_head = oq_tail = 0;
    }
}

/* ------------------------------------------------------------------ channels */

static struct chan *find_chan(uint32_t id)
{
    for (size_t i = 0; i < nchans; i++) {
        if (chans[i]->id == id) {
            return chans[i];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ session cgroups
 *
 * Each EXEC without EXEC_KEEP_STRAYS runs in a cgroup v2 of its own, /sys/fs/cgroup/uvm-session-N,
 * with a pids limit and the cpu controller (each session's processes together get one session's
 * share of the CPU), so that a fork bomb in one session cannot take the VM from the others; when
 * the process exits, whatever it left running (background processes, daemons it started) is
 * killed through cgroup.kill, as ssh's hangup and logind's KillUserProcesses end a login's
 * leftovers. The cgroup is removed once empty; removals that find it busy (its processes are still
 * dying) are retried at the next reap. */

#define CGROUP_ROOT "/sys/fs/cgroup"
#define SESSION_PIDS_MAX "2048"
#define MAX_PENDING_CGROUPS 64

static char pending_cgroups[MAX_PENDING_CGROUPS][64];

/* Mounts cgroup v2 at /sys/fs/cgroup unless it is there. */
static void mount_cgroup2(void)
{
    if (access(CGROUP_ROOT "/cgroup.controllers", R_OK) != 0) {
        mkdir(CGROUP_ROOT, 0755);
        if (mount("cgroup2", CGROUP_ROOT, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0
            && errno != EBUSY) {
            debug("mount cgroup2: %s", strerror(errno));
        }
    }
}

/* 0 once cgroup v2 with the pids controller serves sessions; -1 (said once) when it cannot. */
static int session_cgroups(void)
{
    static int state = -1; /* -1 not tried, 0 ready, 1 unavailable */
    if (state < 0) {
        mount_cgroup2();
        if (write_file(CGROUP_ROOT "/cgroup.subtree_control", "+pids") < 0) {
            send_log("sessions are not contained: cgroup v2 pids controller unavailable (%s)", strerror(errno));
            state = 1;
        } else {
            state = 0;
            if (write_file(CGROUP_ROOT "/cgroup.subtree_control", "+cpu") < 0) {
                send_log("sessions do not get CPU shares: cgroup v2 cpu controller unavailable (%s)", strerror(errno));
            }
        }
    }
    return state == 0 ? 0 : -1;
}

/* Makes the cgroup of a new session in c->cgroup; leaves it "" when that fails (the session then
 * runs uncontained, as before). */
static void session_cgroup(struct chan *c)
{
    static unsigned seq;
    if (session_cgroups() < 0) {
        return;
    }
    snprintf(c->cgroup, sizeof c->cgroup, CGROUP_ROOT "/uvm-session-%u", ++seq);
    char limit[96];
    snprintf(limit, sizeof limit, "%s/pids.max", c->cgroup);
    if (mkdir(c->cgroup, 0755) < 0 || write_file(limit, SESSION_PIDS_MAX) < 0) {
        send_log("channel %u: cannot make %s: %s", c->id, c->cgroup, strerror(errno));
        rmdir(c->cgroup);
        c->cgroup[0] = 0;
    }
}

/* In the session's child, before exec: joins the session's cgroup. */
static void join_session_cgroup(const char *cgroup)
{
    char procs[96];
    snprintf(procs, sizeof procs, "%s/cgroup.procs", cgroup);
    if (cgroup[0] && write_file(procs, "0") < 0) {
        debug("joining %s: %s", cgroup, strerror(errno));
    }
}

/* Kills what is left in a session's cgroup (its process has exited). */
static void end_session_cgroup(struct chan *c)
{
    char kill_knob[96];
    if (c->cgroup[0]) {
        snprintf(kill_knob, sizeof kill_knob, "%s/cgroup.kill", c->cgroup);
        if (write_file(kill_knob, "1") < 0) {
            send_log("channel %u: %s: %s", c->id, kill_knob, strerror(errno));
        }
    }
}

/* Removes a session's cgroup, or queues the removal while its killed processes still exit. */
static void remove_session_cgroup(const char *cgroup)
{
    if (!cgroup[0] || rmdir(cgroup) == 0 || errno == ENOENT) {
        return;
    }
    for (int i = 0; i < MAX_PENDING_CGROUPS; i++) {
        if (!pending_cgroups[i][0]) {
            snprintf(pending_cgroups[i], sizeof pending_cgroups[i], "%s", cgroup);
            return;
        }
    }
    send_log("cannot remove %s yet: %s", cgroup, strerror(errno));
}

static void retry_cgroup_removals(void)
{
    for (int i = 0; i < MAX_PENDING_CGROUPS; i++) {
        if (pending_cgroups[i][0] && (rmdir(pending_cgroups[i]) == 0 || errno == ENOENT)) {
            pending_cgroups[i][0] = 0;
        }
    }
}

static void free_chan(struct chan *c)
{
    if (c->cgroup[0]) {
        if (c->running) {
            end_session_cgroup(c);
        }
        remove_session_cgroup(c->cgroup);
    }
    close_fd(&c->in_fd);
    close_fd(&c->out_fd);
    close_fd(&c->err_fd);
    close_fd(&c->exec_fd);
    free(c->inbuf);
    for (size_t i = 0; i < nchans; i++) {
        if (chans[i] == c) {
            chans[i] = chans[--nchans];
            break;
        }
    }
    free(c);
}

static struct chan *new_chan(uint32_t id)
{
    if (nchans == chans_cap) {
        size_t cap = chans_cap ? chans_cap * 2 : 16;
        struct chan **p = realloc(chans, cap * sizeof *p);
        if (!p) {
            return NULL;
        }
        chans = p;
        chans_cap = cap;
    }
    struct chan *c = calloc(1, sizeof *c);
    if (!c) {
        return NULL;
    }
    c->id = id;
    c->in_fd = c->out_fd = c->err_fd = c->exec_fd = -1;
    c->drain_deadline = -1;
    chans[nchans++] = c;
    return c;
}

static void send_stdin_ack(struct chan *c)
{
    if (c->in_unacked) {
        send_u32(T_STDIN_ACK, c->id, c->in_unacked);
        c->in_unacked = 0;
    }
}

/* Drops buffered stdin (the process closed its end); the bytes are acknowledged anyway so
 * that the host's credit does not stall. */
static void discard_stdin(struct chan *c)
{
    c->in_unacked += (uint32_t)(c->in_len - c->in_off);
    c->in_off = c->in_len = 0;
    close_fd(&c->in_fd);
    send_stdin_ack(c);
}

/* Writes buffered stdin to the process until it would block. */
static void pump_stdin(struct chan *c)
{
    while (c->in_fd >= 0 && c->in_off < c->in_len) {
        ssize_t n = write(c->in_fd, c->inbuf + c->in_off, c->in_len - c->in_off);
        if (n > 0) {
            c->in_off += n;
            c->in_unacked += n;
            if (c->in_unacked >= ACK_BATCH) {
                send_stdin_ack(c);
            }
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        }
        /* EPIPE (reader gone), EIO (PTY hung up), ... */
        discard_stdin(c);
        return;
    }
    if (c->in_off == c->in_len) {
        c->in_off = c->in_len = 0;
        send_stdin_ack(c);
        if (c->in_eof && c->in_fd >= 0) {
            if (c->is_pty) {
                /* A PTY has no separate stdin to close: send the EOF character once. */
                unsigned char eof = 4;
                struct termios t;
                if (tcgetattr(c->in_fd, &t) == 0 && t.c_cc[VEOF]) {
                    eof = t.c_cc[VEOF];
                }
                ssize_t r = write(c->in_fd, &eof, 1);
                (void)r;
            }
            if (c->is_sock) {
                shutdown(c->in_fd, SHUT_WR); /* the server reads EOF; its answer still comes */
            }
            close_fd(&c->in_fd);
        }
    }
}

static void queue_stdin(struct chan *c, const unsigned char *data, uint32_t len)
{
    if (c->in_eof || c->in_fd < 0) {
        /* stdin is closed already: acknowledge and drop */
        c->in_unacked += len;
        send_stdin_ack(c);
        return;
    }
    size_t pending = c->in_len - c->in_off;
    if (pending + len > STDIN_BUF_LIMIT) {
        if (!c->dropped_logged) {
            send_log("channel %u: host exceeded the stdin window, dropping input", c->id);
            c->dropped_logged = 1;
        }
        c->in_unacked += len;
        send_stdin_ack(c);
        return;
    }
    if (c->in_off > 0 && c->in_len + len > c->in_cap) {
        memmove(c->inbuf, c->inbuf + c->in_off, pending);
        c->in_len = pending;
        c->in_off = 0;
    }
    if (c->in_len + len > c->in_cap) {
        size_t cap = c->in_cap ? c->in_cap : 16384;
        while (cap < c->in_len + len) {
            cap *= 2;
        }
        unsigned char *p = realloc(c->inbuf, cap);
        if (!p) {
            send_log("channel %u: out of memory, dropping input", c->id);
            c->in_unacked += len;
            send_stdin_ack(c);
            return;
        }
        c->inbuf = p;
        c->in_cap = cap;
    }
    memcpy(c->inbuf + c->in_len, data, len);
    c->in_len += len;
    pump_stdin(c);
}

static uint32_t out_credit(const struct chan *c)
{
    uint64_t inflight = c->out_sent - c->out_acked;
    return inflight >= WINDOW ? 0 : (uint32_t)(WINDOW - inflight);
}

/* Reads one chunk of a process's output into the queue. Returns 1 when data was read,
 * 0 when the fd would block (or there is no credit), -1 at EOF (fd closed). */
static int read_output(struct chan *c, int *fd, uint8_t type)
{
    uint32_t room = out_credit(c);
    if (room == 0 || *fd < 0) {
        return 0;
    }
    if (room > MAX_PAYLOAD) {
        room = MAX_PAYLOAD;
    }
    unsigned char *p = port_connected ? oq_reserve(HDR_LEN + room) : NULL;
    unsigned char scratch[4096];
    for (;;) {
        ssize_t n = p ? read(*fd, p + HDR_LEN, room) : read(*fd, scratch, sizeof scratch);
        if (n > 0) {
            if (p) {
                p[0] = type;
                put_u32(p + 1, c->id);
                put_u32(p + 5, (uint32_t)n);
                oq_tail += HDR_LEN + n;
                c->out_sent += n;
            }
            return 1;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0;
        }
        /* 0 = EOF; EIO = PTY slave closed by everyone */
        close_fd(fd);
        if (c->is_pty) {
            /* out_fd was the PTY master: nothing can be written any more either */
            c->in_off = c->in_len;
            close_fd(&c->in_fd);
        }
        return -1;
    }
}

/* Sends EXIT and forgets the channel once the process is reaped and its output drained. */
static int maybe_finish(struct chan *c)
{
    if (c->running || c->out_fd >= 0 || c->err_fd >= 0 || c->exec_fd >= 0) {
        return 0;
    }
    send_stdin_ack(c);
    send_u32(T_EXIT, c->id, c->status);
    debug("channel %u: exit %u", c->id, c->status);
    free_chan(c);
    return 1;
}

/* After the process is reaped: take what its pipes still hold without waiting for
 * descendants that keep them open. */
static void drain_reaped(struct chan *c)
{
    int *fds[2] = { &c->out_fd, &c->err_fd };
    uint8_t types[2] = { T_STDOUT, T_STDERR };
    for (int i = 0; i < 2; i++) {
        for (;;) {
            if (*fds[i] < 0 || out_credit(c) == 0 || oq_len() >= OUTQ_HIGH) {
                break;
            }
            int r = read_output(c, fds[i], types[i]);
            if (r == 1) {
                continue;
            }
            if (r == 0 && *fds[i] >= 0) {
                /* Would block: only a descendant still holds the pipe. A PTY may deliver the
                 * last bytes a moment later, so it gets a short grace period. */
                if (c->is_pty) {
                    if (c->drain_deadline < 0) {
                        c->drain_deadline = now_ms() + PTY_GRACE_MS;
                    } else if (now_ms() >= c->drain_deadline) {
                        close_fd(fds[i]);
                    }
                } else {
                    close_fd(fds[i]);
                }
            }
            break;
        }
    }
}

static void kill_all_channels(void)
{
    while (nchans > 0) {
        struct chan *c = chans[nchans - 1];
        if (c->pid > 0) {
            if (kill(-c->pid, SIGKILL) < 0 && c->running) {
                kill(c->pid, SIGKILL);
            }
        }
        free_chan(c);
    }
}

/* ------------------------------------------------------------------ EXEC */

static void exec_failed(uint32_t id, const char *argv0, int err, uint32_t status)
{
    char msg[512];
    snprintf(msg, sizeof msg, "uvm-agent: %s: %s\n", argv0, strerror(err));
    send_frame(T_STDERR, id, msg, strlen(msg));
    send_log("channel %u: cannot start %s: %s", id, argv0, strerror(err));
    send_u32(T_EXIT, id, status);
}

static const char *const base_env[] = {
    "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME=/root",
    "TERM=linux",
};

char **env_merge(const char *const *base, size_t nbase, char *const *extra, size_t nextra)
{
    char **envp = calloc(nbase + nextra + 1, sizeof *envp);
    if (!envp) {
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < nbase + nextra; i++) {
        const char *kv = i < nbase ? base[i] : extra[i - nbase];
        const char *eq = strchr(kv, '=');
        if (!eq || eq == kv) {
            continue;
        }
        size_t klen = eq - kv + 1, j;
        for (j = 0; j < n; j++) {
            if (strncmp(envp[j], kv, klen) == 0) {
                break;
            }
        }
        envp[j] = (char *)kv;
        if (j == n) {
            n++;
        }
    }
    envp[n] = NULL;
    return envp;
}

void exec_command(const char *file, char **argv, char **envp, int report_fd)
{
    execvpe(file, argv, envp);
    int err = errno;
    char msg[512];
    snprintf(msg, sizeof msg, "uvm-agent: %s: %s\n", file, strerror(err));
    ssize_t r = write(2, msg, strlen(msg));
    r = write(report_fd, &err, sizeof err);
    (void)r;
    _exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

static void handle_exec(uint32_t id, const unsigned char *p, uint32_t len)
{
    if (id == 0) {
        send_log("EXEC on channel 0 ignored");
        return;
    }
    if (find_chan(id)) {
        send_log("EXEC on channel %u which is in use, ignored", id);
        return;
    }
    if (len < 13) {
        send_log("channel %u: malformed EXEC (%u bytes)", id, len);
        exec_failed(id, "EXEC", EINVAL, 127);
        return;
    }
    int flags = p[0];
    uint16_t rows = get_u16(p + 1), cols = get_u16(p + 3);
    uint32_t argc = get_u32(p + 5), envc = get_u32(p + 9);
    const unsigned char *s = p + 13, *end = p + len;
    if (argc < 1 || argc > len || envc > len) {
        send_log("channel %u: malformed EXEC (argc %u, envc %u)", id, argc, envc);
        exec_failed(id, "EXEC", EINVAL, 127);
        return;
    }
    char **argv = calloc(argc + 1, sizeof *argv);
    char **envs = calloc(envc + 1, sizeof *envs);
    if (!argv || !envs) {
        free(argv);
        free(envs);
        exec_failed(id, "EXEC", ENOMEM, 127);
        return;
    }
    /* argv, env, then with EXEC_CONTEXT six more strings (an older host sends none; trailing
     * strings of a newer one are ignored) */
    const char *ctx_strings[6] = { "", "", "", "", "", "" };
    uint32_t nstrings = argc + envc + (flags & EXEC_CONTEXT ? 6 : 0);
    int ok = 1;
    for (uint32_t i = 0; i < nstrings; i++) {
        const unsigned char *z = s < end ? memchr(s, 0, end - s) : NULL;
        if (!z) {
            ok = 0;
            break;
        }
        if (i < argc) {
            argv[i] = (char *)s;
        } else if (i < argc + envc) {
            envs[i - argc] = (char *)s;
        } else {
            ctx_strings[i - argc - envc] = (const char *)s;
        }
        s = z + 1;
    }
    char **envp = ok ? env_merge(base_env, sizeof base_env / sizeof *base_env, envs, envc) : NULL;
    if (!ok || argv[0][0] == 0 || !envp) {
        int bad = !ok || argv[0][0] == 0;
        free(argv);
        free(envs);
        free(envp);
        if (bad) {
            send_log("channel %u: malformed EXEC (strings)", id);
        }
        exec_failed(id, "EXEC", bad ? EINVAL : ENOMEM, 127);
        return;
    }
    struct exec_context ctx = {
        .root = ctx_strings[0], .hostname = ctx_strings[1], .user = ctx_strings[2],
        .cwd = ctx_strings[3], .binds = ctx_strings[4], .boot = ctx_strings[5],
    };
    /* A distribution's namespaces are made (or found) here; a reason it cannot be used is
     * reported by the channel's process (stderr, exit 125), like any other failure to start. */
    struct distro *dist = NULL;
    char ctx_err[PATH_MAX + 256] = "";
    if ((flags & EXEC_CONTEXT) && ctx.root[0]) {
        dist = distro_get(&ctx, ctx_err, sizeof ctx_err);
    }

    int in_p[2] = { -1, -1 }, out_p[2] = { -1, -1 }, err_p[2] = { -1, -1 }, ex_p[2] = { -1, -1 };
    int master = -1;
    char slave[64] = "";
    int err = 0;
    if (pipe2(ex_p, O_CLOEXEC) < 0) {
        err = errno;
    } else if (flags & EXEC_PTY) {
        master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
            ptsname_r(master, slave, sizeof slave) != 0) {
            err = errno ? errno : EIO;
        } else if (rows && cols) {
            struct winsize ws = { .ws_row = rows, .ws_col = cols };
            ioctl(master, TIOCSWINSZ, &ws);
        }
    } else if (pipe2(in_p, O_CLOEXEC) < 0 || pipe2(out_p, O_CLOEXEC) < 0 ||
               pipe2(err_p, O_CLOEXEC) < 0) {
        err = errno;
    }
    struct chan *c = NULL;
    pid_t pid = -1;
    if (!err) {
        c = new_chan(id);
        if (!c) {
            err = ENOMEM;
        } else if (!(flags & EXEC_KEEP_STRAYS)) {
            session_cgroup(c);
        }
    }
    if (!err) {
        pid = fork();
        if (pid < 0) {
            err = errno;
        }
    }
    if (pid == 0) {
        /* child */
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        for (int sig = 1; sig < NSIG; sig++) {
            signal(sig, SIG_DFL);
        }
        setsid();
        join_session_cgroup(c->cgroup);
        /* The PTY slave is opened here, before any namespace is entered (the distribution's
         * /dev is a bind of ours anyway). */
        if (flags & EXEC_PTY) {
            int sfd = open(slave, O_RDWR);
            if (sfd < 0) {
                err = errno;
                goto child_fail;
            }
            ioctl(sfd, TIOCSCTTY, 0);
            dup2(sfd, 0);
            dup2(sfd, 1);
            dup2(sfd, 2);
            if (sfd > 2) {
                close(sfd);
            }
        } else {
            dup2(in_p[0], 0);
            dup2(out_p[1], 1);
            dup2(err_p[1], 2);
        }
        if (flags & EXEC_CONTEXT) {
            exec_in_context(&ctx, dist, ctx_err, flags & EXEC_LOGIN, argv, envs, envc, ex_p[1]);
        }
        if (chdir("/root") < 0) {
            int r = chdir("/");
            (void)r;
        }
        exec_command(argv[0], argv, envp, ex_p[1]);
    child_fail:;
        {
            char msg[512];
            snprintf(msg, sizeof msg, "uvm-agent: %s: %s\n", argv[0], strerror(err));
            ssize_t r = write(2, msg, strlen(msg));
            r = write(ex_p[1], &err, sizeof err);
            (void)r;
        }
        _exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
    }

    free(argv);
    free(envs);
    free(envp);
    close_fd(&in_p[0]);
    close_fd(&out_p[1]);
    close_fd(&err_p[1]);
    close_fd(&ex_p[1]);
    if (err) {
        close_fd(&in_p[1]);
        close_fd(&out_p[0]);
        close_fd(&err_p[0]);
        close_fd(&ex_p[0]);
        close_fd(&master);
        if (c) {
            free_chan(c);
        }
        exec_failed(id, (const char *)p + 13, err, 127);
        return;
    }
    c->pid = pid;
    c->running = 1;
    c->exec_fd = ex_p[0];
    set_nonblock(c->exec_fd);
    if (flags & EXEC_PTY) {
        c->is_pty = 1;
        c->out_fd = master;
        c->in_fd = fcntl(master, F_DUPFD_CLOEXEC, 3);
        set_nonblock(master);
    } else {
        c->in_fd = in_p[1];
        c->out_fd = out_p[0];
        c->err_fd = err_p[0];
        set_nonblock(c->in_fd);
        set_nonblock(c->out_fd);
        set_nonblock(c->err_fd);
    }
    debug("channel %u: started pid %d (%s%s%s%s%s)", id, (int)pid, (const char *)p + 13,
          c->is_pty ? ", pty" : "", (flags & EXEC_CONTEXT) && (flags & EXEC_LOGIN) ? ", login" : "", ctx.root[0] ? " in " : "", ctx.root);
}

/* ------------------------------------------------------------------ other requests */

/* Drops the page cache, dentries and inodes, then compacts so free page reporting can hand
 * whole 2 MiB blocks back to the host. */
static void drop_all_caches(void)
{
    sync();
    if (write_file("/proc/sys/vm/drop_caches", "3") < 0) {
        send_log("drop_caches: %s", strerror(errno));
    }
    write_file("/proc/sys/vm/compact_memory", "1");
}

/* Reclaims about `bytes` of page cache through the root cgroup's memory.reclaim (cgroup v2,
 * mounted here on first use), then compacts. Without memory.reclaim, drops every cache. */
static void reclaim_bytes(uint64_t bytes)
{
    static const char *knob = "/sys/fs/cgroup/memory.reclaim";
    if (access(knob, W_OK) != 0) {
        mount_cgroup2();
    }
    char text[32];
    snprintf(text, sizeof text, "%llu", (unsigned long long)bytes);
    if (access(knob, W_OK) != 0) {
        send_log("memory.reclaim not available (%s); dropping all caches instead", strerror(errno));
        drop_all_caches();
        return;
    }
    /* EAGAIN means less than asked could be reclaimed, which is fine for a step. */
    if (write_file(knob, text) < 0 && errno != EAGAIN) {
        send_log("memory.reclaim %s: %s", text, strerror(errno));
    }
    write_file("/proc/sys/vm/compact_memory", "1");
}

static void handle_stats(void)
{
    char buf[4096], out[1024];
    double up = 0;
    unsigned long long total = 0, freek = 0, avail = 0, cached = 0;
    unsigned long long cpu[8] = { 0 };
    if (read_file("/proc/uptime", buf, sizeof buf) > 0) {
        up = strtod(buf, NULL);
    }
    if (read_file("/proc/meminfo", buf, sizeof buf) > 0) {
        for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
            unsigned long long v;
            if (sscanf(line, "MemTotal: %llu", &v) == 1) total = v;
            else if (sscanf(line, "MemFree: %llu", &v) == 1) freek = v;
            else if (sscanf(line, "MemAvailable: %llu", &v) == 1) avail = v;
            else if (sscanf(line, "Cached: %llu", &v) == 1) cached = v;
        }
    }
    if (read_file("/proc/stat", buf, sizeof buf) > 0) {
        sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &cpu[0], &cpu[1], &cpu[2],
               &cpu[3], &cpu[4], &cpu[5], &cpu[6], &cpu[7]);
    }
    unsigned long long all = 0;
    for (int i = 0; i < 8; i++) {
        all += cpu[i];
    }
    unsigned long long busy = all - cpu[3] - cpu[4]; /* minus idle and iowait */
    int n = snprintf(out, sizeof out,
                     "uptime %.2f\nmem_total %llu\nmem_free %llu\nmem_available %llu\n"
                     "mem_cached %llu\ncpu_busy %llu\ncpu_total %llu\n",
                     up, total * 1024, freek * 1024, avail * 1024, cached * 1024, busy, all);
    send_frame(T_STATS, 0, out, n);
}

static void wait_children(int64_t deadline)
{
    for (;;) {
        pid_t r = waitpid(-1, NULL, WNOHANG);
        if (r > 0) {
            continue;
        }
        if (r < 0 || now_ms() >= deadline) {
            return;
        }
        struct pollfd pf = { .fd = sig_fd, .events = POLLIN };
        int64_t left = deadline - now_ms();
        poll(&pf, 1, left > 50 ? 50 : (int)left);
        if (pf.revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sig_fd, &si, sizeof si) > 0) {
            }
        }
    }
}

static void handle_poweroff(void)
{
    debug("powering off");
    flush_port();
    if (!is_init) {
        /* Not the guest's init (a test run): end our own processes and stop. */
        for (size_t i = 0; i < nchans; i++) {
            if (chans[i]->pid > 0) {
                kill(-chans[i]->pid, SIGKILL);
            }
        }
        exit(0);
    }
    kill(-1, SIGTERM);
    wait_children(now_ms() + 1000);
    kill(-1, SIGKILL);
    wait_children(now_ms() + 200);
    data_disk_release();
    sync();
    /* Power-off needs ACPI (microvm's GED). A kernel without it (uvm's own, booted with acpi=off)
     * would only halt, leaving QEMU running: it resets instead (reboot=t), which QEMU, started
     * with -no-reboot, takes as the end of the VM. */
    reboot(access("/sys/firmware/acpi", F_OK) == 0 ? RB_POWER_OFF : RB_AUTOBOOT);
    /* Not allowed (not PID 1's privileges, or a test run on a host): say so and go on. */
    send_log("poweroff failed: %s", strerror(errno));
}

/* ------------------------------------------------------------------ CONNECT */

/* A TCP connection to 127.0.0.1:port in the guest, carried as the channel's STDIN and STDOUT
 * (forwarded ports): no process, so no fork and exec per connection. The connect does not block:
 * a refusal shows as an error on the first read or write, which ends the channel like EOF. */
static void handle_connect(uint32_t id, const unsigned char *p, uint32_t len)
{
    if (id == 0 || find_chan(id)) {
        send_log("CONNECT on channel %u ignored (0 or in use)", id);
        return;
    }
    struct chan *c = new_chan(id);
    if (!c) {
        send_u32(T_EXIT, id, 1);
        return;
    }
    c->is_sock = 1;
    c->status = 1;
    if (len < 2) {
        send_log("channel %u: malformed CONNECT", id);
        free_chan(c);
        send_u32(T_EXIT, id, 1);
        return;
    }
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(get_u16(p)),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || (connect(fd, (struct sockaddr *)&to, sizeof to) < 0 && errno != EINPROGRESS)) {
        char msg[96];
        int n = snprintf(msg, sizeof msg, "connect to 127.0.0.1:%u: %s\n", get_u16(p), strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        free_chan(c);
        send_frame(T_STDERR, id, msg, (uint32_t)n);
        send_u32(T_EXIT, id, 1);
        return;
    }
    c->out_fd = fd;
    c->in_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (c->in_fd < 0) {
        free_chan(c);
        send_u32(T_EXIT, id, 1);
        return;
    }
    c->status = 0;
}

static void handle_frame(uint8_t type, uint32_t ch, const unsigned char *p, uint32_t len)
{
    struct chan *c;
    switch (type) {
    case T_EXEC:
        handle_exec(ch, p, len);
        break;
    case T_CONNECT:
        handle_connect(ch, p, len);
        break;
    case T_STDIN:
        c = find_chan(ch);
        if (!c) {
            break;
        }
        if (len == 0) {
            c->in_eof = 1;
            pump_stdin(c);
        } else {
            queue_stdin(c, p, len);
        }
        break;
    case T_SIGNAL:
        c = find_chan(ch);
        if (c && c->is_sock) {
            /* no process: a signal ends the connection */
            c->status = len >= 4 ? 128 + (get_u32(p) & 0x7f) : 128;
            c->in_off = c->in_len = 0;
            close_fd(&c->in_fd);
            close_fd(&c->out_fd);
            break;
        }
        if (!c || c->pid <= 0) {
            break;
        }
        if (len < 4 || get_u32(p) >= (uint32_t)NSIG) {
            send_log("channel %u: malformed SIGNAL", ch);
            break;
        }
        if (kill(-c->pid, (int)get_u32(p)) < 0 && c->running) {
            kill(c->pid, (int)get_u32(p));
        }
        break;
    case T_RESIZE:
        c = find_chan(ch);
        if (!c || !c->is_pty || c->out_fd < 0) {
            break;
        }
        if (len < 4) {
            send_log("channel %u: malformed RESIZE", ch);
            break;
        }
        {
            struct winsize ws = { .ws_row = get_u16(p), .ws_col = get_u16(p + 2) };
            ioctl(c->out_fd, TIOCSWINSZ, &ws);
        }
        break;
    case T_POWEROFF:
        handle_poweroff();
        break;
    case T_STATS_REQ:
        handle_stats();
        break;
    case T_OUTPUT_ACK:
        c = find_chan(ch);
        if (!c) {
            break;
        }
        if (len < 4) {
            send_log("channel %u: malformed OUTPUT_ACK", ch);
            break;
        }
        c->out_acked += get_u32(p);
        if (c->out_acked > c->out_sent) {
            c->out_acked = c->out_sent;
        }
        break;
    case T_PING:
        send_frame(T_PONG, 0, p, len);
        /* A host that pings may be a new one the guest never saw connect (a restore): tell it the ports
         * now, not at the next scan, since a connection that woke the VM waits for them. */
        ports_sent = 0;
        report_ports();
        break;
    case T_DROP_CACHES:
        if (len == 0 || p[0] == 1) {
            drop_all_caches();
        } else if (p[0] == 2 && len >= 9) {
            reclaim_bytes(((uint64_t)get_u32(p + 1) << 32) | get_u32(p + 5));
        } else {
            send_log("DROP_CACHES mode %u not supported", p[0]);
        }
        break;
    case T_SET_TIME:
        /* The host restored a saved VM: the guest clock stood still while it was saved. */
        if (len < 8) {
            send_log("malformed SET_TIME");
            break;
        }
        {
            int64_t ns = (int64_t)get_u64(p);
            struct timespec ts = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };
            if (ns < 0 || clock_settime(CLOCK_REALTIME, &ts) < 0) {
                send_log("SET_TIME: %s", ns < 0 ? "negative time" : strerror(errno));
            } else {
                debug("clock set to %lld.%09ld", (long long)ts.tv_sec, ts.tv_nsec);
            }
        }
        break;
    default:
        debug("ignoring frame type %u", type);
        break;
    }
}

static void rx_reset(void)
{
    rx_hdr_have = 0;
    rx_have = 0;
    rx_len = 0;
    rx_in_payload = 0;
}

/* Feeds bytes from the port to the frame parser. Returns 0, or -1 on a protocol error
 * (the rest of the buffer is then discarded). */
static int rx_feed(const unsigned char *b, size_t n)
{
    while (n > 0) {
        if (!rx_in_payload) {
            size_t take = HDR_LEN - rx_hdr_have;
            if (take > n) {
                take = n;
            }
            memcpy(rx_hdr + rx_hdr_have, b, take);
            rx_hdr_have += take;
            b += take;
            n -= take;
            if (rx_hdr_have < HDR_LEN) {
                return 0;
            }
            rx_len = get_u32(rx_hdr + 5);
            if (rx_len > MAX_PAYLOAD) {
                send_log("protocol error: frame type %u channel %u claims %u payload bytes; "
                         "closing all channels", rx_hdr[0], get_u32(rx_hdr + 1), rx_len);
                rx_reset();
                /* The channels end with EXIT as their processes die. */
                for (size_t i = 0; i < nchans; i++) {
                    if (chans[i]->pid > 0) {
                        kill(-chans[i]->pid, SIGKILL);
                    }
                }
                return -1;
            }
            rx_have = 0;
            rx_in_payload = 1;
        }
        size_t take = rx_len - rx_have;
        if (take > n) {
            take = n;
        }
        memcpy(rx_payload + rx_have, b, take);
        rx_have += take;
        b += take;
        n -= take;
        if (rx_have == rx_len) {
            rx_in_payload = 0;
            rx_hdr_have = 0;
            handle_frame(rx_hdr[0], get_u32(rx_hdr + 1), rx_payload, rx_len);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ the port */

static int find_port(char *path, size_t size)
{
    DIR *d = opendir("/sys/class/virtio-ports");
    if (!d) {
        return -1;
    }
    struct dirent *e;
    int found = -1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char p[PATH_MAX], name[256];
        snprintf(p, sizeof p, "/sys/class/virtio-ports/%s/name", e->d_name);
        if (read_file(p, name, sizeof name) <= 0) {
            continue;
        }
        name[strcspn(name, "\n")] = 0;
        if (strcmp(name, PORT_NAME) == 0) {
            snprintf(path, size, "/dev/%s", e->d_name);
            found = 0;
            break;
        }
    }
    closedir(d);
    return found;
}

/* Starts a connection to the host over AF_VSOCK without blocking. Returns the socket, connected
 * or with the connect under way (it then turns writable, or reports an error, when the connect
 * is done; the kernel gives up after VSOCK_CONNECT_MS), or -1 with errno when the connect failed
 * at once: EAFNOSUPPORT without vsock in the kernel, ENODEV without a transport to that CID
 * (no Hyper-V socket and no virtio-vsock device), ECONNRESET where nothing listens on a
 * transport that knows it at once. */
static int vsock_open(void)
{
    int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    struct timeval tv = { VSOCK_CONNECT_MS / 1000, VSOCK_CONNECT_MS % 1000 * 1000 };
    if (setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv, sizeof tv) < 0) {
        debug("vsock connect timeout: %s", strerror(errno));
    }
    struct sockaddr_vm to = { .svm_family = AF_VSOCK, .svm_cid = vsock_cid, .svm_port = vsock_port };
    if (connect(fd, (struct sockaddr *)&to, sizeof to) == 0 || errno == EINPROGRESS) {
        vsock_deadline = now_ms() + VSOCK_CONNECT_MS + 1000; /* in case the kernel's timeout never fires */
        return fd;
    }
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

/* Finds and opens the virtio-serial port (or the fixed one), waiting for it as long as it takes.
 * In MODE_AUTO each look that finds no port also tries vsock, and a vsock socket that connected
 * or is connecting ends the search: the agent is on vsock from then on (check_vsock). */
static void open_port(const char *fixed)
{
    int64_t start = now_ms();
    int warned = 0, vsock_err = 0;
    for (;;) {
        if (fixed) {
            snprintf(port_path, sizeof port_path, "%s", fixed);
        }
        if (fixed || find_port(port_path, sizeof port_path) == 0) {
            port_fd = open(port_path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
            if (port_fd >= 0) {
                break;
            }
        } else if (mode == MODE_AUTO && vsock_err != EAFNOSUPPORT) {
            /* (without vsock in the kernel each socket() would run modprobe again: once is enough) */
            port_fd = vsock_open();
            if (port_fd >= 0) {
                on_vsock = 1;
                debug("no virtio-serial port '%s' after %lld ms; connecting over vsock %u:%u", PORT_NAME,
                      (long long)(now_ms() - start), vsock_cid, vsock_port);
                return;
            }
            vsock_err = errno;
        }
        if (!warned && now_ms() - start > 3000) {
            if (vsock_err) {
                console("still waiting for virtio-serial port '%s', or vsock %u:%u (%s)", PORT_NAME,
                        vsock_cid, vsock_port, strerror(vsock_err));
            } else {
                console("still waiting for virtio-serial port '%s'%s%s", PORT_NAME,
                        port_path[0] ? ": " : "", port_path[0] ? strerror(errno) : "");
            }
            warned = 1;
        }
        /* reap anything that was started before us while we wait */
        while (waitpid(-1, NULL, WNOHANG) > 0) {
        }
        int64_t waited = now_ms() - start;
        struct timespec ts = { 0, (waited < 2000 ? 2 : 100) * 1000000L };
        nanosleep(&ts, NULL);
    }
    /* SIGIO tells us when the host connects or disconnects. */
    fcntl(port_fd, F_SETOWN, getpid());
    int fl = fcntl(port_fd, F_GETFL);
    fcntl(port_fd, F_SETFL, fl | O_ASYNC | O_NONBLOCK);
    debug("opened %s after %lld ms", port_path, (long long)(now_ms() - start));
}

static void send_ready(void)
{
    char buf[128], up[64] = "0";
    if (read_file("/proc/uptime", up, sizeof up) > 0) {
        up[strcspn(up, " \n")] = 0;
    }
    int n = snprintf(buf, sizeof buf, "uvm-agent %d uptime=%s", PROTOCOL_VERSION, up);
    send_frame(T_READY, 0, buf, n);
    debug("host connected, READY at uptime %s", up);
}

/* Listening TCP ports, for the host's localhost forwarding: those bound to any address or to the
 * loopback, from /proc/net/tcp (distributions share the VM's network namespace). Sent as PORTS
 * (sorted, big-endian u16 each) when the set changes, and once after each connection of the host. */

static size_t listening_ports(uint16_t *ports)
{
    FILE *f = fopen("/proc/net/tcp", "re");
    if (!f) {
        return 0;
    }
    char line[256];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned addr, port, state;
        if (sscanf(line, " %*u: %8x:%4x %*8x:%*4x %2x", &addr, &port, &state) != 3 || state != 0x0A) {
            continue;
        }
        if (addr != 0 && addr != 0x0100007Fu) {
            continue; /* bound to another address of the guest: not the host's to reach */
        }
        size_t i = 0;
        while (i < n && ports[i] < port) {
            i++;
        }
        if ((i < n && ports[i] == port) || n == MAX_PORTS) {
            continue;
        }
        memmove(ports + i + 1, ports + i, (n - i) * sizeof *ports);
        ports[i] = (uint16_t)port;
        n++;
    }
    fclose(f);
    return n;
}

static void report_ports(void)
{
    uint16_t ports[MAX_PORTS];
    size_t n = listening_ports(ports);
    if (ports_sent && n == nsent_ports && memcmp(ports, sent_ports, n * sizeof *ports) == 0) {
        return;
    }
    unsigned char payload[2 * MAX_PORTS];
    for (size_t i = 0; i < n; i++) {
        payload[2 * i] = (unsigned char)(ports[i] >> 8);
        payload[2 * i + 1] = (unsigned char)ports[i];
    }
    send_frame(T_PORTS, 0, payload, (uint32_t)(2 * n));
    memcpy(sent_ports, ports, n * sizeof *ports);
    nsent_ports = n;
    ports_sent = 1;
}

/* The host has connected, on either transport: a fresh start with READY and the ports. */
static void host_connected(void)
{
    port_connected = 1;
    rx_reset();
    oq_head = oq_tail = 0;
    send_ready();
    ports_sent = 0;
    next_port_scan = 0;
    flush_port();
}

/* A vsock connect that failed: the next one is tried DISCONNECTED_RECHECK_MS later. Each new
 * reason is said once (with uvm.debug), and once on the console when the host has not connected
 * within 3 s of the start. */
static void vsock_failed(int err)
{
    static int warned;
    vsock_retry_at = now_ms() + DISCONNECTED_RECHECK_MS;
    if (err != vsock_last_err) {
        debug("vsock %u:%u: %s; trying again every %d ms", vsock_cid, vsock_port, strerror(err),
              DISCONNECTED_RECHECK_MS);
        vsock_last_err = err;
    }
    if (!vsock_ever && !warned && now_ms() - agent_start > 3000) {
        console("still connecting to the host over vsock %u:%u: %s", vsock_cid, vsock_port, strerror(err));
        warned = 1;
    }
}

/* check_connection on vsock: while the host is not connected, starts a connect (at most every
 * DISCONNECTED_RECHECK_MS) or looks, without waiting, whether the one under way is done; a
 * connect that succeeded is the host connecting. While connected, an error or hang-up on the
 * socket is the host disconnecting (end of file is seen by read_port). */
static void check_vsock(void)
{
    if (port_fd < 0) {
        if (now_ms() < vsock_retry_at) {
            return;
        }
        port_fd = vsock_open();
        if (port_fd < 0) {
            vsock_failed(errno);
            return;
        }
    }
    struct pollfd pf = { .fd = port_fd, .events = POLLOUT };
    if (poll(&pf, 1, 0) < 0) {
        return;
    }
    if (port_connected) {
        if (pf.revents & (POLLHUP | POLLERR | POLLNVAL)) {
            port_disconnected();
        }
        return;
    }
    int err = 0;
    if (!pf.revents) {
        if (now_ms() < vsock_deadline) {
            return; /* still connecting */
        }
        err = ETIMEDOUT;
    } else {
        socklen_t len = sizeof err;
        if (getsockopt(port_fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
            err = errno;
        } else if (!err && (pf.revents & (POLLHUP | POLLERR | POLLNVAL))) {
            err = ECONNRESET;
        }
    }
    if (err) {
        close_fd(&port_fd);
        vsock_failed(err);
        return;
    }
    debug("connected to vsock %u:%u", vsock_cid, vsock_port);
    vsock_ever = 1;
    vsock_last_err = 0;
    host_connected();
}

/* Checks whether the host side of the port is connected (virtio_console reports POLLHUP
 * while it is not) and handles a change. */
static void check_connection(void)
{
    if (on_vsock) {
        check_vsock();
        return;
    }
    struct pollfd pf = { .fd = port_fd, .events = POLLIN | POLLOUT };
    if (poll(&pf, 1, 0) < 0) {
        return;
    }
    int connected = !(pf.revents & (POLLHUP | POLLERR | POLLNVAL));
    if (connected && !port_connected) {
        host_connected();
    } else if (!connected && port_connected) {
        port_disconnected();
    }
}

static void port_disconnected(void)
{
    if (!port_connected) {
        return;
    }
    port_connected = 0;
    if (nchans) {
        console("host disconnected; ending %zu channel(s)", nchans);
    } else {
        debug("host disconnected");
    }
    kill_all_channels();
    oq_head = oq_tail = 0;
    rx_reset();
    if (on_vsock) {
        /* The connection is over: the next one is a new socket, after a pause (check_vsock). */
        close_fd(&port_fd);
        vsock_retry_at = now_ms() + DISCONNECTED_RECHECK_MS;
    }
}

/* Reads what the port has, up to a bound so that processes get their turn. */
static void read_port(void)
{
    static unsigned char buf[65536];
    for (int i = 0; i < 64 && port_connected; i++) {
        ssize_t n = read(port_fd, buf, sizeof buf);
        if (n > 0) {
            if (rx_feed(buf, n) < 0) {
                return;
            }
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        }
        /* 0: the host is not connected any more */
        port_disconnected();
        return;
    }
}

/* ------------------------------------------------------------------ signals */

static void reap(void)
{
    int st;
    pid_t pid;
    retry_cgroup_removals();
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        if (distro_reaped(pid, st)) {
            continue;
        }
        for (size_t i = 0; i < nchans; i++) {
            struct chan *c = chans[i];
            if (c->running && c->pid == pid) {
                c->running = 0;
                end_session_cgroup(c);
                if (WIFEXITED(st)) {
                    c->status = WEXITSTATUS(st);
                } else if (WIFSIGNALED(st)) {
                    c->status = 128 + WTERMSIG(st);
                } else {
                    c->status = 255;
                }
                break;
            }
        }
    }
}

static void read_signals(void)
{
    struct signalfd_siginfo si;
    int chld = 0, io = 0;
    while (read(sig_fd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGCHLD) {
            chld = 1;
        } else if (si.ssi_signo == SIGIO) {
            io = 1;
        }
    }
    if (chld) {
        reap();
    }
    if (io) {
        check_connection();
    }
}

/* ------------------------------------------------------------------ main loop */

/* --vsock CID:PORT, both decimal: 0, or -1 when malformed. */
static int parse_vsock(const char *arg)
{
    char *end;
    errno = 0;
    unsigned long cid = strtoul(arg, &end, 10);
    if (end == arg || *end != ':' || !isdigit((unsigned char)end[1])) {
        return -1;
    }
    unsigned long port = strtoul(end + 1, &end, 10);
    if (*end || errno || cid > UINT32_MAX || port > UINT32_MAX) {
        return -1;
    }
    vsock_cid = (unsigned)cid;
    vsock_port = (unsigned)port;
    return 0;
}

enum { K_SIG, K_PORT, K_IN, K_OUT, K_ERR, K_EXEC };

int main(int argc, char **argv)
{
    const char *fixed_port = NULL;
    int vsock_only = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            fixed_port = argv[++i];
        } else if (strcmp(argv[i], "--vsock-only") == 0) {
            vsock_only = 1;
        } else if (strcmp(argv[i], "--vsock") == 0 && i + 1 < argc && parse_vsock(argv[i + 1]) == 0) {
            i++;
        } else if (strcmp(argv[i], "-v") == 0) {
            verbose = 1;
        } else {
            fprintf(stderr, "usage: uvm-agent [-v] [--port DEVICE | --vsock-only] [--vsock CID:PORT]\n"
                            "  --port DEVICE     the virtio-serial port to open (default: the one named %s)\n"
                            "  --vsock-only      connect to the host over AF_VSOCK only, never virtio-serial\n"
                            "                    (also: uvm.agent=vsock on the kernel command line)\n"
                            "  --vsock CID:PORT  the host's vsock address (default %u:%u); without --vsock-only\n"
                            "                    tried while no virtio-serial port is found\n",
                    PORT_NAME, VMADDR_CID_HOST, VSOCK_PORT);
            return 2;
        }
    }
    if (fixed_port && vsock_only) {
        fprintf(stderr, "uvm-agent: --port and --vsock-only exclude each other\n");
        return 2;
    }
    mode = fixed_port ? MODE_VIRTIO : vsock_only ? MODE_VSOCK : MODE_AUTO;
    agent_start = now_ms();
    is_init = getpid() == 1;
    agent_cmdline = argv[0];
    agent_cmdline_len = argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0];
    /* Each channel holds three pipe ends; hundreds of sessions can arrive at once (all waiting
     * for the boot), more than the default soft limit of 1024 open files allows. */
    struct rlimit nofile = {65536, 65536};
    if (setrlimit(RLIMIT_NOFILE, &nofile) != 0 && getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
        nofile.rlim_cur = nofile.rlim_max;
        setrlimit(RLIMIT_NOFILE, &nofile);
    }
    /* fds 0-2 must be open, or a child's dup2() onto them could hit our own pipes */
    int nullfd;
    while ((nullfd = open("/dev/null", O_RDWR)) >= 0 && nullfd <= 2) {
    }
    if (nullfd > 2) {
        close(nullfd);
    }
    char cmdline[4096];
    if (read_file("/proc/cmdline", cmdline, sizeof cmdline) > 0) {
        for (char *w = strtok(cmdline, " \n"); w; w = strtok(NULL, " \n")) {
            if (strcmp(w, "uvm.debug") == 0) {
                verbose = 1;
            } else if (strcmp(w, "uvm.agent=vsock") == 0 && mode == MODE_AUTO) {
                mode = MODE_VSOCK; /* options on the agent's own command line win */
            }
        }
    }

    /* Console messages must never stall the loop (a serial console is slow): a message that
     * does not fit the tty buffer is dropped. */
    set_nonblock(2);

    rx_payload = malloc(MAX_PAYLOAD);
    if (!rx_payload) {
        console("out of memory");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGIO);
    if (is_init) {
        /* PID 1: nothing may stop us; Ctrl-Alt-Del and friends are ignored */
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
    }
    sigprocmask(SIG_BLOCK, &mask, NULL);
    sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sig_fd < 0) {
        console("signalfd: %s", strerror(errno));
        return 1;
    }

    if (mode == MODE_VSOCK) {
        on_vsock = 1; /* the first connect is tried by check_connection, now */
        debug("connecting over vsock %u:%u", vsock_cid, vsock_port);
    } else {
        open_port(fixed_port);
    }
    check_connection();

    struct pollfd *pfds = NULL;
    struct { struct chan *c; int kind; } *owner = NULL;
    size_t pcap = 0;

    for (;;) {
        size_t need = 2 + nchans * 4;
        if (need > pcap) {
            size_t cap = need * 2;
            void *a = realloc(pfds, cap * sizeof *pfds);
            if (a) {
                pfds = a;
            }
            void *b = realloc(owner, cap * sizeof *owner);
            if (b) {
                owner = b;
            }
            if (!a || !b) {
                console("out of memory");
                struct timespec ts = { 0, 100000000L };
                nanosleep(&ts, NULL);
                continue;
            }
            pcap = cap;
        }
        size_t np = 0;
        int timeout = -1;
        pfds[np] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
        owner[np++].kind = K_SIG;
        if (port_connected) {
            pfds[np] = (struct pollfd){ .fd = port_fd, .events = POLLIN | (oq_len() ? POLLOUT : 0) };
            owner[np++].kind = K_PORT;
        } else if (on_vsock && port_fd >= 0) {
            /* a connect under way: the socket turns writable (or reports an error) when it is done */
            pfds[np] = (struct pollfd){ .fd = port_fd, .events = POLLOUT };
            owner[np++].kind = K_PORT;
            int64_t left = vsock_deadline - now_ms();
            timeout = left > 0 ? (int)left : 0;
        } else if (on_vsock) {
            int64_t left = vsock_retry_at - now_ms();
            timeout = left > 0 ? (int)left : 0;
        } else {
            /* POLLHUP would wake us at once; wait for SIGIO, re-check now and then */
            timeout = DISCONNECTED_RECHECK_MS;
        }
        int64_t now = now_ms();
        if (port_connected) {
            if (now >= next_port_scan) {
                report_ports();
                next_port_scan = now + PORT_SCAN_MS;
            }
            int left = (int)(next_port_scan - now);
            if (timeout < 0 || left < timeout) {
                timeout = left;
            }
        }
        for (size_t i = 0; i < nchans; i++) {
            struct chan *c = chans[i];
            int can_read = out_credit(c) > 0 && oq_len() < OUTQ_HIGH;
            if (c->in_fd >= 0 && c->in_off < c->in_len) {
                pfds[np] = (struct pollfd){ .fd = c->in_fd, .events = POLLOUT };
                owner[np].c = c;
                owner[np++].kind = K_IN;
            }
            if (c->out_fd >= 0 && can_read) {
                pfds[np] = (struct pollfd){ .fd = c->out_fd, .events = POLLIN };
                owner[np].c = c;
                owner[np++].kind = K_OUT;
            }
            if (c->err_fd >= 0 && can_read) {
                pfds[np] = (struct pollfd){ .fd = c->err_fd, .events = POLLIN };
                owner[np].c = c;
                owner[np++].kind = K_ERR;
            }
            if (c->exec_fd >= 0) {
                pfds[np] = (struct pollfd){ .fd = c->exec_fd, .events = POLLIN };
                owner[np].c = c;
                owner[np++].kind = K_EXEC;
            }
            if (!c->running && c->drain_deadline >= 0) {
                int left = c->drain_deadline > now ? (int)(c->drain_deadline - now) : 0;
                if (timeout < 0 || left < timeout) {
                    timeout = left;
                }
            }
        }

        int r = poll(pfds, np, timeout);
        if (r < 0) {
            if (errno != EINTR) {
                console("poll: %s", strerror(errno));
                struct timespec ts = { 0, 10000000L };
                nanosleep(&ts, NULL);
            }
            continue;
        }

        /* Channel events first (a channel may be freed here, so the owner table is used
         * only with pointers that are still listed). */
        for (size_t i = 0; i < np; i++) {
            short ev = pfds[i].revents;
            if (!ev || owner[i].kind == K_SIG || owner[i].kind == K_PORT) {
                continue;
            }
            struct chan *c = owner[i].c;
            int alive = 0;
            for (size_t j = 0; j < nchans; j++) {
                if (chans[j] == c) {
                    alive = 1;
                    break;
                }
            }
            if (!alive) {
                continue;
            }
            switch (owner[i].kind) {
            case K_IN:
                if (c->in_fd == pfds[i].fd) {
                    pump_stdin(c);
                }
                break;
            case K_OUT:
                if (c->out_fd == pfds[i].fd) {
                    read_output(c, &c->out_fd, T_STDOUT);
                }
                break;
            case K_ERR:
                if (c->err_fd == pfds[i].fd) {
                    read_output(c, &c->err_fd, T_STDERR);
                }
                break;
            case K_EXEC:
                if (c->exec_fd == pfds[i].fd) {
                    int e;
                    ssize_t n = read(c->exec_fd, &e, sizeof e);
                    if (n == sizeof e) {
                        send_log("channel %u: exec failed: %s", c->id, strerror(e));
                    }
                    if (n >= 0 || (errno != EAGAIN && errno != EINTR)) {
                        close_fd(&c->exec_fd);
                    }
                }
                break;
            }
        }
        if (pfds[0].revents & POLLIN) {
            read_signals();
        }
        if (port_connected && np > 1 && owner[1].kind == K_PORT) {
            short ev = pfds[1].revents;
            if (ev & POLLIN) {
                read_port();
            } else if (ev & (POLLHUP | POLLERR)) {
                check_connection();
            }
        } else if (!port_connected) {
            check_connection();
        }
        /* Reaped channels: drain what is left, then EXIT. */
        for (size_t i = 0; i < nchans;) {
            struct chan *c = chans[i];
            if (!c->running) {
                if (!c->is_sock) {
                    drain_reaped(c);
                }
                if (maybe_finish(c)) {
                    continue; /* chans[i] now holds another channel */
                }
            }
            i++;
        }
        flush_port();
    }
}
