/*
 * agentctl: a small host-side client of the guest agent protocol (../PROTOCOL.md), for
 * smoke tests and manual use. It connects to the Unix socket QEMU listens on for the
 * virtio-serial port "uvm.agent" and waits for READY.
 *
 * SOCKET is that Unix socket's path, or vsock-listen:PORT: then agentctl plays the host of the
 * vsock transport (HCS's hvsocket listener): it listens on AF_VSOCK VMADDR_CID_ANY:PORT, takes
 * the first connection within the timeout (the agent connecting, e.g. one run in a guest as
 * `uvm-agent --vsock-only --vsock 1:PORT` over vsock_loopback), stops listening, and goes on
 * with it exactly as with the Unix socket. Each such agentctl is one host connection: the agent
 * connects again after it ends.
 *
 *   agentctl SOCKET ready [TIMEOUT_S]           print the READY text
 *   agentctl SOCKET ready-poweroff [TIMEOUT_S]  print the READY text, then power the VM off
 *   agentctl SOCKET run [-t] [-i] [CONTEXT] -- ARGV...
 *                                               run a command; -i forwards stdin, -t uses a PTY;
 *                                               exits with the command's status. CONTEXT (any of
 *                                               these sends the EXEC context strings):
 *                                               -r ROOT  -H HOSTNAME  -u USER  -d CWD
 *                                               -b BINDS ("SRC=DST" lines)  -B BOOT_COMMAND
 *                                               -l (the user's login shell)  -e KEY=VALUE
 *   agentctl SOCKET stats | ping | poweroff
 *   agentctl SOCKET smoke                       the smoke test suite (PASS/FAIL lines)
 *   agentctl SOCKET distro-smoke DIR            the distribution suite (PASS/FAIL lines), for a
 *                                               VM with a fresh data disk and the 9p share of
 *                                               smoke.sh; DIR holds t1.tar.gz, t2.tar.xz and
 *                                               xattr.tar, and receives xattr-back.tar
 *
 * Environment: AGENTCTL_T0_NS = CLOCK_REALTIME nanoseconds when QEMU was started; with it,
 * the time to READY is printed as "ready_ms N". AGENTCTL_QEMU_PID = QEMU's pid; with it, the
 * CPU time QEMU used until READY is printed as "ready_cpu_ms N".
 *
 * Build: gcc -O2 -o agentctl agentctl.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../agent/vsock.h"

#define HDR_LEN 9
#define MAX_PAYLOAD 65536u
#define WINDOW 262144u

enum {
    T_READY = 0x01, T_EXEC = 0x02, T_STDIN = 0x03, T_SIGNAL = 0x04, T_RESIZE = 0x05,
    T_POWEROFF = 0x06, T_STATS_REQ = 0x07, T_OUTPUT_ACK = 0x08, T_PING = 0x09,
    T_DROP_CACHES = 0x0A, T_STDOUT = 0x10, T_STDERR = 0x11, T_EXIT = 0x12,
    T_STDIN_ACK = 0x13, T_STATS = 0x14, T_PONG = 0x15, T_LOG = 0x16,
};

/* ------------------------------------------------------------------ sha256 */

typedef struct { uint32_t h[8]; uint64_t len; unsigned char buf[64]; size_t n; } sha256_ctx;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(sha256_ctx *c, const unsigned char *p)
{
    uint32_t w[64], a, b, d, e, f, g, h, cc;
    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3];
    e = c->h[4]; f = c->h[5]; g = c->h[6]; h = c->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
        h = g; g = f; f = e; e = d + t1; d = cc; cc = b; b = a; a = t1 + t2;
    }
    c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d;
    c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

static void sha256_init(sha256_ctx *c)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(c->h, iv, sizeof iv);
    c->len = 0;
    c->n = 0;
}

static void sha256_update(sha256_ctx *c, const void *data, size_t len)
{
    const unsigned char *p = data;
    c->len += len;
    while (len > 0) {
        size_t take = 64 - c->n < len ? 64 - c->n : len;
        memcpy(c->buf + c->n, p, take);
        c->n += take;
        p += take;
        len -= take;
        if (c->n == 64) {
            sha256_block(c, c->buf);
            c->n = 0;
        }
    }
}

static void sha256_hex(sha256_ctx *c, char out[65])
{
    uint64_t bits = c->len * 8;
    unsigned char pad = 0x80, zero = 0, lenb[8];
    sha256_update(c, &pad, 1);
    while (c->n != 56) {
        sha256_update(c, &zero, 1);
    }
    for (int i = 0; i < 8; i++) {
        lenb[i] = bits >> (56 - 8 * i);
    }
    sha256_update(c, lenb, 8);
    for (int i = 0; i < 8; i++) {
        sprintf(out + 8 * i, "%08x", c->h[i]);
    }
}

static void sha256_of(const void *data, size_t len, char out[65])
{
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, data, len);
    sha256_hex(&c, out);
}

/* ------------------------------------------------------------------ connection */

struct buf { unsigned char *p; size_t len, cap; };

static void buf_add(struct buf *b, const void *d, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        b->p = realloc(b->p, cap);
        if (!b->p) {
            perror("realloc");
            exit(2);
        }
        b->cap = cap;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
    b->p[b->len] = 0;
}

struct chan {
    uint32_t id;
    int used, exited, late_output;
    uint32_t status;
    struct buf out, err;
    const unsigned char *in; /* stdin to send */
    size_t in_len, in_off;
    int in_eof;              /* send EOF once all of in is sent */
    int eof_sent;
    uint32_t credit;         /* stdin credit */
    int hold_acks;           /* do not return output credit (flow-control test) */
    uint64_t unacked;        /* output received but not acknowledged */
    int passthrough;         /* write output to our stdout/stderr as it arrives */
};

#define MAX_CHANS 64
static struct chan chans[MAX_CHANS];
static int sock = -1;
static struct buf wq;         /* bytes to write to the socket */
static size_t wq_off;
static unsigned char rbuf[HDR_LEN + MAX_PAYLOAD];
static size_t rlen;
static int ready_seen, closed_seen;
static char ready_text[256];
static struct buf last_pong, last_stats;
static int pongs, stats_seen;
static uint32_t next_id = 1;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void send_frame(uint8_t type, uint32_t ch, const void *d, uint32_t len)
{
    unsigned char h[HDR_LEN];
    h[0] = type;
    put_u32(h + 1, ch);
    put_u32(h + 5, len);
    buf_add(&wq, h, HDR_LEN);
    if (len) {
        buf_add(&wq, d, len);
    }
}

static void send_u32(uint8_t type, uint32_t ch, uint32_t v)
{
    unsigned char b[4];
    put_u32(b, v);
    send_frame(type, ch, b, 4);
}

static struct chan *find(uint32_t id)
{
    for (int i = 0; i < MAX_CHANS; i++) {
        if (chans[i].used && chans[i].id == id) {
            return &chans[i];
        }
    }
    return NULL;
}

/* The context strings of an EXEC (PROTOCOL.md); NULL members are sent empty. */
struct ctx {
    const char *root, *hostname, *user, *cwd, *binds, *boot;
    int login;
};

