/*
 * The virtdisk.dll half of the double, and HcsGrantVmAccess: what the HCS driver needs for a VM's
 * data disk, with the Windows x64 ABI.
 *
 *   - CreateVirtualDisk checks the documented parameters the driver must get right (VHDX from
 *     Microsoft, CREATE_VIRTUAL_DISK_PARAMETERS version 2 at its explicit offsets, no access mask
 *     with version 2, a size in whole sectors, a block size HCS accepts, no parent or source) and
 *     creates a file that starts with the VHDX signature "vhdxfile", followed by a text line with
 *     what was asked ("uvm-double size=N block=N sparse=0|1").
 *   - HcsGrantVmAccess records which compute system id may open which file.
 *   - HcsCreateComputeSystem (computecore_double.c) calls scsi_check: every SCSI attachment must
 *     be a VirtualDisk whose file exists, starts with "vhdxfile" and was granted to the system (on
 *     Windows, HcsStartComputeSystem would fail with E_ACCESSDENIED; the double fails earlier).
 */
#include "double.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ERROR_SUCCESS 0u
#define ERROR_FILE_NOT_FOUND 2u
#define ERROR_ACCESS_DENIED 5u
#define ERROR_INVALID_PARAMETER 87u
#define ERROR_FILE_EXISTS 80u
#define E_ACCESSDENIED ((HRESULT)0x80070005)
#define HR_FILE_NOT_FOUND ((HRESULT)0x80070002)
#define VIRTUAL_STORAGE_TYPE_DEVICE_VHDX 3u
#define CREATE_VIRTUAL_DISK_FLAG_SPARSE_FILE 0x80u
#define CREATE_FLAGS_KNOWN 0x3FFu
#define PARAMETERS_V2_SIZE 128

#define LOCK() pthread_mutex_lock(&g_lock)
#define UNLOCK() pthread_mutex_unlock(&g_lock)

/* {EC984AEC-A0F9-47E9-901F-71415A66345B} in memory order */
static const unsigned char VENDOR_MICROSOFT[16] = {0xEC, 0x4A, 0x98, 0xEC, 0xF9, 0xA0, 0xE9, 0x47,
                                                   0x90, 0x1F, 0x71, 0x41, 0x5A, 0x66, 0x34, 0x5B};

struct grant {
    struct grant *next;
    char16_t *id;
    char *path;
};
static struct grant *g_grants;
static int g_disk_handles;

/* UTF-16 to a malloc'd byte string; the double's paths are ASCII. */
static char *narrow(const char16_t *s)
{
    size_t n = u16len(s);
    char *out = malloc(n + 1);
    for (size_t i = 0; i < n; i++) out[i] = s[i] < 0x80 ? (char)s[i] : '?';
    out[n] = 0;
    return out;
}

