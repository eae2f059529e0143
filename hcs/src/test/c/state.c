/*
 * Registries, the worker thread, and callback delivery of the computecore double.
 *
 * Concurrency: one global mutex guards every structure. All asynchronous work (completing
 * operations, system state changes requested through operations, events) runs on a single
 * worker thread, which releases the mutex while it calls into the client, so callbacks may call
 * back into the API (HcsGetOperationResult, HcsCloseOperation). A system handle or operation is
 * never freed while one of its callbacks is running: close waits for the callback (system) or
 * defers the free until the callback returns (operation).
 */
#include "double.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t g_changed;
struct vm *g_vms;
struct sys_handle *g_handles;
struct op *g_ops;
int g_outstanding;
int g_violations;
uint32_t g_delay_ms = 5;
int g_ignore_shutdown;

struct task {
    struct task *next;
    uint64_t due_ns;
    enum task_kind kind;
    struct op *op;
    struct vm *vm;
};

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static pthread_cond_t g_work;
static pthread_t g_worker;
static struct task *g_tasks;
static int g_worker_busy;

static void *worker_main(void *unused);

static void init_once(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&g_changed, &attr);
    pthread_cond_init(&g_work, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&g_worker, NULL, worker_main, NULL) != 0) {
        fputs("computecore double: cannot start the worker thread\n", stderr);
        abort();
    }
    pthread_detach(g_worker);
}

void dbl_init(void)
{
    pthread_once(&g_once, init_once);
}

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t deadline_after_ms(uint32_t timeout_ms)
{
    return timeout_ms == INFINITE_MS ? UINT64_MAX : now_ns() + (uint64_t)timeout_ms * 1000000u;
}

/* Waits on cond (g_lock held); returns 0 once the deadline has passed. */
int cond_wait_until(pthread_cond_t *cond, uint64_t deadline_ns)
{
    if (deadline_ns == UINT64_MAX) {
        pthread_cond_wait(cond, &g_lock);
        return 1;
    }
    if (now_ns() >= deadline_ns) {
        return 0;
    }
    struct timespec ts = {(time_t)(deadline_ns / 1000000000u), (long)(deadline_ns % 1000000000u)};
    pthread_cond_timedwait(cond, &g_lock, &ts);
    return 1;
}

int on_worker_thread(void)
{
    return pthread_equal(pthread_self(), g_worker);
}

struct vm *find_vm(const char16_t *id)
{
    for (struct vm *vm = g_vms; vm; vm = vm->next) {
        if (!vm->removed && u16eq(vm->id, id)) {
            return vm;
        }
    }
    return NULL;
}

struct sys_handle *find_handle(HCS_SYSTEM h)
{
    for (struct sys_handle *s = g_handles; s; s = s->next) {
        if (s == h) {
            return s;
        }
    }
    return NULL;
}

struct op *find_op(HCS_OPERATION o)
{
    for (struct op *op = g_ops; op; op = op->next) {
        if (op == o && !op->closed) {
            return op;
        }
    }
    return NULL;
}

struct sys_handle *new_handle(struct vm *vm)
{
    struct sys_handle *h = calloc(1, sizeof *h);
    h->vm = vm;
    h->next = g_handles;
    g_handles = h;
    vm->handles++;
    g_outstanding++;
    return h;
}

void free_op(struct op *o)
{
    for (struct op **p = &g_ops; *p; p = &(*p)->next) {
        if (*p == o) {
            *p = o->next;
            break;
        }
    }
    free(o->doc);
    free(o->arg);
    free(o);
}

void enqueue(enum task_kind kind, struct op *o, struct vm *vm, uint64_t delay_ns)
{
    dbl_init();
    struct task *t = calloc(1, sizeof *t);
    t->due_ns = now_ns() + delay_ns;
    t->kind = kind;
    t->op = o;
    t->vm = vm;
    struct task **p = &g_tasks;
    while (*p && (*p)->due_ns <= t->due_ns) {
        p = &(*p)->next;
    }
    t->next = *p;
    *p = t;
    pthread_cond_signal(&g_work);
}

void wait_worker_idle(void)
{
    while (g_worker_busy) {
        pthread_cond_wait(&g_changed, &g_lock);
    }
}

void clear_tasks(void)
{
    while (g_tasks) {
        struct task *t = g_tasks;
        g_tasks = t->next;
        free(t);
    }
}

/*
 * Calls the event callback of every live handle of vm (all handles when vm is NULL), or only of
 * `only`. Runs on the worker with g_lock held; releases it around the calls.
 */
