/*
 * A stand-in for computecore.dll on Linux: the HCS v2 exports with the same names, parameter
 * order and widths as ComputeCore.h, with UTF-16 (char16_t) strings, plus the LocalFree that
 * releases result documents. Requests are accepted synchronously and completed later on the
 * worker thread (state.c), which also calls the completion and event callbacks.
 */
#include "double.h"

#include <stdlib.h>

static uint64_t g_runtime_serial;

#define LOCK() pthread_mutex_lock(&g_lock)
#define UNLOCK() pthread_mutex_unlock(&g_lock)

/* Resolves an operation argument that must be idle (g_lock held). */
static HRESULT check_op(HCS_OPERATION operation, struct op **out)
{
    if (!operation) return E_INVALIDARG;
    struct op *o = find_op(operation);
    if (!o) {
        g_violations++; /* a closed or foreign handle: undefined behaviour on Windows */
        return E_HANDLE;
    }
    if (o->state == OP_PENDING) return HCS_E_OPERATION_ALREADY_STARTED;
    *out = o;
    return S_OK;
}

static HRESULT check_system(HCS_SYSTEM system, struct sys_handle **out)
{
    if (!system) return E_INVALIDARG;
    struct sys_handle *h = find_handle(system);
    if (!h) {
        g_violations++;
        return E_HANDLE;
    }
    *out = h;
    return S_OK;
}

static void begin(struct op *o, enum op_kind kind, struct vm *vm, struct sys_handle *via,
                  const char16_t *arg)
{
    o->state = OP_PENDING;
    o->kind = kind;
    o->vm = vm;
    o->via = via;
    o->hr = S_OK;
    free(o->doc);
    o->doc = NULL;
    free(o->arg);
    o->arg = u16dup(arg);
    enqueue(T_OP, o, vm, (uint64_t)g_delay_ms * 1000000u);
}

/* ---- operations ---- */

EXPORT HCS_OPERATION HcsCreateOperation(const void *context, HCS_OPERATION_COMPLETION callback)
{
    dbl_init();
    struct op *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->ctx = (void *)context;
    o->cb = callback;
    LOCK();
    o->next = g_ops;
    g_ops = o;
    g_outstanding++;
    UNLOCK();
    return o;
}

EXPORT void HcsCloseOperation(HCS_OPERATION operation)
{
    LOCK();
    struct op *o = find_op(operation);
    if (!o) {
        g_violations += operation != NULL;
    } else {
        o->closed = 1;
        g_outstanding--;
        if (o->state != OP_PENDING && o->in_callback == 0) {
            free_op(o); /* otherwise the worker frees it when the work or the callback ends */
        }
    }
    UNLOCK();
}

static HRESULT result_of(HCS_OPERATION operation, uint32_t timeoutMs, int wait, char16_t **doc)
{
    dbl_init();
    if (doc) *doc = NULL;
    LOCK();
    struct op *o = find_op(operation);
    HRESULT hr;
    if (!o) {
        hr = operation ? E_HANDLE : E_INVALIDARG;
        g_violations += operation != NULL;
    } else if (o->state == OP_NOT_STARTED) {
        hr = HCS_E_OPERATION_NOT_STARTED;
    } else {
        uint64_t deadline = deadline_after_ms(wait ? timeoutMs : 0);
        while (wait && o->state == OP_PENDING && cond_wait_until(&g_changed, deadline)) {
        }
        if (o->state == OP_PENDING) {
            hr = wait ? HCS_E_OPERATION_TIMEOUT : HCS_E_OPERATION_PENDING;
        } else {
            hr = o->hr;
            if (doc) *doc = doc_publish(o->doc);
        }
    }
    UNLOCK();
    return hr;
}

EXPORT HRESULT HcsWaitForOperationResult(HCS_OPERATION operation, uint32_t timeoutMs,
                                         char16_t **resultDocument)
{
    return result_of(operation, timeoutMs, 1, resultDocument);
}

EXPORT HRESULT HcsGetOperationResult(HCS_OPERATION operation, char16_t **resultDocument)
{
    return result_of(operation, 0, 0, resultDocument);
}

EXPORT HRESULT HcsSetOperationCallback(HCS_OPERATION operation, const void *context,
                                       HCS_OPERATION_COMPLETION callback)
{
    LOCK();
    struct op *o = NULL;
    HRESULT hr = check_op(operation, &o);
    if (!FAILED_HR(hr)) {
        o->ctx = (void *)context;
        o->cb = callback;
    }
    UNLOCK();
    return hr;
}

/* ---- compute systems ---- */