static uint64_t u64_at(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint32_t u32_at(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* CREATE_VIRTUAL_DISK_PARAMETERS version 2: Version at 0; UniqueId 8, MaximumSize 24,
 * BlockSizeInBytes 32, SectorSizeInBytes 36, PhysicalSectorSizeInBytes 40, ParentPath 48,
 * SourcePath 56, OpenFlags 64, ParentVirtualStorageType 68, SourceVirtualStorageType 88,
 * ResiliencyGuid 108; 128 bytes. */
EXPORT uint32_t CreateVirtualDisk(const unsigned char *storage_type, const char16_t *path, uint32_t access_mask,
                                  const void *security_descriptor, uint32_t flags, uint32_t provider_flags,
                                  const unsigned char *parameters, const void *overlapped, void **handle)
{
    if (!storage_type || !path || !parameters || !handle || overlapped || security_descriptor) {
        return ERROR_INVALID_PARAMETER;
    }
    *handle = NULL;
    uint64_t size = u64_at(parameters + 24);
    uint32_t block = u32_at(parameters + 32), sector = u32_at(parameters + 36);
    int bad = u32_at(storage_type) != VIRTUAL_STORAGE_TYPE_DEVICE_VHDX || memcmp(storage_type + 4, VENDOR_MICROSOFT, 16)
              || u32_at(parameters) != 2 || access_mask != 0 || provider_flags != 0 || (flags & ~CREATE_FLAGS_KNOWN)
              || size == 0 || size % 512 != 0 || (sector != 0 && sector != 512 && sector != 4096)
              || (block != 0 && (block < (1u << 20) || block > (256u << 20) || (block & (block - 1))))
              || u64_at(parameters + 48) || u64_at(parameters + 56);
    if (bad) {
        return ERROR_INVALID_PARAMETER;
    }
    char *file = narrow(path);
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    uint32_t rc = ERROR_SUCCESS;
    if (fd < 0) {
        rc = errno == EEXIST ? ERROR_FILE_EXISTS : errno == ENOENT ? ERROR_FILE_NOT_FOUND : ERROR_ACCESS_DENIED;
    } else {
        dprintf(fd, "vhdxfile\nuvm-double size=%llu block=%u sparse=%d\n", (unsigned long long)size, block,
                (flags & CREATE_VIRTUAL_DISK_FLAG_SPARSE_FILE) ? 1 : 0);
        close(fd);
        LOCK();
        g_disk_handles++;
        UNLOCK();
        *handle = malloc(1);
    }
    free(file);
    return rc;
}

/* kernel32's CloseHandle, for the handles CreateVirtualDisk returns. */
EXPORT BOOL CloseHandle(void *handle)
{
    if (!handle) return 0;
    LOCK();
    g_disk_handles--;
    UNLOCK();
    free(handle);
    return 1;
}

EXPORT HRESULT HcsGrantVmAccess(const char16_t *vm_id, const char16_t *file_path)
{
    if (!vm_id || !file_path || !*vm_id) return E_INVALIDARG;
    char *path = narrow(file_path);
    if (access(path, F_OK) != 0) {
        free(path);
        return HR_FILE_NOT_FOUND;
    }
    LOCK();
    call_log_add("HcsGrantVmAccess", vm_id);
    struct grant *g = calloc(1, sizeof *g);
    g->id = u16dup(vm_id);
    g->path = path;
    g->next = g_grants;
    g_grants = g;
    UNLOCK();
    return S_OK;
}

/* g_lock held. */
static int granted(const char16_t *id, const char *path)
{
    for (struct grant *g = g_grants; g; g = g->next) {
        if (u16eq(g->id, id) && strcmp(g->path, path) == 0) return 1;
    }
    return 0;
}

static int is_vhdx(const char *path)
{
    char magic[8];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, magic, sizeof magic);
    close(fd);
    return n == sizeof magic && memcmp(magic, "vhdxfile", 8) == 0;
}

HRESULT scsi_check(const char16_t *id, const char16_t *config, const char **why)
{
    static const char *const scsi_path[] = {"VirtualMachine", "Devices", "Scsi", NULL};
    const char16_t *controllers = json_path(config, scsi_path);
    if (!controllers) return S_OK;
    if (json_kind(controllers) != '{') {
        *why = "Devices.Scsi must be an object of controllers";
        return HCS_E_INVALID_JSON;
    }
    for (const char16_t *c = json_first_value(controllers); c; c = json_next_value(c)) {
        const char16_t *attachments = json_member(c, "Attachments");
        for (const char16_t *a = json_first_value(attachments); a; a = json_next_value(a)) {
            char16_t *type = json_string_dup(json_member(a, "Type"));
            char16_t *wide = json_string_dup(json_member(a, "Path"));
            int virtual_disk = type && u16eq_ascii(type, "VirtualDisk");
            char *path = wide ? narrow(wide) : NULL;
            HRESULT hr = S_OK;
            if (!virtual_disk || !path) {
                *why = "a SCSI attachment needs Type VirtualDisk and a Path";
                hr = HCS_E_INVALID_JSON;
            } else if (is_vhdx(path) < 0) {
                *why = "the SCSI attachment's file does not exist";
                hr = HR_FILE_NOT_FOUND;
            } else if (!is_vhdx(path)) {
                *why = "the SCSI attachment's file is not a VHDX";
                hr = E_INVALIDARG;
            } else if (!granted(id, path)) {
                *why = "the VM may not open the SCSI attachment's file: HcsGrantVmAccess was not called for it";
                hr = E_ACCESSDENIED;
            }
            free(type);
            free(wide);
            free(path);
            if (FAILED_HR(hr)) return hr;
        }
    }
    return S_OK;
}

/* ---- test control ---- */

/* Handles from CreateVirtualDisk not yet closed with CloseHandle. */
EXPORT int32_t DoubleOpenDiskHandles(void)
{
    LOCK();
    int n = g_disk_handles;
    UNLOCK();
    return n;
}

/* Forgets every HcsGrantVmAccess; called by DoubleReset with g_lock held. */
void grants_reset(void)
{
    while (g_grants) {
        struct grant *g = g_grants;
        g_grants = g->next;
        free(g->id);
        free(g->path);
        free(g);
    }
}
