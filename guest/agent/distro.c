/*
 * Distributions: EXEC in a distribution's own namespaces, and the data disk at POWEROFF.
 *
 * A distribution is a root file system in a directory of the data disk (/data/distros/NAME).
 * The first EXEC naming its root creates its namespaces (mount, PID, UTS, IPC): the agent
 * clones itself into a new PID namespace, and the clone, PID 1 there, sets up the mounts,
 * moves the distribution's root over / and enters it, sets the host name, starts the boot
 * command and from then on only reaps orphans. It lives until it is killed (the host does so
 * through its pid file before deleting a distribution) or the VM powers off; PID namespace
 * semantics end every process of the distribution with it. The agent reaps it (it is the
 * agent's child) and the next EXEC creates the namespaces again.
 *
 * An EXEC into the distribution: the channel's process (forked by the agent, stdio and PTY set
 * up as for any channel) waits until the init has finished its setup, enters the init's
 * namespaces with setns() and forks once more, so that the command runs inside the PID
 * namespace. The process it forks from stays outside as the channel's process: it ignores
 * every signal it can, waits for the command and exits with the command's status, so exit
 * reporting, SIGNAL (sent to the process group, which the command shares) and the PTY behave
 * as for any other channel.
 *
 * Readiness: the init holds one end of a socket pair, the agent the other. The init closes its
 * end when its setup is done, or first writes why it failed. Any number of channel processes
 * wait on (a copy of) the agent's end at once and only peek, so each sees the same outcome:
 * end of file = ready, text = the reason. Nothing of this blocks the agent's loop.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* From <linux/fs.h>, which does not mix with <sys/mount.h>. */
struct fstrim_range {
    uint64_t start, len, minlen;
};
#ifndef FITRIM
#define FITRIM _IOWR('X', 121, struct fstrim_range)
#endif

#define DISTRO_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define PID_DIR "/run/uvm/distros" /* NAME.pid: the init's PID while it lives */
#define DATA_DIR "/data"
#define READY_TIMEOUT_MS 30000 /* a channel waits this long for a new distribution's setup */
#define MAX_BINDS 32

struct distro {
    struct distro *next;
    char root[PATH_MAX]; /* absolute, without trailing slashes: the key */
    const char *name;    /* basename of root: names the pid file */
    pid_t pid;           /* the init, as the agent sees it */
    int pidfd;           /* the init's pidfd (setns() without a PID reuse race), -1 if none */
    int ready_fd;        /* our end of the readiness socket pair */
};

static struct distro *distros;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Closes every descriptor above 2 but those in keep[] (negative entries are ignored): for
 * processes of the agent that live on without exec (a distribution's init, a channel's
 * process that waits for its command), which would otherwise hold the agent's port, pipes
 * and PTYs open. */
static void close_fds_except(const int *keep, size_t n)
{
    int k[8];
    size_t m = 0;
    for (size_t i = 0; i < n && m < sizeof k / sizeof *k; i++) {
        if (keep[i] > 2) {
            size_t j = m++;
            for (; j > 0 && k[j - 1] > keep[i]; j--) {
                k[j] = k[j - 1];
            }
            k[j] = keep[i];
        }
    }
    unsigned int from = 3;
    int ok = 1;
    for (size_t i = 0; i < m && ok; i++) {
        if ((unsigned int)k[i] > from) {
            ok = syscall(SYS_close_range, from, (unsigned int)k[i] - 1, 0) == 0;
        }
        if ((unsigned int)k[i] >= from) {
            from = (unsigned int)k[i] + 1;
        }
    }
    if (ok && syscall(SYS_close_range, from, ~0u, 0) == 0) {
        return;
    }
    /* without close_range (Linux < 5.9): what /proc/self/fd lists */
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        int fd = atoi(e->d_name);
        int kept = e->d_name[0] == '.' || fd <= 2 || fd == dirfd(dir);
        for (size_t i = 0; i < m && !kept; i++) {
            kept = fd == k[i];
        }
        if (!kept) {
            close(fd);
        }
    }
    closedir(dir);
}