static struct vm *new_vm(const char16_t *id, const char16_t *config)
{
    static const char *const memory[] = {"VirtualMachine", "ComputeTopology", "Memory", "SizeInMB", NULL};
    static const char *const cpus[] = {"VirtualMachine", "ComputeTopology", "Processor", "Count", NULL};
    static const char *const plan9[] = {"VirtualMachine", "Devices", "Plan9", NULL};
    struct vm *vm = calloc(1, sizeof *vm);
    vm->id = u16dup(id);
    vm->config = u16dup(config);
    vm->owner = json_string_dup(json_member(config, "Owner"));
    vm->state = VM_CREATING;
    vm->runtime_serial = ++g_runtime_serial;
    json_bool(json_member(config, "ShouldTerminateOnLastHandleClosed"), &vm->terminate_on_last_close);
    if (!json_u64(json_path(config, memory), &vm->memory_mb)) vm->memory_mb = 1024;
    uint64_t count = 1;
    json_u64(json_path(config, cpus), &count);
    vm->processors = (uint32_t)count;
    const char16_t *p9 = json_path(config, plan9);
    vm->has_plan9 = json_kind(p9) == '{';
    for (const char16_t *s = json_first(json_member(p9, "Shares")); s; s = json_next(s)) {
        vm->plan9_shares++;
    }
    vm->next = g_vms;
    g_vms = vm;
    return vm;
}

static int system_kinds(const char16_t *config)
{
    return (json_member(config, "VirtualMachine") != NULL) + (json_member(config, "Container") != NULL)
           + (json_member(config, "HostedSystem") != NULL);
}

EXPORT HRESULT HcsCreateComputeSystem(const char16_t *id, const char16_t *configuration,
                                      HCS_OPERATION operation, const void *securityDescriptor,
                                      HCS_SYSTEM *computeSystem)
{
    dbl_init();
    if (!computeSystem) return E_POINTER;
    *computeSystem = NULL;
    LOCK();
    struct op *o = NULL;
    HRESULT hr = check_op(operation, &o), scsi_hr;
    const char *why = NULL;
    if (!FAILED_HR(hr) && id) {
        call_log_add("HcsCreateComputeSystem", id);
    }
    if (FAILED_HR(hr)) {
        /* nothing to record the error in */
    } else if (!id || !*id || securityDescriptor) {
        hr = fail_now(o, E_INVALIDARG, "The id is required and the security descriptor must be NULL");
    } else if (!json_valid(configuration) || json_kind(configuration) != '{') {
        hr = fail_now(o, HCS_E_INVALID_JSON, "The compute system configuration is not valid JSON");
    } else if (system_kinds(configuration) != 1) {
        hr = fail_now(o, HCS_E_INVALID_JSON,
                      "The configuration must set exactly one of VirtualMachine, Container, HostedSystem");
    } else if (find_vm(id)) {
        hr = fail_now(o, HCS_E_SYSTEM_ALREADY_EXISTS, "A compute system with this id already exists");
    } else if (FAILED_HR(scsi_hr = scsi_check(id, configuration, &why))) {
        hr = fail_now(o, scsi_hr, why);
    } else {
        struct vm *vm = new_vm(id, configuration);
        struct sys_handle *h = new_handle(vm);
        begin(o, K_CREATE, vm, h, configuration);
        *computeSystem = h;
    }
    UNLOCK();
    return hr;
}

EXPORT HRESULT HcsOpenComputeSystem(const char16_t *id, uint32_t requestedAccess, HCS_SYSTEM *computeSystem)
{
    dbl_init();
    if (!computeSystem) return E_POINTER;
    *computeSystem = NULL;
    if (!id || requestedAccess != GENERIC_ALL) return E_INVALIDARG;
    LOCK();
    struct vm *vm = find_vm(id);
    HRESULT hr = HCS_E_SYSTEM_NOT_FOUND;
    if (vm) {
        *computeSystem = new_handle(vm);
        hr = S_OK;
    }
    UNLOCK();
    return hr;
}

EXPORT void HcsCloseComputeSystem(HCS_SYSTEM computeSystem)
{
    dbl_init();
    LOCK();
    struct sys_handle *h = find_handle(computeSystem);
    if (!h) {
        g_violations += computeSystem != NULL;
        UNLOCK();
        return;
    }
    for (struct sys_handle **p = &g_handles; *p; p = &(*p)->next) {
        if (*p == h) {
            *p = h->next;
            break;
        }
    }
    g_outstanding--;
    struct vm *vm = h->vm;
    call_log_add("HcsCloseComputeSystem", vm->id);
    if (h->in_callback > 0 && on_worker_thread()) {
        g_violations++; /* real HCS deadlocks here: close waits for the running callback */
        h->closed = 1;  /* deliver_event frees it once the callback returns */
    } else {
        while (h->in_callback > 0) {
            pthread_cond_wait(&g_changed, &g_lock);
        }
        free(h);
    }
    if (--vm->handles == 0) {
        if (vm->state == VM_STOPPED) {
            vm->removed = 1;
        } else if (vm->terminate_on_last_close) {
            mark_stopped(vm, "ForcedExit", S_OK, "Terminate", "Internal");
            enqueue(T_AFTER_STOP, NULL, vm, 0);
        }
    }
    UNLOCK();
}