/* EXEC with an environment (env may be NULL) and, when x is not NULL, a context. */
static struct chan *start_ex(int pty, int rows, int cols, const char *const *argv, const char *const *env,
                             const struct ctx *x)
{
    struct chan *c = NULL;
    for (int i = 0; i < MAX_CHANS && !c; i++) {
        if (!chans[i].used) {
            c = &chans[i];
        }
    }
    if (!c) {
        fprintf(stderr, "agentctl: too many channels\n");
        exit(2);
    }
    free(c->out.p);
    free(c->err.p);
    memset(c, 0, sizeof *c);
    c->used = 1;
    c->id = next_id++;
    c->credit = WINDOW;
    struct buf p = { 0 };
    unsigned char h[13];
    int argc = 0, envc = 0;
    while (argv[argc]) {
        argc++;
    }
    while (env && env[envc]) {
        envc++;
    }
    h[0] = (pty ? 1 : 0) | (x ? 2 : 0) | (x && x->login ? 4 : 0);
    h[1] = rows >> 8; h[2] = rows; h[3] = cols >> 8; h[4] = cols;
    put_u32(h + 5, argc);
    put_u32(h + 9, envc);
    buf_add(&p, h, 13);
    for (int i = 0; i < argc; i++) {
        buf_add(&p, argv[i], strlen(argv[i]) + 1);
    }
    for (int i = 0; i < envc; i++) {
        buf_add(&p, env[i], strlen(env[i]) + 1);
    }
    if (x) {
        const char *strings[6] = { x->root, x->hostname, x->user, x->cwd, x->binds, x->boot };
        for (int i = 0; i < 6; i++) {
            buf_add(&p, strings[i] ? strings[i] : "", strings[i] ? strlen(strings[i]) + 1 : 1);
        }
    }
    send_frame(T_EXEC, c->id, p.p, p.len);
    free(p.p);
    return c;
}

static struct chan *start(int pty, int rows, int cols, const char *const *argv)
{
    return start_ex(pty, rows, cols, argv, NULL, NULL);
}

static void dispatch(uint8_t type, uint32_t ch, const unsigned char *p, uint32_t len)
{
    struct chan *c = ch ? find(ch) : NULL;
    switch (type) {
    case T_READY:
        ready_seen++;
        snprintf(ready_text, sizeof ready_text, "%.*s", (int)len, p);
        break;
    case T_STDOUT:
    case T_STDERR:
        if (!c) {
            fprintf(stderr, "agentctl: output for unknown channel %u\n", ch);
            break;
        }
        if (c->exited) {
            c->late_output = 1;
        }
        if (c->passthrough) {
            ssize_t r = write(type == T_STDOUT ? 1 : 2, p, len);
            (void)r;
        } else {
            buf_add(type == T_STDOUT ? &c->out : &c->err, p, len);
        }
        c->unacked += len;
        if (!c->hold_acks) {
            send_u32(T_OUTPUT_ACK, ch, (uint32_t)c->unacked);
            c->unacked = 0;
        }
        break;
    case T_EXIT:
        if (c && len >= 4) {
            c->exited = 1;
            c->status = get_u32(p);
        }
        break;
    case T_STDIN_ACK:
        if (c && len >= 4) {
            c->credit += get_u32(p);
            if (c->credit > WINDOW) {
                fprintf(stderr, "agentctl: channel %u: stdin credit above the window\n", ch);
                c->credit = WINDOW;
            }
        }
        break;
    case T_STATS:
        last_stats.len = 0;
        buf_add(&last_stats, p, len);
        stats_seen++;
        break;
    case T_PONG:
        last_pong.len = 0;
        buf_add(&last_pong, p, len);
        pongs++;
        break;
    case T_LOG:
        fprintf(stderr, "agentctl: agent log: %.*s\n", (int)len, p);
        break;
    case 0x17: /* PORTS: the guest's listening ports, for the daemon's forwarding; not used here */
        break;
    default:
        fprintf(stderr, "agentctl: unknown frame type %u\n", type);
    }
}

/* Queues stdin within the credit. */
static void feed_stdin(void)
{
    for (int i = 0; i < MAX_CHANS; i++) {
        struct chan *c = &chans[i];
        if (!c->used || c->exited || !c->in) {
            continue;
        }
        while (c->in_off < c->in_len && c->credit > 0 && wq.len - wq_off < 4 * MAX_PAYLOAD) {
            size_t n = c->in_len - c->in_off;
            if (n > c->credit) n = c->credit;
            if (n > MAX_PAYLOAD) n = MAX_PAYLOAD;
            send_frame(T_STDIN, c->id, c->in + c->in_off, n);
            c->in_off += n;
            c->credit -= n;
        }
        if (c->in_off == c->in_len && c->in_eof && !c->eof_sent) {
            send_frame(T_STDIN, c->id, NULL, 0);
            c->eof_sent = 1;
        }
    }
}

/* Runs the connection until cond() is true or the timeout passes; returns 1 when cond() holds. */
static int pump(int (*cond)(void *), void *arg, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        feed_stdin();
        if (cond && cond(arg)) {
            return 1;
        }
        if (closed_seen) {
            return cond ? cond(arg) : 0;
        }
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            return 0;
        }
        struct pollfd pf = { .fd = sock, .events = POLLIN | (wq.len > wq_off ? POLLOUT : 0) };
        int r = poll(&pf, 1, (int)left);
        if (r < 0 && errno != EINTR) {
            perror("poll");
            exit(2);
        }
        if (pf.revents & POLLOUT) {
            ssize_t n = write(sock, wq.p + wq_off, wq.len - wq_off);
            if (n > 0) {
                wq_off += n;
                if (wq_off == wq.len) {
                    wq_off = wq.len = 0;
                }
            } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                closed_seen = 1;
            }
        }
        if (pf.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(sock, rbuf + rlen, sizeof rbuf - rlen);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                closed_seen = 1;
                continue;
            }
            if (n > 0) {
                rlen += n;
                size_t off = 0;
                while (rlen - off >= HDR_LEN) {
                    uint32_t len = get_u32(rbuf + off + 5);
                    if (len > MAX_PAYLOAD) {
                        fprintf(stderr, "agentctl: protocol error: payload length %u\n", len);
                        exit(2);
                    }
                    if (rlen - off < HDR_LEN + len) {
                        break;
                    }
                    dispatch(rbuf[off], get_u32(rbuf + off + 1), rbuf + off + HDR_LEN, len);
                    off += HDR_LEN + len;
                }
                memmove(rbuf, rbuf + off, rlen - off);
                rlen -= off;
            }
        }
    }
}

static int cond_ready(void *a) { (void)a; return ready_seen > 0; }
static int cond_exited(void *a) { return ((struct chan *)a)->exited; }
static int cond_flushed(void *a) { (void)a; return wq.len == wq_off; }
static int cond_pong(void *a) { return pongs >= *(int *)a; }
static int cond_stats(void *a) { return stats_seen >= *(int *)a; }
static int cond_closed(void *a) { (void)a; return closed_seen; }

/* vsock-listen:PORT: waits up to timeout_ms for the agent to connect, as HCS's listener does. */
static void accept_vsock(const char *port, int timeout_ms)
{
    char *end;
    unsigned long p = strtoul(port, &end, 10);
    if (!*port || *end || p > UINT32_MAX) {
        fprintf(stderr, "agentctl: bad vsock port %s\n", port);
        exit(2);
    }
    struct sockaddr_vm sa = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY, .svm_port = (unsigned)p };
    int l = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 1) < 0) {
        fprintf(stderr, "agentctl: cannot listen on vsock port %s: %s\n", port, strerror(errno));
        exit(2);
    }
    struct pollfd pf = { .fd = l, .events = POLLIN };
    int r;
    while ((r = poll(&pf, 1, timeout_ms)) < 0 && errno == EINTR) {
    }
    if (r == 0) {
        fprintf(stderr, "agentctl: no agent connected to vsock port %s within %d ms\n", port, timeout_ms);
        exit(2);
    }
    if (r < 0 || (sock = accept4(l, NULL, NULL, SOCK_CLOEXEC)) < 0) {
        fprintf(stderr, "agentctl: accepting on vsock port %s: %s\n", port, strerror(errno));
        exit(2);
    }
    close(l);
    fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
}

