/*
 * Test-control exports of the computecore double. They are not part of the HCS ABI; tests use
 * them to steer the simulated guest and to prove that the binding leaks nothing.
 */
#include "double.h"

#include <stdlib.h>

#define LOCK() pthread_mutex_lock(&g_lock)
#define UNLOCK() pthread_mutex_unlock(&g_lock)

/* Forgets every system, handle, operation and document, and restores the default settings. */
EXPORT void DoubleReset(void)
{
    dbl_init();
    LOCK();
    wait_worker_idle();
    clear_tasks();
    while (g_handles) {
        struct sys_handle *h = g_handles;
        g_handles = h->next;
        free(h);
    }
    while (g_ops) {
        free_op(g_ops);
    }
    while (g_vms) {
        struct vm *vm = g_vms;
        g_vms = vm->next;
        free(vm->id);
        free(vm->config);
        free(vm->owner);
        free(vm->exit_doc);
        free(vm);
    }
    doc_reset();
    call_log_reset();
    grants_reset();
    g_outstanding = 0;
    g_violations = 0;
    g_delay_ms = 5;
    g_ignore_shutdown = 0;
    UNLOCK();
}

/* When set, a shutdown request stays pending until the system stops some other way. */
EXPORT void DoubleIgnoreShutdown(BOOL ignore)
{
    LOCK();
    g_ignore_shutdown = ignore != 0;
    UNLOCK();
}

/* How long the worker takes to complete each accepted operation (default 5 ms). */
EXPORT void DoubleSetOperationDelayMs(uint32_t delayMs)
{
    LOCK();
    g_delay_ms = delayMs;
    UNLOCK();
}

/* Open HCS_SYSTEM handles plus unclosed HCS_OPERATION handles. */
EXPORT int32_t DoubleOutstandingHandles(void)
{
    LOCK();
    int32_t n = g_outstanding;
    UNLOCK();
    return n;
}

/* Result documents handed out and not yet released with LocalFree. */
EXPORT int32_t DoubleUnfreedDocuments(void)
{
    LOCK();
    int32_t n = doc_outstanding();
    UNLOCK();
    return n;
}

/*
 * Calls that would be undefined behaviour on Windows: a closed or unknown handle, a LocalFree of
 * something that is not a live document (double free), or closing a system from its own callback.
 */
EXPORT int32_t DoubleProtocolViolations(void)
{
    LOCK();
    int32_t n = g_violations;
    UNLOCK();
    return n;
}

/* Systems HCS still knows about (created, running, paused, or stopped with an open handle). */
EXPORT int32_t DoubleSystemCount(void)
{
    LOCK();
    int32_t n = 0;
    for (struct vm *vm = g_vms; vm; vm = vm->next) {
        n += !vm->removed;
    }
    UNLOCK();
    return n;
}

static HRESULT schedule(const char16_t *id, enum task_kind kind, int allow_paused)
{
    dbl_init();
    LOCK();
    struct vm *vm = id ? find_vm(id) : NULL;
    HRESULT hr = S_OK;
    if (!vm) {
        hr = HCS_E_SYSTEM_NOT_FOUND;
    } else if (vm->state == VM_STOPPED) {
        hr = HCS_E_SYSTEM_ALREADY_STOPPED;
    } else if (vm->state != VM_RUNNING && !(allow_paused && vm->state == VM_PAUSED)) {
        hr = HCS_E_INVALID_STATE;
    } else {
        enqueue(kind, NULL, vm, 0);
    }
    UNLOCK();
    return hr;
}

/* The guest crashes: HcsEventSystemCrashInitiated, then SystemExited with UnexpectedExit. */
EXPORT HRESULT DoubleCrashSystem(const char16_t *id)
{
    return schedule(id, T_CRASH, 1);
}

/* The guest powers itself off (as after an in-guest poweroff): SystemExited with GracefulExit. */
EXPORT HRESULT DoubleGuestPowerOff(const char16_t *id)
{
    return schedule(id, T_POWEROFF, 0);
}

/* Every handle with a callback receives HcsEventServiceDisconnect. */
EXPORT void DoubleServiceDisconnect(void)
{
    dbl_init();
    LOCK();
    enqueue(T_DISCONNECT, NULL, NULL, 0);
    UNLOCK();
}

/* Sets the private working set that Statistics and Memory report for a system. */
EXPORT HRESULT DoubleSetWorkingSetBytes(const char16_t *id, uint64_t bytes)
{
    LOCK();
    struct vm *vm = id ? find_vm(id) : NULL;
    if (vm) {
        vm->working_set = bytes;
    }
    UNLOCK();
    return vm ? S_OK : HCS_E_SYSTEM_NOT_FOUND;
}

/* Copies the configuration a system was created with; release it with LocalFree. */
EXPORT HRESULT DoubleGetConfiguration(const char16_t *id, char16_t **configuration)
{
    if (!configuration) return E_POINTER;
    LOCK();
    struct vm *vm = id ? find_vm(id) : NULL;
    *configuration = vm ? doc_publish(vm->config) : NULL;
    UNLOCK();
    return vm ? S_OK : HCS_E_SYSTEM_NOT_FOUND;
}

/* Plan9 shares currently attached: those in the configuration plus Modify Add/Remove. */
EXPORT int32_t DoublePlan9ShareCount(const char16_t *id)
{
    LOCK();
    struct vm *vm = id ? find_vm(id) : NULL;
    int32_t n = vm ? vm->plan9_shares : -1;
    UNLOCK();
    return n;
}

/* ---- the call log ---- */

struct call {
    struct call *next;
    const char *export_name;
    char16_t *id;
};

static struct call *g_calls;
static struct call **g_calls_tail = &g_calls;

void call_log_add(const char *export_name, const char16_t *id)
{
    struct call *c = calloc(1, sizeof *c);
    c->export_name = export_name;
    c->id = u16dup(id);
    *g_calls_tail = c;
    g_calls_tail = &c->next;
}

void call_log_reset(void)
{
    while (g_calls) {
        struct call *c = g_calls;
        g_calls = c->next;
        free(c->id);
        free(c);
    }
    g_calls_tail = &g_calls;
}

/*
 * The system requests received since the last reset, in arrival order, as a JSON array of
 * {"Call": export, "Id": system id}: create, every request on a valid system handle (whatever its
 * outcome), and close. Release the document with LocalFree.
 */
EXPORT HRESULT DoubleCallLog(char16_t **log)
{
    if (!log) return E_POINTER;
    dbl_init();
    LOCK();
    buf16 b = {0};
    b_ascii(&b, "[");
    for (struct call *c = g_calls; c; c = c->next) {
        b_ascii(&b, c == g_calls ? "{\"Call\":" : ",{\"Call\":");
        b_quoted_ascii(&b, c->export_name);
        b_ascii(&b, ",\"Id\":");
        b_quoted(&b, c->id);
        b_ascii(&b, "}");
    }
    b_ascii(&b, "]");
    char16_t *json = b_finish(&b);
    *log = doc_publish(json);
    free(json);
    UNLOCK();
    return S_OK;
}