/* ------------------------------------------------------------------ the agent's side */

static void pid_file_path(const struct distro *d, char *path, size_t size)
{
    snprintf(path, size, PID_DIR "/%s.pid", d->name);
}

static void write_pid_file(const struct distro *d)
{
    char path[PATH_MAX], tmp[PATH_MAX + 8], text[32];
    mkdir("/run/uvm", 0755);
    mkdir(PID_DIR, 0755);
    pid_file_path(d, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.new", path);
    int n = snprintf(text, sizeof text, "%d\n", (int)d->pid);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, text, n) != n || close(fd) < 0 || rename(tmp, path) < 0) {
        console("distribution %s: cannot write %s: %s", d->name, path, strerror(errno));
        if (fd >= 0) {
            unlink(tmp);
        }
    }
}

/* Drops the distribution whose init has exited (status from waitpid). */
static void distro_forget(struct distro **link, int status)
{
    struct distro *d = *link;
    char path[PATH_MAX];
    pid_file_path(d, path, sizeof path);
    unlink(path);
    if (WIFSIGNALED(status)) {
        debug("distribution %s: init %d killed by signal %d", d->name, (int)d->pid, WTERMSIG(status));
    } else {
        debug("distribution %s: init %d exited with status %d", d->name, (int)d->pid, WEXITSTATUS(status));
    }
    if (d->pidfd >= 0) {
        close(d->pidfd);
    }
    close(d->ready_fd);
    *link = d->next;
    free(d);
}

int distro_reaped(pid_t pid, int status)
{
    for (struct distro **link = &distros; *link; link = &(*link)->next) {
        if ((*link)->pid == pid) {
            distro_forget(link, status);
            return 1;
        }
    }
    return 0;
}

/* Copies root without trailing slashes; -1 unless it is an absolute path other than / with
 * no empty, . or .. components (one spelling per distribution). */
static int normalize_root(const char *root, char *out, size_t size)
{
    size_t len = strlen(root);
    while (len > 1 && root[len - 1] == '/') {
        len--;
    }
    if (root[0] != '/' || len <= 1 || len >= size) {
        return -1;
    }
    memcpy(out, root, len);
    out[len] = 0;
    for (const char *c = out; *c;) {
        const char *next = strchr(c + 1, '/');
        size_t clen = (next ? (size_t)(next - c) : strlen(c)) - 1;
        if (clen == 0 || (clen == 1 && c[1] == '.') || (clen == 2 && c[1] == '.' && c[2] == '.')) {
            return -1;
        }
        c = next ? next : c + clen + 1;
    }
    return 0;
}

static void distro_init(struct distro *d, const struct exec_context *ctx, int sock) __attribute__((noreturn));

static struct distro *distro_create(const char *root, const struct exec_context *ctx, char *err, size_t errlen)
{
    struct distro *d = calloc(1, sizeof *d);
    int sv[2];
    if (!d) {
        snprintf(err, errlen, "cannot create the namespaces of %s: out of memory", root);
        return NULL;
    }
    snprintf(d->root, sizeof d->root, "%s", root);
    d->name = strrchr(d->root, '/') + 1;
    d->pidfd = d->ready_fd = -1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        snprintf(err, errlen, "cannot create the namespaces of %s: socketpair: %s", root, strerror(errno));
        free(d);
        return NULL;
    }
    /* clone() without a stack of its own works like fork(); it is the way to be PID 1 of a new
     * PID namespace and still our child. The child uses no libc state tied to the thread id
     * (raise, pthreads), which a raw clone leaves as the parent's. */
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD,
                               NULL, NULL, NULL, 0);
    if (pid < 0) {
        snprintf(err, errlen, "cannot create the namespaces of %s: clone: %s", root, strerror(errno));
        close(sv[0]);
        close(sv[1]);
        free(d);
        return NULL;
    }
    if (pid == 0) {
        distro_init(d, ctx, sv[1]);
    }
    close(sv[1]);
    d->pid = pid;
    d->ready_fd = sv[0];
    d->pidfd = (int)syscall(SYS_pidfd_open, pid, 0); /* close-on-exec by default */
    write_pid_file(d);
    d->next = distros;
    distros = d;
    debug("distribution %s: namespaces created, init pid %d", d->name, (int)pid);
    return d;
}

