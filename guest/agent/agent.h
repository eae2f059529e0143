/*
 * What the two parts of uvm-agent share: uvm-agent.c (the poll() loop, the protocol, channels)
 * and distro.c (EXEC in a distribution's namespaces, the data disk at POWEROFF).
 */
#ifndef UVM_AGENT_H
#define UVM_AGENT_H

#include <stddef.h>
#include <sys/types.h>

/* EXEC flags (the payload's first byte) */
#define EXEC_PTY 0x01     /* stdin/stdout/stderr on a PTY */
#define EXEC_CONTEXT 0x02 /* six strings after argv and env: see struct exec_context */
#define EXEC_LOGIN 0x04   /* with EXEC_CONTEXT: the user's login shell instead of argv */
#define EXEC_KEEP_STRAYS 0x08 /* no session cgroup: what the process starts outlives it (jobs) */

/* The strings an EXEC with EXEC_CONTEXT carries after argv and env (pointers into the frame,
 * each NUL-terminated, "" when not given). */
struct exec_context {
    const char *root;     /* absolute path of the distribution's root; "" = utility environment */
    const char *hostname; /* host name of the distribution, set when its namespaces are created */
    const char *user;     /* user name; "" = root */
    const char *cwd;      /* working directory; "" = the user's home directory, else / */
    const char *binds;    /* "SRC=DST" lines: bind mounts made when the namespaces are created */
    const char *boot;     /* run once with /bin/sh -c, as root, when the namespaces are created */
};

struct distro; /* a distribution whose namespaces exist (distro.c) */

/* uvm-agent.c */
extern int verbose;                 /* uvm.debug: progress on the console */
extern char *agent_cmdline;         /* our argv strings, so that a distribution's init can rename itself */
extern size_t agent_cmdline_len;
void console(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define debug(...) do { if (verbose) console(__VA_ARGS__); } while (0)
/* base[] and then extra[] ("KEY=VALUE"; a later entry replaces an earlier one with the same
 * key), NULL-terminated, in a new array. NULL when out of memory. */
char **env_merge(const char *const *base, size_t nbase, char *const *extra, size_t nextra);
/* In a channel's process: exec file (looked up in PATH) with argv; when that fails, the error
 * goes to stderr and report_fd and the process exits 127 (not found) or 126. */
void exec_command(const char *file, char **argv, char **envp, int report_fd) __attribute__((noreturn));

/* distro.c, in the agent (the main loop; nothing here blocks) */

/* The distribution at ctx->root, its namespaces created now when they do not exist (or their
 * init has exited). NULL with a reason in err when the root is missing or cannot be used. */
struct distro *distro_get(const struct exec_context *ctx, char *err, size_t errlen);
/* Called for every reaped child: 1 when it was a distribution's init (then forgotten). */
int distro_reaped(pid_t pid, int status);
/* POWEROFF, after every process is gone: trims and unmounts the data disk at /data. */
void data_disk_release(void);

/* distro.c, in a channel's process (forked, stdio set up): runs argv (or the login shell) with
 * the context's user, directory and environment, inside the distribution d when ctx->root is
 * set (d NULL: fails with err). Never returns; failures before exec exit 125. */
void exec_in_context(const struct exec_context *ctx, const struct distro *d, const char *err, int login,
                     char **argv, char *const *env, size_t nenv, int report_fd) __attribute__((noreturn));

#endif