static HRESULT initiate(const char *export_name, HCS_SYSTEM system, HCS_OPERATION operation,
                        enum op_kind kind, const char16_t *json, int json_required)
{
    dbl_init();
    LOCK();
    struct sys_handle *h = NULL;
    struct op *o = NULL;
    HRESULT hr = check_system(system, &h);
    if (!FAILED_HR(hr)) call_log_add(export_name, h->vm->id);
    if (!FAILED_HR(hr)) hr = check_op(operation, &o);
    if (!FAILED_HR(hr) && o->cb && (h->options & HCS_EVENT_OPTION_ENABLE_OPERATION_CALLBACKS)) {
        hr = HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET;
    }
    if (!FAILED_HR(hr)) {
        if (json_required && !json) {
            hr = fail_now(o, E_INVALIDARG, "A configuration document is required");
        } else if (json && !json_valid(json)) {
            hr = fail_now(o, HCS_E_INVALID_JSON, "The JSON document is invalid");
        } else {
            begin(o, kind, h->vm, h, json);
        }
    }
    UNLOCK();
    return hr;
}

EXPORT HRESULT HcsStartComputeSystem(HCS_SYSTEM s, HCS_OPERATION o, const char16_t *options)
{
    return initiate("HcsStartComputeSystem", s, o, K_START, options, 0);
}

EXPORT HRESULT HcsShutDownComputeSystem(HCS_SYSTEM s, HCS_OPERATION o, const char16_t *options)
{
    return initiate("HcsShutDownComputeSystem", s, o, K_SHUTDOWN, options, 0);
}

EXPORT HRESULT HcsTerminateComputeSystem(HCS_SYSTEM s, HCS_OPERATION o, const char16_t *options)
{
    return initiate("HcsTerminateComputeSystem", s, o, K_TERMINATE, options, 0);
}

EXPORT HRESULT HcsPauseComputeSystem(HCS_SYSTEM s, HCS_OPERATION o, const char16_t *options)
{
    return initiate("HcsPauseComputeSystem", s, o, K_PAUSE, options, 0);
}

EXPORT HRESULT HcsResumeComputeSystem(HCS_SYSTEM s, HCS_OPERATION o, const char16_t *options)
{
    return initiate("HcsResumeComputeSystem", s, o, K_RESUME, options, 0);
}

EXPORT HRESULT HcsSaveComputeSystem(HCS_SYSTEM s, HCS_OPERATION o, const char16_t *options)
{
    return initiate("HcsSaveComputeSystem", s, o, K_SAVE, options, 0);
}

EXPORT HRESULT HcsGetComputeSystemProperties(HCS_SYSTEM s, HCS_OPERATION o, const char16_t *propertyQuery)
{
    return initiate("HcsGetComputeSystemProperties", s, o, K_PROPERTIES, propertyQuery, 0);
}

EXPORT HRESULT HcsModifyComputeSystem(HCS_SYSTEM s, HCS_OPERATION o, const char16_t *configuration,
                                      void *identity)
{
    (void)identity;
    return initiate("HcsModifyComputeSystem", s, o, K_MODIFY, configuration, 1);
}

EXPORT HRESULT HcsEnumerateComputeSystems(const char16_t *query, HCS_OPERATION operation)
{
    dbl_init();
    LOCK();
    struct op *o = NULL;
    HRESULT hr = check_op(operation, &o);
    if (!FAILED_HR(hr)) {
        if (query && !json_valid(query)) {
            hr = fail_now(o, HCS_E_INVALID_JSON, "The system query is not valid JSON");
        } else {
            begin(o, K_ENUMERATE, NULL, NULL, query);
        }
    }
    UNLOCK();
    return hr;
}

EXPORT HRESULT HcsSetComputeSystemCallback(HCS_SYSTEM computeSystem, int32_t callbackOptions,
                                           const void *context, HCS_EVENT_CALLBACK callback)
{
    dbl_init();
    LOCK();
    struct sys_handle *h = NULL;
    HRESULT hr = check_system(computeSystem, &h);
    if (!FAILED_HR(hr) && !callback) {
        hr = E_INVALIDARG;
    } else if (!FAILED_HR(hr) && h->cb) {
        hr = HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET;
    } else if (!FAILED_HR(hr)) {
        h->cb = callback;
        h->ctx = (void *)context;
        h->options = callbackOptions;
    }
    UNLOCK();
    return hr;
}

EXPORT HRESULT HcsWaitForComputeSystemExit(HCS_SYSTEM computeSystem, uint32_t timeoutMs, char16_t **result)
{
    dbl_init();
    if (result) *result = NULL;
    LOCK();
    struct sys_handle *h = NULL;
    HRESULT hr = check_system(computeSystem, &h);
    if (!FAILED_HR(hr)) {
        struct vm *vm = h->vm;
        uint64_t deadline = deadline_after_ms(timeoutMs);
        while (vm->state != VM_STOPPED && cond_wait_until(&g_changed, deadline)) {
        }
        if (vm->state != VM_STOPPED) {
            hr = HCS_E_OPERATION_TIMEOUT;
        } else if (result) {
            *result = doc_publish(vm->exit_doc);
        }
    }
    UNLOCK();
    return hr;
}

/* Documents are allocated by the double, so the double also supplies the matching free. */
EXPORT void *LocalFree(void *hMem)
{
    if (!hMem) return NULL;
    LOCK();
    int known = doc_release(hMem);
    g_violations += !known;
    UNLOCK();
    return known ? NULL : hMem;
}