struct distro *distro_get(const struct exec_context *ctx, char *err, size_t errlen)
{
    char root[PATH_MAX];
    if (normalize_root(ctx->root, root, sizeof root) < 0) {
        snprintf(err, errlen, "distribution root '%s' is not an absolute path below /", ctx->root);
        return NULL;
    }
    for (struct distro **link = &distros; *link; link = &(*link)->next) {
        if (strcmp((*link)->root, root) == 0) {
            int st = 0;
            pid_t r = waitpid((*link)->pid, &st, WNOHANG);
            if (r == 0) {
                return *link;
            }
            /* its init has exited and the loop has not reaped it yet: start afresh */
            distro_forget(link, st);
            break;
        }
    }
    struct stat sb;
    int r = stat(root, &sb);
    if (r < 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "no distribution at %s: %s", root, strerror(r < 0 ? errno : ENOTDIR));
        return NULL;
    }
    return distro_create(root, ctx, err, errlen);
}

/* ------------------------------------------------------------------ the distribution's init */

static void init_fail(const struct distro *d, int sock, const char *what, int err) __attribute__((noreturn));
static void init_fail(const struct distro *d, int sock, const char *what, int err)
{
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "cannot create the namespaces of %s: %s%s%s", d->root, what,
                     err ? ": " : "", err ? strerror(err) : "");
    if (n >= (int)sizeof msg) {
        n = sizeof msg - 1;
    }
    ssize_t r = send(sock, msg, n, MSG_NOSIGNAL);
    (void)r;
    console("%s", msg);
    _exit(125);
}

/* mkdir -p of path's parents, and of path itself unless it is to be a file. */
static void make_path(const char *path, int last_is_dir)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    if (last_is_dir) {
        mkdir(buf, 0755);
    } else {
        int fd = open(buf, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd >= 0) {
            close(fd);
        }
    }
}

/* Mounts over a mount point inside the new root, creating it when missing. */
static void mount_at(const struct distro *d, int sock, const char *src, const char *dst, const char *type,
                     unsigned long flags, const char *data, int is_dir)
{
    char what[PATH_MAX + 64];
    make_path(dst, is_dir);
    if (mount(src, dst, type, flags, data) < 0) {
        snprintf(what, sizeof what, "mount %s on %s", type ? type : src, dst);
        init_fail(d, sock, what, errno);
    }
}

static void start_boot(const struct distro *d, const char *boot, int sock)
{
    pid_t pid = fork();
    if (pid < 0) {
        console("distribution %s: cannot start the boot command: %s", d->name, strerror(errno));
        return;
    }
    if (pid > 0) {
        debug("distribution %s: boot command started, pid %d in the distribution", d->name, (int)pid);
        return;
    }
    close(sock);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setsid();
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        if (!verbose) {
            dup2(null, 2); /* with uvm.debug its errors go to the console */
        }
        if (null > 2) {
            close(null);
        }
    }
    char *env[] = { DISTRO_PATH, "HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/sh", "TERM=linux", NULL };
    execle("/bin/sh", "sh", "-c", boot, (char *)NULL, env);
    console("distribution %s: boot command: /bin/sh: %s", d->name, strerror(errno));
    _exit(127);
}

/* The clone: PID 1 of the distribution's new PID namespace, in new mount, UTS and IPC
 * namespaces. Sets them up, reports through sock, then reaps orphans forever. */
