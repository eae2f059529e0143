/*
 * The system state machine of the computecore double, run on the worker thread, and the JSON
 * documents it produces (properties, statistics, exit status, ResultError).
 *
 *   Created  --Start-->      Running
 *   Running  --Pause-->      Paused   --Resume--> Running
 *   Running  --ShutDown-->   Stopped (GracefulExit; parked while DoubleIgnoreShutdown is on)
 *   any      --Terminate-->  Stopped (ForcedExit);  Stopped --Terminate--> SYSTEM_ALREADY_STOPPED
 *   Running/Paused --DoubleCrashSystem--> Stopped (UnexpectedExit)
 * Any other request on a Stopped system fails with HCS_E_SYSTEM_ALREADY_STOPPED, and elsewhere
 * with HCS_E_INVALID_STATE.
 */
#include "double.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *state_name(enum vm_state s)
{
    switch (s) {
    case VM_CREATING:
    case VM_CREATED: return "Created";
    case VM_RUNNING: return "Running";
    case VM_PAUSED: return "Paused";
    case VM_STOPPED: return "Stopped";
    }
    return "Unknown";
}

char16_t *result_error(HRESULT hr, const char *message)
{
    /* Real HCS sometimes reports the v1 (0xC037xxxx) form inside the document; mimic that. */
    int32_t reported = hr == HCS_E_INVALID_JSON ? (int32_t)(((uint32_t)hr & 0xFFFFu) | 0xC0370000u) : hr;
    char detail[256];
    snprintf(detail, sizeof detail, "%s (0x%08X)", message, (unsigned)hr);
    buf16 b = {0};
    b_ascii(&b, "{\"Error\":");
    b_i64(&b, reported);
    b_ascii(&b, ",\"ErrorMessage\":");
    b_quoted_ascii(&b, message);
    b_ascii(&b, ",\"ErrorEvents\":[{\"Message\":");
    b_quoted_ascii(&b, detail);
    b_ascii(&b, ",\"Provider\":\"17103e3f-3c6e-4677-bb17-3b267eb5be57\",\"EventId\":11000,"
                "\"Source\":\"computecore_double\"}]}");
    return b_finish(&b);
}

/* Fails an operation at initiation: the call returns hr and the operation holds the error. */
HRESULT fail_now(struct op *o, HRESULT hr, const char *message)
{
    o->state = OP_DONE;
    o->kind = K_NONE;
    o->hr = hr;
    free(o->doc);
    o->doc = result_error(hr, message);
    return hr;
}

void mark_stopped(struct vm *vm, const char *exit_type, HRESULT status, const char *detail,
                  const char *initiator)
{
    vm->state = VM_STOPPED;
    vm->exit_type = exit_type;
    buf16 b = {0};
    b_ascii(&b, "{\"Status\":");
    b_i64(&b, status);
    b_ascii(&b, ",\"ExitType\":");
    b_quoted_ascii(&b, exit_type);
    b_ascii(&b, ",\"Attribution\":[{\"SystemExit\":{\"Detail\":");
    b_quoted_ascii(&b, detail);
    b_ascii(&b, ",\"Initiator\":");
    b_quoted_ascii(&b, initiator);
    b_ascii(&b, "}}]}");
    free(vm->exit_doc);
    vm->exit_doc = b_finish(&b);
    if (vm->handles == 0) {
        vm->removed = 1;
    }
    pthread_cond_broadcast(&g_changed);
}

static void iso_time(char *out, size_t size, uint64_t ago_ns)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec - ago_ns;
    time_t secs = (time_t)(ns / 1000000000u);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, size, "%s.%07lluZ", base, (unsigned long long)(ns % 1000000000u / 100u));
}