static void connect_sock(const char *path, int timeout_ms)
{
    if (strncmp(path, "vsock-listen:", 13) == 0) {
        accept_vsock(path + 13, timeout_ms);
        return;
    }
    int64_t deadline = now_ms() + timeout_ms;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    for (;;) {
        sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (connect(sock, (struct sockaddr *)&sa, sizeof sa) == 0) {
            break;
        }
        close(sock);
        if (now_ms() > deadline) {
            fprintf(stderr, "agentctl: cannot connect to %s: %s\n", path, strerror(errno));
            exit(2);
        }
        usleep(5000);
    }
    fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
}

static int cond_ready_or_pong(void *a) { (void)a; return ready_seen > 0 || pongs > 0; }

/* Waits for READY. An agent that was already serving an earlier connection may not notice a
 * quick reconnect and so not send READY again; after a second without READY a PING is sent,
 * and its PONG counts as ready too. */
static void wait_ready(int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    int ok = pump(cond_ready, NULL, timeout_ms < 1000 ? timeout_ms : 1000);
    while (!ok && !closed_seen && now_ms() < deadline) {
        send_frame(T_PING, 0, "ready?", 6);
        int64_t left = deadline - now_ms();
        ok = pump(cond_ready_or_pong, NULL, left < 1000 ? (int)left : 1000);
    }
    if (!ready_seen && pongs > 0) {
        snprintf(ready_text, sizeof ready_text, "(no READY on this connection; the agent answered PING)");
        pongs = 0;
    }
    if (!ok) {
        fprintf(stderr, "agentctl: no READY within %d ms%s\n", timeout_ms,
                closed_seen ? " (connection closed)" : "");
        exit(3);
    }
    const char *t0 = getenv("AGENTCTL_T0_NS");
    if (t0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        long long ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec - atoll(t0);
        printf("ready_ms %lld\n", ns / 1000000);
    }
    const char *qpid = getenv("AGENTCTL_QEMU_PID");
    if (qpid) {
        /* CPU time QEMU used until READY: less sensitive to other load than wall time */
        char path[64], st[1024];
        snprintf(path, sizeof path, "/proc/%s/stat", qpid);
        FILE *f = fopen(path, "r");
        if (f && fgets(st, sizeof st, f)) {
            char *p = strrchr(st, ')');
            unsigned long long ut = 0, stm = 0;
            if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &stm) == 2) {
                printf("ready_cpu_ms %llu\n", (ut + stm) * 1000 / (unsigned long long)sysconf(_SC_CLK_TCK));
            }
        }
        if (f) {
            fclose(f);
        }
    }
}

/* ------------------------------------------------------------------ smoke tests */

static int failures, passes;

static void result(int ok, const char *name, const char *fmt, ...)
{
    char detail[1024] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    /* one line per result: control characters are shown escaped */
    char shown[2048];
    size_t j = 0;
    for (size_t i = 0; detail[i] && j < sizeof shown - 5; i++) {
        unsigned char ch = (unsigned char)detail[i];
        if (ch == '\n') {
            shown[j++] = '\\';
            shown[j++] = 'n';
        } else if (ch < 32 || ch == 127) {
            j += snprintf(shown + j, sizeof shown - j, "\\x%02x", ch);
        } else {
            shown[j++] = (char)ch;
        }
    }
    shown[j] = 0;
    printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", name, shown[0] ? ": " : "", shown);
    fflush(stdout);
    if (ok) passes++; else failures++;
}

static struct chan *run_wait(const char *const *argv, int timeout_ms)
{
    struct chan *c = start(0, 0, 0, argv);
    pump(cond_exited, c, timeout_ms);
    return c;
}

static void done(struct chan *c)
{
    c->used = 0;
}