static void distro_init(struct distro *d, const struct exec_context *ctx, int sock)
{
    int keep[] = { sock };
    close_fds_except(keep, 1); /* 0-2 stay: the console */
    prctl(PR_SET_NAME, "init", 0, 0, 0);
    if (agent_cmdline && agent_cmdline_len > 4) {
        memset(agent_cmdline, 0, agent_cmdline_len);
        memcpy(agent_cmdline, "init", 4); /* what ps shows inside */
    }

    /* The sources of bind mounts are paths of the utility environment: they are opened
     * before the root changes and mounted from /proc/self/fd afterwards, so that the mount
     * points (the distribution's own files, symlinks maybe) are resolved inside its root. */
    struct { int fd; int is_dir; char *dst; } binds[MAX_BINDS];
    size_t nbinds = 0;
    char *list = strdup(ctx->binds);
    if (!list) {
        init_fail(d, sock, "out of memory", 0);
    }
    char *save = NULL;
    for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        char what[PATH_MAX + 64];
        if (!eq || line[0] != '/' || eq[1] != '/') {
            snprintf(what, sizeof what, "malformed bind '%s' (SRC=DST, both absolute)", line);
            init_fail(d, sock, what, 0);
        }
        if (nbinds == MAX_BINDS) {
            init_fail(d, sock, "too many binds", 0);
        }
        *eq = 0;
        int fd = open(line, O_PATH | O_CLOEXEC);
        struct stat sb;
        if (fd < 0 || fstat(fd, &sb) < 0) {
            /* e.g. no host share in this VM: the distribution still starts */
            console("distribution %s: bind source %s: %s; not mounted", d->name, line, strerror(errno));
            if (fd >= 0) {
                close(fd);
            }
            continue;
        }
        binds[nbinds].fd = fd;
        binds[nbinds].is_dir = S_ISDIR(sb.st_mode);
        binds[nbinds++].dst = eq + 1;
    }
    int dev_fd = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dev_fd < 0) {
        init_fail(d, sock, "open /dev", errno);
    }

    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
        init_fail(d, sock, "making the mounts private", errno);
    }
    if (mount(d->root, d->root, NULL, MS_BIND | MS_REC, NULL) < 0) {
        init_fail(d, sock, "bind mount of the root onto itself", errno);
    }
    /* pivot_root(2) refuses the initramfs (rootfs) as the old root, so this is what
     * switch_root does: move the new root over / and chroot into it. The old root's mounts
     * stay beneath, out of reach (and out of /proc/self/mountinfo); setns() into this mount
     * namespace lands on the moved root. */
    if (chdir(d->root) < 0) {
        init_fail(d, sock, "chdir to the root", errno);
    }
    if (mount(".", "/", NULL, MS_MOVE, NULL) < 0) {
        init_fail(d, sock, "moving the root onto /", errno);
    }
    if (chroot(".") < 0 || chdir("/") < 0) {
        init_fail(d, sock, "chroot", errno);
    }
    mount_at(d, sock, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 1);
    mount_at(d, sock, "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 1);
    char src[64];
    snprintf(src, sizeof src, "/proc/self/fd/%d", dev_fd);
    mount_at(d, sock, src, "/dev", NULL, MS_BIND | MS_REC, NULL, 1);
    close(dev_fd);
    /* /dev is the utility environment's (one set of PTYs); POSIX shared memory is not */
    mount_at(d, sock, "tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", 1);
    mount_at(d, sock, "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755", 1);
    for (size_t i = 0; i < nbinds; i++) {
        snprintf(src, sizeof src, "/proc/self/fd/%d", binds[i].fd);
        mount_at(d, sock, src, binds[i].dst, NULL, MS_BIND | MS_REC, NULL, binds[i].is_dir);
        close(binds[i].fd);
    }
    free(list);
    if (ctx->hostname[0] && sethostname(ctx->hostname, strlen(ctx->hostname)) < 0) {
        init_fail(d, sock, "sethostname", errno);
    }

    /* PID 1: the kernel already drops signals without a handler sent from inside the
     * namespace; these are ignored from outside too. SIGKILL from outside ends it all. */
    for (int sig = 1; sig < NSIG; sig++) {
        signal(sig, SIG_DFL);
    }
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_SETMASK, &chld, NULL);
    if (ctx->boot[0]) {
        start_boot(d, ctx->boot, sock);
    }
    close(sock); /* ready */

    for (;;) {
        if (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR) {
            continue;
        }
        /* no children: wait until a process is orphaned to us and exits */
        sigwaitinfo(&chld, NULL);
    }
}