static void statistics(buf16 *b, struct vm *vm)
{
    int live = vm->state == VM_RUNNING || vm->state == VM_PAUSED;
    uint64_t uptime_ns = live ? now_ns() - vm->started_ns : 0;
    char stamp[48];
    iso_time(stamp, sizeof stamp, 0);
    b_ascii(b, "{\"Timestamp\":");
    b_quoted_ascii(b, stamp);
    if (live) {
        iso_time(stamp, sizeof stamp, uptime_ns);
        b_ascii(b, ",\"ContainerStartTime\":");
        b_quoted_ascii(b, stamp);
    }
    /* HCS omits zero counters, so a stopped system reports no uptime and no memory. */
    if (uptime_ns / 100u > 0) {
        b_ascii(b, ",\"Uptime100ns\":");
        b_u64(b, uptime_ns / 100u);
        b_ascii(b, ",\"Processor\":{\"TotalRuntime100ns\":");
        b_u64(b, uptime_ns / 100u / 4u * vm->processors);
        b_ascii(b, "}");
    }
    if (live) {
        uint64_t commit = vm->memory_mb * 1024u * 1024u;
        b_ascii(b, ",\"Memory\":{\"MemoryUsageCommitBytes\":");
        b_u64(b, commit);
        b_ascii(b, ",\"MemoryUsageCommitPeakBytes\":");
        b_u64(b, commit);
        b_ascii(b, ",\"MemoryUsagePrivateWorkingSetBytes\":");
        b_u64(b, vm->working_set ? vm->working_set : commit / 4u);
        b_ascii(b, "}");
    }
    b_ascii(b, "}");
}

static void properties(buf16 *b, struct vm *vm, int with_statistics, int with_memory)
{
    char runtime_id[40];
    snprintf(runtime_id, sizeof runtime_id, "5c0c2a4e-0000-4000-8000-%012llx",
             (unsigned long long)vm->runtime_serial);
    b_ascii(b, "{\"Id\":");
    b_quoted(b, vm->id);
    b_ascii(b, ",\"SystemType\":\"VirtualMachine\",\"RuntimeOsType\":\"Linux\"");
    if (vm->owner) {
        b_ascii(b, ",\"Owner\":");
        b_quoted(b, vm->owner);
    }
    b_ascii(b, ",\"RuntimeId\":");
    b_quoted_ascii(b, runtime_id);
    b_ascii(b, ",\"State\":");
    b_quoted_ascii(b, state_name(vm->state));
    b_ascii(b, vm->state == VM_STOPPED ? ",\"Stopped\":true" : ",\"Stopped\":false");
    if (vm->state == VM_STOPPED) {
        b_ascii(b, ",\"ExitType\":");
        b_quoted_ascii(b, vm->exit_type);
    }
    if (with_statistics) {
        b_ascii(b, ",\"Statistics\":");
        statistics(b, vm);
    }
    if (with_memory) {
        b_ascii(b, ",\"Memory\":{\"VirtualMachineMemory\":{\"AssignedMemory\":");
        b_u64(b, (vm->working_set ? vm->working_set : vm->memory_mb * 1024u * 256u) / 4096u);
        b_ascii(b, "}}");
    }
    b_ascii(b, "}");
}

char16_t *properties_doc(struct vm *vm, int with_statistics, int with_memory)
{
    buf16 b = {0};
    properties(&b, vm, with_statistics, with_memory);
    return b_finish(&b);
}

static int query_wants(const char16_t *query, const char *type)
{
    int found = 0;
    for (const char16_t *e = json_first(json_member(query, "PropertyTypes")); e && !found; e = json_next(e)) {
        char16_t *name = json_string_dup(e);
        found = name && u16eq_ascii(name, type);
        free(name);
    }
    return found;
}

static int id_selected(const char16_t *query, const char16_t *id)
{
    const char16_t *e = json_first(json_member(query, "Ids"));
    if (!e) {
        return 1; /* no Ids filter, or an empty one */
    }
    int found = 0;
    for (; e && !found; e = json_next(e)) {
        char16_t *wanted = json_string_dup(e);
        found = wanted && u16eq(wanted, id);
        free(wanted);
    }
    return found;
}

static char16_t *enumerate_doc(const char16_t *query)
{
    buf16 b = {0};
    b_ascii(&b, "[");
    int first = 1;
    for (struct vm *vm = g_vms; vm; vm = vm->next) {
        if (vm->removed || !id_selected(query, vm->id)) {
            continue;
        }
        if (!first) {
            b_ascii(&b, ",");
        }
        first = 0;
        properties(&b, vm, 0, 0);
    }
    b_ascii(&b, "]");
    return b_finish(&b);
}