static int smoke(void)
{
    int64_t t;
    char h1[65], h2[65];

    result(1, "ready", "%s", ready_text);

    {
        const char *argv[] = { "uname", "-a", NULL };
        struct chan *c = run_wait(argv, 10000);
        result(c->exited && c->status == 0 && strncmp((char *)c->out.p ? (char *)c->out.p : "", "Linux uvm ", 10) == 0,
               "uname", "exit %u, stdout %s", c->status, c->out.p ? (char *)c->out.p : "(none)");
        done(c);
    }
    {
        const char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
        struct chan *c = run_wait(argv, 10000);
        int ok = c->exited && c->status == 3 && c->out.len == 4 && memcmp(c->out.p, "out\n", 4) == 0 &&
                 c->err.len == 4 && memcmp(c->err.p, "err\n", 4) == 0;
        result(ok, "stdout/stderr separation and exit code", "exit %u, stdout '%s', stderr '%s'", c->status,
               c->out.p ? (char *)c->out.p : "", c->err.p ? (char *)c->err.p : "");
        done(c);
    }
    {
        /* A waits for stdin while B runs to completion; then A gets its input. */
        const char *a_argv[] = { "sh", "-c", "read x; echo got $x", NULL };
        const char *b_argv[] = { "sh", "-c", "echo B; sleep 0.2; echo B2", NULL };
        struct chan *a = start(0, 0, 0, a_argv);
        struct chan *b = start(0, 0, 0, b_argv);
        pump(cond_exited, b, 10000);
        int a_running = !a->exited;
        static const unsigned char hello[] = "hello\n";
        a->in = hello;
        a->in_len = 6;
        a->in_eof = 1;
        pump(cond_exited, a, 10000);
        int ok = b->exited && b->status == 0 && b->out.len == 5 && memcmp(b->out.p, "B\nB2\n", 5) == 0 &&
                 a_running && a->exited && a->status == 0 && a->out.p && strcmp((char *)a->out.p, "got hello\n") == 0;
        result(ok, "two concurrent channels", "B exit %u '%s', A running while B ran: %d, A exit %u '%s'",
               b->status, b->out.p ? (char *)b->out.p : "", a_running, a->status, a->out.p ? (char *)a->out.p : "");
        done(a);
        done(b);
    }
    {
        const char *argv[] = { "sh", "-l", "-c", "echo \"$PS1\"; hostname; id -un; pwd; ls /bin/sleep", NULL };
        struct chan *c = run_wait(argv, 10000);
        const char *want = "uvm:\\w# \nuvm\nroot\n/root\n/bin/sleep\n";
        result(c->exited && c->status == 0 && c->out.p && strcmp((char *)c->out.p, want) == 0, "login shell environment",
               "exit %u, output '%s'", c->status, c->out.p ? (char *)c->out.p : "");
        done(c);
    }
    {
        const char *argv[] = { "/nonexistent/program", NULL };
        struct chan *c = run_wait(argv, 10000);
        result(c->exited && c->status == 127 && c->err.p && strstr((char *)c->err.p, "uvm-agent: /nonexistent/program:"),
               "missing program", "exit %u, stderr %s", c->status, c->err.p ? (char *)c->err.p : "");
        done(c);
    }
    {
        const char *argv[] = { "sleep", "100", NULL };
        struct chan *c = start(0, 0, 0, argv);
        pump(NULL, NULL, 300);
        send_u32(T_SIGNAL, c->id, 9);
        pump(cond_exited, c, 10000);
        result(c->exited && c->status == 137, "SIGNAL 9", "exit %u", c->status);
        done(c);
    }
    {
        const char *argv[] = { "sh", "-c", "tty; stty size; echo $TERM", NULL };
        struct chan *c = start(1, 30, 100, argv);
        pump(cond_exited, c, 10000);
        const char *o = c->out.p ? (char *)c->out.p : "";
        result(c->exited && c->status == 0 && strstr(o, "/dev/pts/") && strstr(o, "30 100"), "pty", "exit %u, output '%s'",
               c->status, o);
        done(c);
    }
    {
        /* Output credit: without OUTPUT_ACK the agent stops at the window. */
        const char *argv[] = { "sh", "-c", "head -c 1000000 /dev/zero; exit 5", NULL };
        struct chan *c = start(0, 0, 0, argv);
        c->hold_acks = 1;
        pump(cond_exited, c, 1500);
        size_t held = c->out.len;
        int stalled = !c->exited && held <= WINDOW;
        c->hold_acks = 0;
        send_u32(T_OUTPUT_ACK, c->id, (uint32_t)c->unacked);
        c->unacked = 0;
        pump(cond_exited, c, 20000);
        result(stalled && c->exited && c->status == 5 && c->out.len == 1000000 && !c->late_output,
               "output flow control", "%zu bytes before acks (window %u), then %zu bytes, exit %u%s", held, WINDOW,
               c->out.len, c->status, c->late_output ? ", OUTPUT AFTER EXIT" : "");
        done(c);
    }

    {
        /* one stalled channel (no OUTPUT_ACK) does not hold up another */
        const char *a_argv[] = { "yes", "stalled", NULL };
        const char *b_argv[] = { "sh", "-c", "head -c 600000 /dev/zero; echo done >&2", NULL };
        struct chan *a = start(0, 0, 0, a_argv);
        a->hold_acks = 1;
        pump(NULL, NULL, 500);
        struct chan *b = start(0, 0, 0, b_argv);
        pump(cond_exited, b, 20000);
        size_t a_bytes = a->out.len;
        int ok = b->exited && b->status == 0 && b->out.len == 600000 && !a->exited && a_bytes <= WINDOW;
        /* end the stalled one: SIGKILL, and keep acknowledging until EXIT */
        send_u32(T_SIGNAL, a->id, 9);
        a->hold_acks = 0;
        send_u32(T_OUTPUT_ACK, a->id, (uint32_t)a->unacked);
        a->unacked = 0;
        pump(cond_exited, a, 10000);
        result(ok && a->exited && a->status == 137, "stalled channel does not block others",
               "B exit %u with %zu bytes while A held %zu bytes (window %u); A exit %u", b->status, b->out.len,
               a_bytes, WINDOW, a->status);
        done(a);
        done(b);
    }

    /* 10 MB through cat, and through sha256sum in the guest. */
    size_t big = 10 * 1024 * 1024;
    unsigned char *data = malloc(big);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < big; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        data[i] = (unsigned char)x;
    }
    sha256_of(data, big, h1);
    {
        const char *argv[] = { "cat", NULL };
        struct chan *c = start(0, 0, 0, argv);
        c->in = data;
        c->in_len = big;
        c->in_eof = 1;
        t = now_ms();
        pump(cond_exited, c, 120000);
        t = now_ms() - t;
        sha256_of(c->out.p, c->out.len, h2);
        result(c->exited && c->status == 0 && c->out.len == big && strcmp(h1, h2) == 0 && !c->late_output,
               "10 MB through cat", "%zu bytes back, sha256 %s %s, %lld ms (%.1f MB/s each way)", c->out.len,
               h2, strcmp(h1, h2) == 0 ? "matches" : "DIFFERS", (long long)t,
               t > 0 ? big / 1048576.0 / (t / 1000.0) : 0.0);
        done(c);
    }
    {
        const char *argv[] = { "sha256sum", NULL };
        struct chan *c = start(0, 0, 0, argv);
        c->in = data;
        c->in_len = big;
        c->in_eof = 1;
        pump(cond_exited, c, 120000);
        result(c->exited && c->status == 0 && c->out.p && strncmp((char *)c->out.p, h1, 64) == 0,
               "10 MB sha256 in guest", "guest %.64s, host %s", c->out.p ? (char *)c->out.p : "(none)", h1);
        done(c);
    }
    free(data);
    {
        int want = pongs + 1;
        static const unsigned char ping[] = "ping-\x00\x01\xff";
        send_frame(T_PING, 0, ping, sizeof ping);
        pump(cond_pong, &want, 5000);
        result(pongs == want && last_pong.len == sizeof ping && memcmp(last_pong.p, ping, sizeof ping) == 0, "ping", "");
    }
    {
        int want = stats_seen + 1;
        send_frame(T_STATS_REQ, 0, NULL, 0);
        pump(cond_stats, &want, 5000);
        const char *s = last_stats.p ? (char *)last_stats.p : "";
        result(stats_seen == want && strstr(s, "mem_total ") && strstr(s, "cpu_total ") && strstr(s, "uptime "),
               "stats", "%zu bytes", last_stats.len);
    }
    {
        /* A frame of unknown type is ignored; the connection goes on. */
        send_frame(0x7f, 0, "xyz", 3);
        int want = pongs + 1;
        send_frame(T_PING, 0, "after", 5);
        pump(cond_pong, &want, 5000);
        result(pongs == want, "unknown frame type ignored", "");
    }
    {
        unsigned char mode = 1;
        send_frame(T_DROP_CACHES, 0, &mode, 1);
        int want = pongs + 1;
        send_frame(T_PING, 0, "dc", 2);
        pump(cond_pong, &want, 10000);
        result(pongs == want, "drop caches", "");
    }
    {
        const char *argv[] = { "/etc/passwd", NULL };
        struct chan *c = run_wait(argv, 10000);
        result(c->exited && c->status == 126, "not executable", "exit %u, stderr %s", c->status,
               c->err.p ? (char *)c->err.p : "");
        done(c);
    }
    {
        /* 40 channels at once, each echoing its own input */
        struct chan *cs[40];
        char inputs[40][32];
        for (int i = 0; i < 40; i++) {
            const char *argv[] = { "cat", NULL };
            cs[i] = start(0, 0, 0, argv);
            snprintf(inputs[i], sizeof inputs[i], "channel input %d\n", i);
            cs[i]->in = (const unsigned char *)inputs[i];
            cs[i]->in_len = strlen(inputs[i]);
            cs[i]->in_eof = 1;
        }
        int ok = 1;
        for (int i = 0; i < 40; i++) {
            pump(cond_exited, cs[i], 20000);
            ok = ok && cs[i]->exited && cs[i]->status == 0 && cs[i]->out.p && strcmp((char *)cs[i]->out.p, inputs[i]) == 0;
        }
        result(ok, "40 concurrent channels", "");
        for (int i = 0; i < 40; i++) {
            done(cs[i]);
        }
    }
    {
        /* the process closes stdin and runs on: the rest of its input is acknowledged anyway,
         * so the host's credit does not stall */
        size_t n = 2 * 1024 * 1024;
        unsigned char *zeros = calloc(1, n);
        const char *argv[] = { "sh", "-c", "head -c 10 >/dev/null; exec 0<&-; sleep 2; echo done", NULL };
        struct chan *c = start(0, 0, 0, argv);
        c->in = zeros;
        c->in_len = n;
        c->in_eof = 1;
        pump(cond_exited, c, 20000);
        int all_sent = c->eof_sent;
        result(c->exited && c->status == 0 && c->out.p && strcmp((char *)c->out.p, "done\n") == 0 && all_sent,
               "stdin closed early by the process", "exit %u, output '%s', all input sent before exit: %d",
               c->status, c->out.p ? (char *)c->out.p : "", all_sent);
        free(zeros);
        done(c);
    }
    {
        /* a background descendant keeps stdout open: EXIT must not wait for it */
        const char *argv[] = { "sh", "-c", "sleep 5 & echo started", NULL };
        int64_t t0 = now_ms();
        struct chan *c = run_wait(argv, 10000);
        int64_t took = now_ms() - t0;
        result(c->exited && c->status == 0 && c->out.p && strcmp((char *)c->out.p, "started\n") == 0 && took < 3000,
               "EXIT not held back by a background process", "%lld ms", (long long)took);
        done(c);
    }
    {
        /* PTY: stdin EOF becomes ^D; RESIZE reaches the terminal */
        const char *argv[] = { "sh", "-c", "read line; echo \"got:$line\"; stty size; cat; echo cat-done", NULL };
        struct chan *c = start(1, 24, 80, argv);
        pump(NULL, NULL, 300);
        unsigned char rs[4] = { 0, 50, 0, 132 };
        send_frame(T_RESIZE, c->id, rs, 4);
        static const unsigned char line[] = "hello pty\n";
        c->in = line;
        c->in_len = sizeof line - 1;
        c->in_eof = 1;
        pump(cond_exited, c, 10000);
        const char *o = c->out.p ? (char *)c->out.p : "";
        result(c->exited && c->status == 0 && strstr(o, "got:hello pty") && strstr(o, "50 132") && strstr(o, "cat-done"),
               "pty stdin EOF and RESIZE", "exit %u, output '%s'", c->status, o);
        done(c);
    }
    {
        /* malformed requests: answered with LOG / EXIT 127, never a crash */
        unsigned char shortexec[5] = { 0, 0, 0, 0, 0 };
        uint32_t bad1 = next_id++;
        send_frame(T_EXEC, bad1, shortexec, sizeof shortexec);
        unsigned char noterm[13 + 3] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 'a', 'b', 'c' };
        uint32_t bad2 = next_id++;
        send_frame(T_EXEC, bad2, noterm, sizeof noterm);
        unsigned char zeroargc[13] = { 0 };
        uint32_t bad3 = next_id++;
        send_frame(T_EXEC, bad3, zeroargc, sizeof zeroargc);
        struct chan *b1 = &chans[MAX_CHANS - 1], *b2 = &chans[MAX_CHANS - 2], *b3 = &chans[MAX_CHANS - 3];
        memset(b1, 0, sizeof *b1); b1->used = 1; b1->id = bad1;
        memset(b2, 0, sizeof *b2); b2->used = 1; b2->id = bad2;
        memset(b3, 0, sizeof *b3); b3->used = 1; b3->id = bad3;
        send_frame(T_EXEC, 0, zeroargc, sizeof zeroargc);     /* channel 0 */
        send_frame(T_STDIN, 9999, "x", 1);                    /* unknown channel */
        send_frame(T_SIGNAL, 9999, "\0\0\0\x09", 4);
        send_frame(T_OUTPUT_ACK, 9999, "\0", 1);
        send_frame(T_RESIZE, 9999, "", 0);
        send_frame(T_DROP_CACHES, 0, "\x07", 1);
        int want = pongs + 1;
        send_frame(T_PING, 0, "still alive", 11);
        pump(cond_pong, &want, 10000);
        pump(cond_exited, b3, 5000);
        result(pongs == want && b1->exited && b1->status == 127 && b2->exited && b2->status == 127 && b3->exited &&
               b3->status == 127, "malformed frames", "");
        done(b1); done(b2); done(b3);
    }
    {
        /* a frame length over the limit: the agent closes all channels and goes on */
        const char *argv[] = { "sleep", "1000", NULL };
        struct chan *c = start(0, 0, 0, argv);
        pump(NULL, NULL, 500);
        unsigned char bad[HDR_LEN] = { T_STDIN, 0, 0, 0, (unsigned char)c->id, 0x7f, 0xff, 0xff, 0xff };
        buf_add(&wq, bad, HDR_LEN);
        pump(cond_exited, c, 10000);
        int killed = c->exited && c->status == 137;
        int want = pongs + 1;
        send_frame(T_PING, 0, "resync", 6);
        pump(cond_pong, &want, 5000);
        result(killed && pongs == want, "oversized frame closes all channels, port still usable",
               "channel exit %u, pong %d", c->status, pongs == want);
        done(c);
    }
    {
        const char *argv[] = { "sleep", "1000", NULL };
        start(0, 0, 0, argv); /* still running at POWEROFF */
        send_frame(T_POWEROFF, 0, NULL, 0);
        pump(cond_flushed, NULL, 5000);
        t = now_ms();
        int closed = pump(cond_closed, NULL, 15000);
        result(closed, "poweroff closes the port", "after %lld ms", (long long)(now_ms() - t));
    }
    printf("%d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}

/* ------------------------------------------------------------------ distribution smoke tests */

static unsigned char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "agentctl: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    struct buf b = { 0 };
    unsigned char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        buf_add(&b, tmp, n);
    }
    fclose(f);
    *len = b.len;
    return b.p;
}