/* ------------------------------------------------------------------ a channel's process */

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    int n = snprintf(msg, sizeof msg, "uvm-agent: ");
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - n - 1, fmt, ap);
    va_end(ap);
    size_t len = strlen(msg);
    msg[len++] = '\n';
    ssize_t r = write(2, msg, len);
    (void)r;
    _exit(125);
}

/* Waits until the distribution's init is set up, then enters its namespaces. */
static void join_distro(const struct distro *d, int report_fd)
{
    int keep[] = { report_fd, d->ready_fd, d->pidfd };
    close_fds_except(keep, 3); /* this process lives on while the command runs */
    struct pollfd pf = { .fd = d->ready_fd, .events = POLLIN };
    int64_t deadline = mono_ms() + READY_TIMEOUT_MS;
    int r;
    do {
        int64_t left = deadline - mono_ms();
        r = poll(&pf, 1, left > 0 ? (int)left : 0);
    } while (r < 0 && errno == EINTR);
    if (r == 0) {
        fail("%s: timed out waiting for the distribution's namespaces", d->root);
    }
    char msg[512];
    ssize_t n = recv(d->ready_fd, msg, sizeof msg - 1, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) {
        msg[n] = 0;
        fail("%s", msg);
    }
    if (n < 0) {
        fail("%s: waiting for the distribution's namespaces: %s", d->root, strerror(errno));
    }
    if (d->pidfd < 0 || setns(d->pidfd, CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID) < 0) {
        if (d->pidfd >= 0 && errno != EINVAL) {
            fail("cannot enter %s: %s", d->root, errno == ESRCH ? "its init has exited" : strerror(errno));
        }
        /* no pidfd (or a kernel before 5.8): through /proc, the mount namespace last */
        static const char *const ns[] = { "ipc", "uts", "pid", "mnt" };
        int fds[4];
        for (int i = 0; i < 4; i++) {
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)d->pid, ns[i]);
            fds[i] = open(path, O_RDONLY | O_CLOEXEC);
            if (fds[i] < 0) {
                fail("cannot enter %s: %s: %s", d->root, path, strerror(errno));
            }
        }
        for (int i = 0; i < 4; i++) {
            if (setns(fds[i], 0) < 0) {
                fail("cannot enter %s: setns %s: %s", d->root, ns[i], strerror(errno));
            }
            close(fds[i]);
        }
    }
    close(d->ready_fd);
    if (d->pidfd >= 0) {
        close(d->pidfd);
    }
}

/* Forks the command into the PID namespace just entered. Returns in the command; this process
 * waits for it and exits with its status (128+N when killed by signal N). */
static void fork_command(int report_fd)
{
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &all, NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fail("cannot start a process in the distribution: %s",
             errno == ENOMEM ? "its init has exited" : strerror(errno));
    }
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &none, NULL);
        return;
    }
    /* A signal sent to the process group just before the fork is pending here only: it is
     * the command's. Ignoring a signal drops it if pending, so it is passed on first. */
    sigset_t pending;
    sigpending(&pending);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGCHLD && sig != SIGKILL && sig != SIGSTOP) {
            if (sigismember(&pending, sig) == 1) {
                kill(pid, sig);
            }
            signal(sig, SIG_IGN);
        }
    }
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* the command holds stdin/stdout/stderr (and the exec report) alone, so that their ends
     * close when it closes them */
    close(report_fd);
    close(0);
    close(1);
    close(2);
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            _exit(125);
        }
    }
    _exit(WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255);
}

static char *cat(const char *a, const char *b)
{
    char *s = malloc(strlen(a) + strlen(b) + 1);
    if (!s) {
        fail("out of memory");
    }
    return strcat(strcpy(s, a), b);
}

