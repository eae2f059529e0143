/*
 * Shared declarations of the computecore ABI test double.
 *
 * The double exports the computecore.dll functions with the same names and parameter lists,
 * using void* handles, int32_t HRESULTs, uint32_t DWORDs and char16_t (UTF-16) strings, so the
 * Java binding can be exercised on Linux exactly as it would call HCS on Windows.
 */
#ifndef COMPUTECORE_DOUBLE_H
#define COMPUTECORE_DOUBLE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <uchar.h>

#define EXPORT __attribute__((visibility("default")))

typedef int32_t HRESULT;
typedef int32_t BOOL;
typedef void *HCS_OPERATION;
typedef void *HCS_SYSTEM;

typedef void (*HCS_OPERATION_COMPLETION)(HCS_OPERATION operation, void *context);

typedef struct HCS_EVENT {
    int32_t Type;              /* offset 0, then 4 bytes of padding */
    const char16_t *EventData; /* offset 8 */
    HCS_OPERATION Operation;   /* offset 16 */
} HCS_EVENT;

typedef void (*HCS_EVENT_CALLBACK)(HCS_EVENT *event, void *context);

#define FAILED_HR(hr) ((hr) < 0)

#define S_OK ((HRESULT)0)
#define E_HANDLE ((HRESULT)0x80070006)
#define E_INVALIDARG ((HRESULT)0x80070057)
#define E_POINTER ((HRESULT)0x80004003)
#define HCS_E_INVALID_STATE ((HRESULT)0x80370105)
#define HCS_E_UNEXPECTED_EXIT ((HRESULT)0x80370106)
#define HCS_E_INVALID_JSON ((HRESULT)0x8037010D)
#define HCS_E_SYSTEM_NOT_FOUND ((HRESULT)0x8037010E)
#define HCS_E_SYSTEM_ALREADY_EXISTS ((HRESULT)0x8037010F)
#define HCS_E_SYSTEM_ALREADY_STOPPED ((HRESULT)0x80370110)
#define HCS_E_OPERATION_NOT_STARTED ((HRESULT)0x80370115)
#define HCS_E_OPERATION_ALREADY_STARTED ((HRESULT)0x80370116)
#define HCS_E_OPERATION_PENDING ((HRESULT)0x80370117)
#define HCS_E_OPERATION_TIMEOUT ((HRESULT)0x80370118)
#define HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET ((HRESULT)0x80370119)

#define HCS_EVENT_SYSTEM_EXITED 0x00000001
#define HCS_EVENT_SYSTEM_CRASH_INITIATED 0x00000002
#define HCS_EVENT_OPERATION_CALLBACK 0x01000000
#define HCS_EVENT_SERVICE_DISCONNECT 0x02000000
#define HCS_EVENT_OPTION_ENABLE_OPERATION_CALLBACKS 1

#define GENERIC_ALL 0x10000000u
#define INFINITE_MS 0xFFFFFFFFu

/* ---- UTF-16 strings and JSON output (buf16.c) ---- */

typedef struct buf16 {
    char16_t *data;
    size_t len;
    size_t cap;
} buf16;

void b_ascii(buf16 *b, const char *s);
void b_quoted(buf16 *b, const char16_t *s);
void b_quoted_ascii(buf16 *b, const char *s);
void b_i64(buf16 *b, int64_t v);
void b_u64(buf16 *b, uint64_t v);
char16_t *b_finish(buf16 *b);

size_t u16len(const char16_t *s);
char16_t *u16dup(const char16_t *s);
int u16eq(const char16_t *a, const char16_t *b);
int u16eq_ascii(const char16_t *a, const char *b);

/* Caller-owned result documents; all three are called with the global lock held. */
char16_t *doc_publish(const char16_t *src);
int doc_release(void *p);
int doc_outstanding(void);
void doc_reset(void);

/* ---- JSON reading (json16.c); lookups assume json_valid() was true ---- */

