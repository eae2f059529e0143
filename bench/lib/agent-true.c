/*
 * agent-true: the guest side of one raw boot, on one agent connection: wait for READY, run
 * `true`, then POWEROFF and wait until QEMU closes the socket (it exits). Built from
 * guest/test/agentctl.c, whose protocol code it reuses (agentctl itself opens a new connection
 * per command, and a second connection to a running agent can cost a second of READY wait).
 *
 *   agent-true SOCKET [TIMEOUT_S [LOOPS]]
 *
 * Prints "ready_ms N" (with AGENTCTL_T0_NS set, as agentctl does), the READY text, and
 * "exit_ms N": time from the start of the boot to the EXIT of `true`. With LOOPS, `true` then
 * runs LOOPS more times, one after another on fresh channels, each printed as "exec_us N" (EXEC
 * sent to EXIT received): the agent's own round trip, without any daemon. Exits 0 when `true`
 * exited 0 and the VM powered off.
 */
#define main agentctl_main
#include "../../guest/test/agentctl.c"
#undef main

static long long since_t0_ms(void)
{
    const char *t0 = getenv("AGENTCTL_T0_NS");
    struct timespec ts;
    if (!t0) {
        return -1;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((long long)ts.tv_sec * 1000000000LL + ts.tv_nsec - atoll(t0)) / 1000000;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: agent-true SOCKET [TIMEOUT_S]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int timeout = (argc > 2 ? atoi(argv[2]) : 60) * 1000;
    connect_sock(argv[1], timeout);
    wait_ready(timeout);
    printf("%s\n", ready_text);
    const char *cmd[] = { "true", NULL };
    struct chan *c = start(0, 0, 0, cmd);
    send_frame(T_STDIN, c->id, NULL, 0);
    if (!pump(cond_exited, c, 30000)) {
        fprintf(stderr, "agent-true: `true` did not exit within 30 s\n");
        return 1;
    }
    printf("exit_ms %lld\n", since_t0_ms());
    int loops = argc > 3 ? atoi(argv[3]) : 0;
    for (int i = 0; i < loops; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        struct chan *l = start(0, 0, 0, cmd);
        send_frame(T_STDIN, l->id, NULL, 0);
        if (!pump(cond_exited, l, 30000) || l->status != 0) {
            fprintf(stderr, "agent-true: loop %d: `true` did not exit 0 within 30 s\n", i);
            return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        printf("exec_us %lld\n", (long long)(b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000);
        l->used = 0;
    }
    fflush(stdout);
    send_frame(T_POWEROFF, 0, NULL, 0);
    pump(cond_flushed, NULL, 5000);
    if (!pump(cond_closed, NULL, 15000)) {
        fprintf(stderr, "agent-true: the VM did not power off within 15 s\n");
        return 1;
    }
    return c->status == 0 ? 0 : 1;
}