void exec_in_context(const struct exec_context *ctx, const struct distro *d, const char *err, int login,
                     char **argv, char *const *env, size_t nenv, int report_fd)
{
    if (ctx->root[0]) {
        if (!d) {
            fail("%s", err);
        }
        join_distro(d, report_fd);
    }

    /* The user, from the distribution's /etc/passwd now that its root is ours (musl reads the
     * files itself). */
    struct passwd *pw;
    if (ctx->user[0]) {
        pw = getpwnam(ctx->user);
        if (!pw) {
            fail("unknown user %s%s%s", ctx->user, d ? " in " : "", d ? d->root : "");
        }
    } else {
        pw = getpwuid(0);
    }
    const char *name = pw ? pw->pw_name : "root";
    uid_t uid = pw ? pw->pw_uid : 0;
    gid_t gid = pw ? pw->pw_gid : 0;
    char *home = cat(pw && pw->pw_dir && pw->pw_dir[0] ? pw->pw_dir : "/", "");
    char *shell = cat(pw && pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh", "");
    name = cat(name, "");

    const char *base[] = { DISTRO_PATH, cat("HOME=", home), cat("USER=", name), cat("LOGNAME=", name),
                           cat("SHELL=", shell), "TERM=linux" };
    char **envp = env_merge(base, sizeof base / sizeof *base, env, nenv);
    if (!envp) {
        fail("out of memory");
    }
    const char *file = argv[0];
    char *login_argv[2];
    if (login) {
        const char *slash = strrchr(shell, '/');
        login_argv[0] = cat("-", slash ? slash + 1 : shell);
        login_argv[1] = NULL;
        argv = login_argv;
        file = shell;
    }

    if (d) {
        fork_command(report_fd);
    }
    if (initgroups(name, gid) < 0 && setgroups(1, &gid) < 0) {
        fail("cannot set the groups of %s: %s", name, strerror(errno));
    }
    if (setgid(gid) < 0 || setuid(uid) < 0) {
        fail("cannot switch to user %s: %s", name, strerror(errno));
    }
    if (chdir(ctx->cwd[0] ? ctx->cwd : home) < 0) {
        if (ctx->cwd[0]) {
            char msg[PATH_MAX + 128];
            int n = snprintf(msg, sizeof msg, "uvm-agent: cannot change to %s: %s; using %s\n", ctx->cwd,
                             strerror(errno), home);
            ssize_t r = write(2, msg, n < (int)sizeof msg ? (size_t)n : sizeof msg - 1);
            (void)r;
        }
        if (!ctx->cwd[0] || chdir(home) < 0) {
            int r = chdir("/");
            (void)r;
        }
    }
    environ = envp; /* execvpe looks the command up in the caller's PATH: the distribution's */
    exec_command(file, argv, envp, report_fd);
}

/* ------------------------------------------------------------------ POWEROFF */

void data_disk_release(void)
{
    struct stat data, top;
    if (stat(DATA_DIR, &data) < 0 || stat("/", &top) < 0 || data.st_dev == top.st_dev) {
        debug("no data disk at " DATA_DIR);
        return;
    }
    /* hand the free blocks back to the host's sparse file (online discard misses blocks freed
     * before the mount or by a file system that was not mounted with it) */
    int fd = open(DATA_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        struct fstrim_range range = { .start = 0, .len = UINT64_MAX, .minlen = 0 };
        int64_t t = mono_ms();
        if (ioctl(fd, FITRIM, &range) == 0) {
            debug("data disk: FITRIM trimmed %llu bytes in %lld ms", (unsigned long long)range.len,
                  (long long)(mono_ms() - t));
        } else {
            debug("data disk: FITRIM: %s", strerror(errno));
        }
        close(fd);
    }
    if (umount2(DATA_DIR, 0) == 0) {
        debug("data disk: " DATA_DIR " unmounted");
        return;
    }
    int e = errno;
    if (mount(NULL, DATA_DIR, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0) {
        debug("data disk: cannot unmount " DATA_DIR " (%s); remounted read-only", strerror(e));
    } else {
        console("data disk: cannot unmount " DATA_DIR " (%s) nor remount it read-only (%s)", strerror(e),
                strerror(errno));
    }
}