void deliver_event(struct vm *vm, struct sys_handle *only, int32_t type, const char16_t *data,
                   struct op *op)
{
    struct target { struct sys_handle *h; HCS_EVENT_CALLBACK cb; void *ctx; } *targets = NULL;
    size_t n = 0;
    for (struct sys_handle *h = g_handles; h; h = h->next) {
        if (h->cb && (only ? h == only : (!vm || h->vm == vm))) {
            targets = realloc(targets, (n + 1) * sizeof *targets);
            targets[n++] = (struct target){h, h->cb, h->ctx};
            h->in_callback++;
        }
    }
    char16_t *copy = u16dup(data); /* EventData lives only until the callback returns */
    HCS_EVENT event = {type, copy, op};
    pthread_mutex_unlock(&g_lock);
    for (size_t i = 0; i < n; i++) {
        targets[i].cb(&event, targets[i].ctx);
    }
    pthread_mutex_lock(&g_lock);
    for (size_t i = 0; i < n; i++) {
        struct sys_handle *h = targets[i].h;
        if (--h->in_callback == 0 && h->closed) {
            free(h); /* closed from inside its own callback: the free was left to us */
        }
    }
    pthread_cond_broadcast(&g_changed);
    free(copy);
    free(targets);
}

void complete_op(struct op *o, HRESULT hr, char16_t *doc)
{
    o->state = OP_DONE;
    o->hr = hr;
    o->parked = 0;
    free(o->doc);
    o->doc = doc;
    pthread_cond_broadcast(&g_changed);
    if (o->closed) {
        free_op(o); /* abandoned by the caller: HCS finishes the work and drops the result */
        return;
    }
    o->in_callback++;
    if (o->cb) {
        HCS_OPERATION_COMPLETION cb = o->cb;
        void *ctx = o->ctx;
        pthread_mutex_unlock(&g_lock);
        cb(o, ctx);
        pthread_mutex_lock(&g_lock);
    } else if (o->via && find_handle(o->via)
               && (o->via->options & HCS_EVENT_OPTION_ENABLE_OPERATION_CALLBACKS)) {
        deliver_event(NULL, o->via, HCS_EVENT_OPERATION_CALLBACK, NULL, o);
    }
    if (--o->in_callback == 0 && o->closed) {
        free_op(o);
    }
}

void after_stop(struct vm *vm)
{
    size_t n = 0;
    struct op **parked = NULL;
    for (struct op *o = g_ops; o; o = o->next) {
        if (o->parked && o->vm == vm) {
            parked = realloc(parked, (n + 1) * sizeof *parked);
            parked[n++] = o;
        }
    }
    deliver_event(vm, NULL, HCS_EVENT_SYSTEM_EXITED, vm->exit_doc, NULL);
    for (size_t i = 0; i < n; i++) {
        complete_op(parked[i], HCS_E_SYSTEM_ALREADY_STOPPED,
                    result_error(HCS_E_SYSTEM_ALREADY_STOPPED, "The system stopped before the guest shut down"));
    }
    free(parked);
}

static void run_task(struct task *t)
{
    struct vm *vm = t->vm;
    switch (t->kind) {
    case T_OP:
        execute_op(t->op);
        break;
    case T_AFTER_STOP:
        after_stop(vm);
        break;
    case T_POWEROFF:
        if (vm->state == VM_RUNNING) {
            mark_stopped(vm, "GracefulExit", S_OK, "Shutdown", "GuestOS");
            after_stop(vm);
        }
        break;
    case T_CRASH:
        if (vm->state == VM_RUNNING || vm->state == VM_PAUSED) {
            mark_stopped(vm, "UnexpectedExit", HCS_E_UNEXPECTED_EXIT, "UnexpectedExit", "Internal");
            buf16 b = {0};
            b_ascii(&b, "{\"SystemId\":");
            b_quoted(&b, vm->id);
            b_ascii(&b, ",\"Status\":");
            b_i64(&b, HCS_E_UNEXPECTED_EXIT);
            b_ascii(&b, ",\"CrashLog\":\"Kernel panic - not syncing: simulated\"}");
            char16_t *report = b_finish(&b);
            deliver_event(vm, NULL, HCS_EVENT_SYSTEM_CRASH_INITIATED, report, NULL);
            free(report);
            after_stop(vm);
        }
        break;
    case T_DISCONNECT:
        deliver_event(NULL, NULL, HCS_EVENT_SERVICE_DISCONNECT, NULL, NULL);
        break;
    }
}

static void *worker_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&g_lock);
    for (;;) {
        if (!g_tasks || g_tasks->due_ns > now_ns()) {
            g_worker_busy = 0;
            pthread_cond_broadcast(&g_changed);
            cond_wait_until(&g_work, g_tasks ? g_tasks->due_ns : UINT64_MAX);
            continue;
        }
        struct task *t = g_tasks;
        g_tasks = t->next;
        g_worker_busy = 1;
        run_task(t);
        free(t);
    }
    return NULL;
}