int json_valid(const char16_t *s);
const char16_t *json_member(const char16_t *obj, const char *key);
const char16_t *json_path(const char16_t *doc, const char *const *keys);
const char16_t *json_first(const char16_t *array);
const char16_t *json_next(const char16_t *element);
const char16_t *json_first_value(const char16_t *obj);
const char16_t *json_next_value(const char16_t *value);
char16_t json_kind(const char16_t *value);
int json_u64(const char16_t *value, uint64_t *out);
int json_bool(const char16_t *value, int *out);
char16_t *json_string_dup(const char16_t *value);

/* ---- state shared by the exports (state.c) ---- */

enum vm_state { VM_CREATING, VM_CREATED, VM_RUNNING, VM_PAUSED, VM_STOPPED };

struct vm {
    struct vm *next;
    char16_t *id;
    char16_t *config;
    char16_t *owner;
    char16_t *exit_doc;
    enum vm_state state;
    int removed;          /* gone from HCS's view: stopped and no handle left */
    int handles;          /* open HCS_SYSTEM handles */
    int terminate_on_last_close;
    int has_plan9;
    int plan9_shares;
    uint64_t memory_mb;
    uint32_t processors;
    uint64_t working_set;
    uint64_t started_ns;
    uint64_t runtime_serial;
    const char *exit_type;
};

struct sys_handle {
    struct sys_handle *next;
    struct vm *vm;
    HCS_EVENT_CALLBACK cb;
    void *ctx;
    int32_t options;
    int in_callback;
    int closed;
};

enum op_state { OP_NOT_STARTED, OP_PENDING, OP_DONE };
enum op_kind {
    K_NONE, K_CREATE, K_START, K_SHUTDOWN, K_TERMINATE, K_PAUSE, K_RESUME, K_SAVE,
    K_PROPERTIES, K_MODIFY, K_ENUMERATE
};

struct op {
    struct op *next;
    enum op_state state;
    enum op_kind kind;
    HRESULT hr;
    char16_t *doc;
    char16_t *arg;
    void *ctx;
    HCS_OPERATION_COMPLETION cb;
    struct vm *vm;
    struct sys_handle *via;
    int closed;
    int parked;           /* a shutdown the guest ignores: completes only when the system stops */
    int in_callback;
};

enum task_kind { T_OP, T_AFTER_STOP, T_POWEROFF, T_CRASH, T_DISCONNECT };

extern pthread_mutex_t g_lock;
extern pthread_cond_t g_changed;
extern struct vm *g_vms;
extern struct sys_handle *g_handles;
extern struct op *g_ops;
extern int g_outstanding;
extern int g_violations;
extern uint32_t g_delay_ms;
extern int g_ignore_shutdown;

void dbl_init(void);
uint64_t now_ns(void);
int cond_wait_until(pthread_cond_t *cond, uint64_t deadline_ns);
uint64_t deadline_after_ms(uint32_t timeout_ms);

struct vm *find_vm(const char16_t *id);
struct sys_handle *find_handle(HCS_SYSTEM h);
struct op *find_op(HCS_OPERATION o);
struct sys_handle *new_handle(struct vm *vm);
void free_op(struct op *o);
void enqueue(enum task_kind kind, struct op *o, struct vm *vm, uint64_t delay_ns);
void wait_worker_idle(void);
void clear_tasks(void);
int on_worker_thread(void);

char16_t *result_error(HRESULT hr, const char *message);
HRESULT fail_now(struct op *o, HRESULT hr, const char *message);
void mark_stopped(struct vm *vm, const char *exit_type, HRESULT status, const char *detail,
                  const char *initiator);
void execute_op(struct op *o);
void complete_op(struct op *o, HRESULT hr, char16_t *doc);
void after_stop(struct vm *vm);
void deliver_event(struct vm *vm, struct sys_handle *only, int32_t type, const char16_t *data,
                   struct op *op);
char16_t *properties_doc(struct vm *vm, int statistics, int memory);

/* The log of system requests, in arrival order (double_control.c); called with g_lock held. */
void call_log_add(const char *export_name, const char16_t *id);
void call_log_reset(void);

/* Data disks (virtdisk_double.c); called with g_lock held. */
HRESULT scsi_check(const char16_t *id, const char16_t *config, const char **why);
void grants_reset(void);

#endif