static HRESULT modify(struct vm *vm, const char16_t *request, const char **msg)
{
    char16_t *path = json_string_dup(json_member(request, "ResourcePath"));
    char16_t *type = json_string_dup(json_member(request, "RequestType"));
    const char16_t *settings = json_member(request, "Settings");
    HRESULT hr = S_OK;
    uint64_t mb;
    if (!path || !type) {
        hr = E_INVALIDARG;
        *msg = "ResourcePath and RequestType are required";
    } else if (u16eq_ascii(path, "VirtualMachine/ComputeTopology/Memory/SizeInMB")
               && u16eq_ascii(type, "Update")) {
        if (json_u64(settings, &mb) && mb > 0 && mb % 2 == 0) {
            vm->memory_mb = mb;
        } else {
            hr = E_INVALIDARG;
            *msg = "SizeInMB must be a positive even number";
        }
    } else if (u16eq_ascii(path, "VirtualMachine/Devices/Plan9/Shares")) {
        if (!vm->has_plan9) {
            hr = HCS_E_INVALID_STATE;
            *msg = "The system was created without a Plan9 device";
        } else if (u16eq_ascii(type, "Add") && json_kind(json_member(settings, "Path")) == '"') {
            vm->plan9_shares++;
        } else if (u16eq_ascii(type, "Remove") && vm->plan9_shares > 0) {
            vm->plan9_shares--;
        } else {
            hr = E_INVALIDARG;
            *msg = "Plan9 share requests need RequestType Add (with Settings.Path) or Remove";
        }
    } else {
        hr = E_INVALIDARG;
        *msg = "Unsupported ResourcePath or RequestType";
    }
    free(path);
    free(type);
    return hr;
}

static HRESULT wrong_state(struct vm *vm, const char **msg)
{
    if (vm->state == VM_STOPPED) {
        *msg = "The system is already stopped";
        return HCS_E_SYSTEM_ALREADY_STOPPED;
    }
    *msg = "The requested operation is not valid in the current state";
    return HCS_E_INVALID_STATE;
}

static void stop_now(struct vm *vm, const char *exit_type, const char *detail)
{
    mark_stopped(vm, exit_type, S_OK, detail, "Client");
    after_stop(vm);
}

/* Performs a requested operation on the worker (g_lock held) and completes it. */
void execute_op(struct op *o)
{
    struct vm *vm = o->vm;
    HRESULT hr = S_OK;
    char16_t *doc = NULL;
    const char *msg = "";
    switch (o->kind) {
    case K_NONE:
        break;
    case K_CREATE:
        if (vm->state == VM_CREATING) {
            vm->state = VM_CREATED;
        } else {
            hr = HCS_E_SYSTEM_ALREADY_STOPPED;
            msg = "The system stopped while it was being created";
        }
        break;
    case K_START:
        if (vm->state == VM_CREATED) {
            vm->state = VM_RUNNING;
            vm->started_ns = now_ns();
        } else {
            hr = HCS_E_INVALID_STATE;
            msg = "The system can only be started once, from the Created state";
        }
        break;
    case K_PAUSE:
    case K_RESUME:
    case K_SAVE:
        if (o->kind == K_PAUSE && vm->state == VM_RUNNING) {
            vm->state = VM_PAUSED;
        } else if (o->kind == K_RESUME && vm->state == VM_PAUSED) {
            vm->state = VM_RUNNING;
        } else if (!(o->kind == K_SAVE && vm->state == VM_PAUSED)) {
            hr = wrong_state(vm, &msg);
        }
        break;
    case K_SHUTDOWN:
        if (vm->state != VM_RUNNING) {
            hr = wrong_state(vm, &msg);
        } else if (g_ignore_shutdown) {
            o->parked = 1; /* the guest never answers; the operation stays pending */
            return;
        } else {
            stop_now(vm, "GracefulExit", "Shutdown");
        }
        break;
    case K_TERMINATE:
        if (vm->state == VM_STOPPED) {
            hr = wrong_state(vm, &msg);
        } else {
            stop_now(vm, "ForcedExit", "Terminate");
        }
        break;
    case K_PROPERTIES:
        doc = properties_doc(vm, query_wants(o->arg, "Statistics"), query_wants(o->arg, "Memory"));
        break;
    case K_MODIFY:
        hr = vm->state == VM_STOPPED ? wrong_state(vm, &msg) : modify(vm, o->arg, &msg);
        break;
    case K_ENUMERATE:
        doc = enumerate_doc(o->arg);
        break;
    }
    if (FAILED_HR(hr)) {
        doc = result_error(hr, msg);
    }
    complete_op(o, hr, doc);
}