/* Runs argv with context x (NULL: none) and env, feeding in as stdin, and waits for EXIT. */
static struct chan *run_ctx(const struct ctx *x, const char *const *env, const char *const *argv,
                            const unsigned char *in, size_t in_len, int timeout_ms)
{
    struct chan *c = start_ex(0, 0, 0, argv, env, x);
    c->in = in;
    c->in_len = in_len;
    c->in_eof = 1;
    pump(cond_exited, c, timeout_ms);
    return c;
}

static const char *text(const struct buf *b)
{
    return b->p ? (const char *)b->p : "";
}

/* Runs sh -c script in x until its output is not empty (a detached boot command may not have
 * run yet), at most 20 times. */
static struct chan *run_until_output(const struct ctx *x, const char *script)
{
    const char *argv[] = { "sh", "-c", script, NULL };
    for (int i = 0;; i++) {
        struct chan *c = run_ctx(x, NULL, argv, NULL, 0, 20000);
        if (c->out.len > 0 || i == 19) {
            return c;
        }
        done(c);
        pump(NULL, NULL, 100);
    }
}

static int distro_smoke(const char *dir)
{
    size_t t1_len, t2_len, x_len;
    unsigned char *t1_tar = slurp(dir, "t1.tar.gz", &t1_len);
    unsigned char *t2_tar = slurp(dir, "t2.tar.xz", &t2_len);
    unsigned char *x_tar = slurp(dir, "xattr.tar", &x_len);
    const char *binds = "/mnt/host=/mnt/host\n/nonexistent=/mnt/none";
    const char *boot = "echo booted >>/run/boot-ran";
    const struct ctx t1 = { "/data/distros/t1", "t1-host", NULL, NULL, binds, boot, 0 };
    struct ctx t1_alice = t1;
    t1_alice.user = "alice";
    const struct ctx t2 = { "/data/distros/t2/", "t2-host", NULL, NULL, binds, boot, 0 };
    const struct ctx t3 = { "/data/distros/t3", "t3-host", NULL, NULL, NULL, NULL, 0 };
    const struct ctx utility = { 0 };

    result(1, "ready", "%s", ready_text);
    {
        const char *argv[] = { "sh", "-c", "grep ' /data ' /proc/mounts", NULL };
        struct chan *c = run_wait(argv, 10000);
        const char *o = text(&c->out);
        result(c->exited && c->status == 0 && strstr(o, "/dev/vda /data ext4 ") && strstr(o, "noatime") &&
               strstr(o, "discard"), "data disk mounted at /data (ext4, discard, noatime)", "exit %u, '%s'",
               c->status, o);
        done(c);
    }
    {
        const char *argv[] = { "gtar", "--version", NULL };
        struct chan *c = run_wait(argv, 10000);
        result(c->exited && c->status == 0 && strncmp(text(&c->out), "tar (GNU tar) ", 14) == 0, "GNU tar as gtar",
               "exit %u, '%.30s', stderr '%s'", c->status, text(&c->out), text(&c->err));
        done(c);
    }
    {
        /* what the host does to import a distribution: the tarball through stdin */
        /* GNU tar does not detect compression on a pipe: the host names the decompressor */
        struct { const char *name, *what, *dec; const unsigned char *data; size_t len; } imports[] = {
            { "t1", "gzip", "gzip -dc", t1_tar, t1_len }, { "t2", "xz", "xz -dc", t2_tar, t2_len },
            { "t3", "xz", "xz -dc", t2_tar, t2_len },
        };
        for (size_t i = 0; i < sizeof imports / sizeof *imports; i++) {
            char cmd[512], name[128];
            snprintf(cmd, sizeof cmd, "mkdir -p /data/distros/%s && %s | gtar -x -p --xattrs --xattrs-include='*' "
                     "--numeric-owner -f - -C /data/distros/%s", imports[i].name, imports[i].dec, imports[i].name);
            const char *argv[] = { "sh", "-c", cmd, NULL };
            struct chan *c = run_ctx(NULL, NULL, argv, imports[i].data, imports[i].len, 120000);
            snprintf(name, sizeof name, "import %s: %zu-byte %s tarball through stdin into gtar", imports[i].name,
                     imports[i].len, imports[i].what);
            result(c->exited && c->status == 0 && c->err.len == 0, name, "exit %u, stderr '%s'", c->status,
                   text(&c->err));
            done(c);
        }
    }
    {
        /* the first EXEC naming t1 creates its namespaces */
        const char *argv[] = { "sh", "-c", "id -un; id -u; id -G; pwd; hostname; "
                               "echo \"$HOME|$USER|$LOGNAME|$SHELL|$TERM|$PATH\"", NULL };
        struct chan *c = run_ctx(&t1_alice, NULL, argv, NULL, 0, 20000);
        const char *want = "alice\n1000\n1000 100\n/home/alice\nt1-host\n"
                           "/home/alice|alice|alice|/bin/sh|linux|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n";
        result(c->exited && c->status == 0 && strcmp(text(&c->out), want) == 0,
               "t1 as alice: user, groups, home directory, host name, environment", "exit %u, output '%s', stderr '%s'",
               c->status, text(&c->out), text(&c->err));
        done(c);
    }
    {
        const char *argv[] = { "sh", "-c", "id -un; pwd; ls /data 2>/dev/null; echo ls=$?; test -e /t1-only && echo own-files",
                               NULL };
        struct chan *c = run_ctx(&t1, NULL, argv, NULL, 0, 20000);
        result(c->exited && c->status == 0 && strcmp(text(&c->out), "root\n/root\nls=1\nown-files\n") == 0,
               "t1 as root: its own root (no /data of the utility environment)", "exit %u, output '%s'", c->status,
               text(&c->out));
        done(c);
    }
    {
        const char *argv[] = { "sh", "-c", "cat /proc/mounts; ls -ld /run", NULL };
        struct chan *c = run_ctx(&t1, NULL, argv, NULL, 0, 20000);
        const char *o = text(&c->out);
        int ok = c->exited && c->status == 0 && strstr(o, " / ext4 ") && strstr(o, " /proc proc ") &&
                 strstr(o, " /sys sysfs ") && strstr(o, " /dev devtmpfs ") && strstr(o, " /dev/pts devpts ") &&
                 strstr(o, " /dev/shm tmpfs ") && strstr(o, " /run tmpfs ") && strstr(o, "drwxr-xr-x") &&
                 strstr(o, " /mnt/host 9p ") && !strstr(o, " /data ") && !strstr(o, " /tmp ") && !strstr(o, "/mnt/none");
        result(ok, "t1 mounts: root, proc, sys, dev, dev/pts, dev/shm, run (755), the host share; nothing else",
               "exit %u, output '%s'", c->status, o);
        done(c);
    }
    {
        const char *argv[] = { "cat", "/mnt/host/hello.txt", NULL };
        struct chan *c = run_ctx(&t1_alice, NULL, argv, NULL, 0, 20000);
        result(c->exited && c->status == 0 && strcmp(text(&c->out), "hello from the host\n") == 0,
               "t1: bind of the 9p host share", "exit %u, output '%s', stderr '%s'", c->status, text(&c->out),
               text(&c->err));
        done(c);
    }
    {
        struct chan *c = run_until_output(&t1, "cat /run/boot-ran 2>/dev/null");
        result(c->exited && c->status == 0 && strcmp(text(&c->out), "booted\n") == 0,
               "t1: the boot command ran once", "exit %u, /run/boot-ran '%s'", c->status, text(&c->out));
        done(c);
    }
    /* a process in t1 that lives until t1's init is killed */
    const char *sleep_argv[] = { "sleep", "1000", NULL };
    struct chan *a = start_ex(0, 0, 0, sleep_argv, NULL, &t1);
    pump(NULL, NULL, 500);
    {
        const char *argv[] = { "sh", "-c", "cat /proc/1/comm; n=0; for d in /proc/[0-9]*; do n=$((n+1)); "
                               "c=$(cat $d/comm); echo \"$c\"; [ \"$c\" = uvm-agent ] && echo AGENT-VISIBLE; done; echo n=$n",
                               NULL };
        struct chan *c = run_ctx(&t1, NULL, argv, NULL, 0, 20000);
        const char *o = text(&c->out), *n = strstr(o, "n=");
        int count = n ? atoi(n + 2) : 99;
        result(c->exited && c->status == 0 && strncmp(o, "init\n", 5) == 0 && strstr(o, "sleep\n") &&
               !strstr(o, "AGENT-VISIBLE") && count <= 5,
               "t1 processes: PID 1 is the init, only the distribution's processes", "exit %u, output '%s'",
               c->status, o);
        done(c);
    }
    {
        const char *argv[] = { "sh", "-c", "hostname; test -e /t1-only && echo SEES-T1; test -e /t2-only && echo own-files; "
                               "for d in /proc/[0-9]*; do cat $d/comm; done", NULL };
        struct chan *c = run_ctx(&t2, NULL, argv, NULL, 0, 20000);
        const char *o = text(&c->out);
        result(c->exited && c->status == 0 && strncmp(o, "t2-host\nown-files\n", 18) == 0 && !strstr(o, "SEES-T1") &&
               !strstr(o, "sleep"), "t2 sees neither t1's files nor its processes", "exit %u, output '%s'",
               c->status, o);
        done(c);
    }
    {
        const char *argv[] = { "sh", "-c", "tty; stty size; id -un", NULL };
        struct chan *c = start_ex(1, 24, 80, argv, NULL, &t1_alice);
        pump(cond_exited, c, 20000);
        const char *o = text(&c->out);
        result(c->exited && c->status == 0 && strncmp(o, "/dev/pts/", 9) == 0 && strstr(o, "24 80") && strstr(o, "alice"),
               "t1: PTY (tty names /dev/pts/N)", "exit %u, output '%s'", c->status, o);
        done(c);
    }
    for (int sig = 2; sig <= 15; sig += 13) {
        const char *argv[] = { "sleep", "100", NULL };
        struct chan *c = start_ex(0, 0, 0, argv, NULL, &t1);
        pump(NULL, NULL, 500);
        send_u32(T_SIGNAL, c->id, (uint32_t)sig);
        pump(cond_exited, c, 10000);
        char name[64];
        snprintf(name, sizeof name, "t1: SIGNAL %d reaches sleep", sig);
        result(c->exited && c->status == 128u + sig, name, "exit %u", c->status);
        done(c);
    }
    {
        const char *argv[] = { "sh", "-c", "exit 7", NULL };
        const char *argv2[] = { "nonexistent-command", NULL };
        struct chan *c = run_ctx(&t1, NULL, argv, NULL, 0, 20000);
        struct chan *c2 = run_ctx(&t1, NULL, argv2, NULL, 0, 20000);
        result(c->exited && c->status == 7 && c2->exited && c2->status == 127 &&
               strcmp(text(&c2->err), "uvm-agent: nonexistent-command: No such file or directory\n") == 0,
               "t1: exit status, missing command 127", "exit %u; exit %u, stderr '%s'", c->status, c2->status,
               text(&c2->err));
        done(c);
        done(c2);
    }
    {
        struct ctx bob = t1;
        bob.user = "bob";
        const char *argv[] = { "id", NULL };
        struct chan *c = run_ctx(&bob, NULL, argv, NULL, 0, 20000);
        result(c->exited && c->status == 125 && strcmp(text(&c->err), "uvm-agent: unknown user bob in /data/distros/t1\n") == 0,
               "t1: unknown user: exit 125 and the reason", "exit %u, stderr '%s'", c->status, text(&c->err));
        done(c);
    }
    {
        struct ctx nope = t1;
        nope.root = "/data/distros/nope";
        const char *argv[] = { "id", NULL };
        struct chan *c = run_ctx(&nope, NULL, argv, NULL, 0, 20000);
        result(c->exited && c->status == 125 &&
               strcmp(text(&c->err), "uvm-agent: no distribution at /data/distros/nope: No such file or directory\n") == 0,
               "missing root: exit 125 and the reason", "exit %u, stderr '%s'", c->status, text(&c->err));
        done(c);
    }
    {
        struct ctx login = t1_alice;
        login.login = 1;
        const char *argv[] = { "sh", "-l", NULL };
        static const unsigned char script[] = "echo \"0=$0\"; pwd; exit 7\n";
        struct chan *c = run_ctx(&login, NULL, argv, script, sizeof script - 1, 20000);
        result(c->exited && c->status == 7 && strcmp(text(&c->out), "0=-sh\n/home/alice\n") == 0,
               "t1: LOGIN runs alice's login shell", "exit %u, output '%s', stderr '%s'", c->status, text(&c->out),
               text(&c->err));
        done(c);
    }
    {
        struct ctx cwd = t1_alice;
        cwd.cwd = "/tmp";
        const char *env[] = { "HOME=/override", "FOO=bar", NULL };
        const char *argv[] = { "sh", "-c", "pwd; echo $HOME $FOO", NULL };
        struct chan *c = run_ctx(&cwd, env, argv, NULL, 0, 20000);
        cwd.cwd = "/nonexistent";
        struct chan *c2 = run_ctx(&cwd, NULL, argv, NULL, 0, 20000);
        result(c->exited && c->status == 0 && strcmp(text(&c->out), "/tmp\n/override bar\n") == 0 && c2->exited &&
               c2->status == 0 && strcmp(text(&c2->out), "/home/alice\n/home/alice\n") == 0 &&
               strstr(text(&c2->err), "cannot change to /nonexistent"),
               "t1: cwd, environment from the EXEC, a missing cwd", "exit %u '%s'; exit %u '%s' stderr '%s'", c->status,
               text(&c->out), c2->status, text(&c2->out), text(&c2->err));
        done(c);
        done(c2);
    }
    {
        /* EXECs that arrive together for a new distribution all wait for its setup */
        struct chan *cs[8];
        const char *argv[] = { "hostname", NULL };
        for (int i = 0; i < 8; i++) {
            cs[i] = start_ex(0, 0, 0, argv, NULL, &t3);
        }
        int ok = 1;
        for (int i = 0; i < 8; i++) {
            pump(cond_exited, cs[i], 20000);
            ok = ok && cs[i]->exited && cs[i]->status == 0 && strcmp(text(&cs[i]->out), "t3-host\n") == 0;
        }
        result(ok, "t3: 8 EXECs at once while its namespaces are created", "first: exit %u, '%s' '%s'", cs[0]->status,
               text(&cs[0]->out), text(&cs[0]->err));
        for (int i = 0; i < 8; i++) {
            done(cs[i]);
        }
    }
    {
        const char *argv[] = { "sh", "-c", "id -un; pwd; echo $PATH; hostname", NULL };
        struct chan *c = run_ctx(&utility, NULL, argv, NULL, 0, 20000);
        result(c->exited && c->status == 0 &&
               strcmp(text(&c->out), "root\n/root\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nuvm\n") == 0,
               "CONTEXT with an empty root: the utility environment", "exit %u, output '%s'", c->status, text(&c->out));
        done(c);
    }
    {
        /* what the host does to stop a distribution */
        const char *argv[] = { "sh", "-c", "p=$(cat /run/uvm/distros/t1.pid) && echo $p && cat /proc/$p/comm && kill -KILL $p",
                               NULL };
        struct chan *c = run_wait(argv, 10000);
        char old_pid[32] = "";
        sscanf(text(&c->out), "%31s", old_pid);
        pump(cond_exited, a, 10000);
        const char *argv2[] = { "sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do test -e /run/uvm/distros/t1.pid || exit 0; "
                                "sleep 0.2; done; exit 1", NULL };
        struct chan *c2 = run_wait(argv2, 10000);
        result(c->exited && c->status == 0 && strstr(text(&c->out), "\ninit\n") && a->exited && a->status == 137 &&
               c2->exited && c2->status == 0,
               "killing t1's init (pid file) ends its processes; the pid file goes",
               "kill: exit %u '%s' '%s'; sleep in t1: exit %u; pid file removed: %d", c->status, text(&c->out),
               text(&c->err), a->status, c2->status == 0);
        done(c);
        done(c2);
        done(a);
        struct chan *c3 = run_until_output(&t1, "cat /run/boot-ran 2>/dev/null && hostname");
        const char *argv4[] = { "cat", "/run/uvm/distros/t1.pid", NULL };
        struct chan *c4 = run_wait(argv4, 10000);
        char new_pid[32] = "";
        sscanf(text(&c4->out), "%31s", new_pid);
        result(c3->exited && c3->status == 0 && strcmp(text(&c3->out), "booted\nt1-host\n") == 0 && new_pid[0] &&
               strcmp(old_pid, new_pid) != 0, "t1 again: new namespaces, boot command ran again",
               "exit %u, output '%s', init pid %s then %s", c3->status, text(&c3->out), old_pid, new_pid);
        done(c3);
        done(c4);
    }
    {
        /* export/import round trip with xattrs, a device node, links, owners and setuid */
        const char *argv[] = { "sh", "-c", "mkdir -p /data/xt && exec gtar -x -p --xattrs --xattrs-include='*' "
                               "--numeric-owner -f - -C /data/xt", NULL };
        struct chan *c = run_ctx(NULL, NULL, argv, x_tar, x_len, 60000);
        const char *argv2[] = { "gtar", "-c", "--xattrs", "--numeric-owner", "--sort=name", "-f", "-", "-C", "/data/xt", ".",
                                NULL };
        struct chan *c2 = run_ctx(NULL, NULL, argv2, NULL, 0, 60000);
        char path[4096];
        snprintf(path, sizeof path, "%s/xattr-back.tar", dir);
        FILE *f = fopen(path, "wb");
        int written = f && fwrite(c2->out.p ? c2->out.p : (unsigned char *)"", 1, c2->out.len, f) == c2->out.len;
        if (f) {
            fclose(f);
        }
        result(c->exited && c->status == 0 && c2->exited && c2->status == 0 && c2->out.len > 0 && written,
               "gtar extract and re-create (compared by smoke.sh)", "extract exit %u '%s'; create exit %u, %zu bytes '%s'",
               c->status, text(&c->err), c2->status, c2->out.len, text(&c2->err));
        done(c);
        done(c2);
    }
    {
        /* left for the next boot: one file synced by the distribution, one only written */
        const char *argv[] = { "sh", "-c", "echo synced >/persist-synced && sync && echo unsynced >/persist-unsynced", NULL };
        struct chan *c = run_ctx(&t1, NULL, argv, NULL, 0, 20000);
        result(c->exited && c->status == 0, "t1: files written for the next boot", "exit %u, stderr '%s'", c->status,
               text(&c->err));
        done(c);
    }
    start_ex(0, 0, 0, sleep_argv, NULL, &t2); /* still running at POWEROFF */
    pump(NULL, NULL, 300);
    send_frame(T_POWEROFF, 0, NULL, 0);
    pump(cond_flushed, NULL, 5000);
    int64_t t = now_ms();
    result(pump(cond_closed, NULL, 20000), "poweroff closes the port", "after %lld ms", (long long)(now_ms() - t));
    printf("%d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}

/* ------------------------------------------------------------------ run */

static int run(int argc, char **argv)
{
    int pty = 0, in = 0, i = 0, has_ctx = 0, nenv = 0;
    struct ctx x = { 0 };
    const char *env[64];
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *o = argv[i];
        const char **slot = NULL;
        if (strcmp(o, "-t") == 0) pty = 1;
        else if (strcmp(o, "-i") == 0) in = 1;
        else if (strcmp(o, "-l") == 0) { x.login = 1; has_ctx = 1; }
        else if (strcmp(o, "-r") == 0) slot = &x.root;
        else if (strcmp(o, "-H") == 0) slot = &x.hostname;
        else if (strcmp(o, "-u") == 0) slot = &x.user;
        else if (strcmp(o, "-d") == 0) slot = &x.cwd;
        else if (strcmp(o, "-b") == 0) slot = &x.binds;
        else if (strcmp(o, "-B") == 0) slot = &x.boot;
        else if (strcmp(o, "-e") == 0 && i + 1 < argc && nenv < 63) { env[nenv++] = argv[++i]; continue; }
        else if (strcmp(o, "--") == 0) { i++; break; }
        else { fprintf(stderr, "agentctl: unknown option %s\n", o); return 2; }
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "agentctl: %s needs a value\n", o);
                return 2;
            }
            *slot = argv[++i];
            has_ctx = 1;
        }
    }
    env[nenv] = NULL;
    if (i >= argc) {
        fprintf(stderr, "agentctl: run needs a command\n");
        return 2;
    }
    struct chan *c = start_ex(pty, pty ? 24 : 0, pty ? 80 : 0, (const char *const *)argv + i, env,
                              has_ctx ? &x : NULL);
    c->passthrough = 1;
    if (!in) {
        send_frame(T_STDIN, c->id, NULL, 0);
    }
    unsigned char *ibuf = malloc(MAX_PAYLOAD);
    int in_open = in;
    while (!c->exited && !closed_seen) {
        /* forward our stdin as credit allows */
        if (in_open && c->credit > 0) {
            struct pollfd pf = { .fd = 0, .events = POLLIN };
            if (poll(&pf, 1, 0) > 0) {
                size_t want = c->credit < MAX_PAYLOAD ? c->credit : MAX_PAYLOAD;
                ssize_t n = read(0, ibuf, want);
                if (n > 0) {
                    send_frame(T_STDIN, c->id, ibuf, n);
                    c->credit -= n;
                } else {
                    send_frame(T_STDIN, c->id, NULL, 0);
                    in_open = 0;
                }
            }
        }
        pump(NULL, NULL, in_open ? 5 : 100);
    }
    free(ibuf);
    if (!c->exited) {
        fprintf(stderr, "agentctl: connection closed before the command exited\n");
        return 255;
    }
    return (int)c->status;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: agentctl SOCKET|vsock-listen:PORT ready|run|stats|ping|poweroff|smoke ...\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    const char *cmd = argv[2];
    int timeout = 60000;
    if ((strcmp(cmd, "ready") == 0 || strcmp(cmd, "ready-poweroff") == 0) && argc > 3) {
        timeout = atoi(argv[3]) * 1000;
    }
    connect_sock(argv[1], timeout);
    wait_ready(timeout);
    if (strcmp(cmd, "ready") == 0) {
        printf("%s\n", ready_text);
        return 0;
    }
    if (strcmp(cmd, "smoke") == 0) {
        return smoke();
    }
    if (strcmp(cmd, "distro-smoke") == 0 && argc > 3) {
        return distro_smoke(argv[3]);
    }
    if (strcmp(cmd, "run") == 0) {
        return run(argc - 3, argv + 3);
    }
    if (strcmp(cmd, "stats") == 0) {
        int want = 1;
        send_frame(T_STATS_REQ, 0, NULL, 0);
        if (!pump(cond_stats, &want, 10000)) return 1;
        fwrite(last_stats.p, 1, last_stats.len, stdout);
        return 0;
    }
    if (strcmp(cmd, "ping") == 0) {
        int want = 1;
        int64_t t = now_ms();
        send_frame(T_PING, 0, "ping", 4);
        if (!pump(cond_pong, &want, 10000)) return 1;
        printf("pong after %lld ms\n", (long long)(now_ms() - t));
        return 0;
    }
    if (strcmp(cmd, "ready-poweroff") == 0) {
        /* one connection: READY, then POWEROFF (for boot time measurements) */
        printf("%s\n", ready_text);
        fflush(stdout);
        send_frame(T_POWEROFF, 0, NULL, 0);
        pump(cond_flushed, NULL, 5000);
        return pump(cond_closed, NULL, 15000) ? 0 : 1;
    }
    if (strcmp(cmd, "poweroff") == 0) {
        send_frame(T_POWEROFF, 0, NULL, 0);
        pump(cond_flushed, NULL, 5000);
        return pump(cond_closed, NULL, 15000) ? 0 : 1;
    }
    fprintf(stderr, "agentctl: unknown command %s\n", cmd);
    return 2;
}
