// The storage-observing SQLite VFS (see disk_vfs.h).
#include "harness/targets/disk_vfs.h"

#include <algorithm>
#include <mutex>

#include <sqlite3.h>

#include "harness/targets/sqlite_heap.h"

namespace savefuzz {
namespace {

thread_local Disk* g_disk = nullptr;

// The VFS a wrapper forwards to: the system's, or the in-memory one.
sqlite3_vfs* real_vfs(sqlite3_vfs* wrapper) { return static_cast<sqlite3_vfs*>(wrapper->pAppData); }

// Our file object; the real VFS's file object lives right after it.
struct FaultFile {
  sqlite3_file base;
  const char* path;  // null for SQLite's nameless temporary files, which never need undoing
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

FaultFile* ff(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return ff(f)->real(); }

// The undo record of changing [offset, offset + length) of `f`, or of truncating it to `offset`.
UndoRecord undo_of(sqlite3_file* f, std::int64_t offset, std::int64_t length, bool truncate) {
  UndoRecord u;
  u.path = ff(f)->path;
  u.offset = offset;
  u.length = length;
  sqlite3_int64 size = 0;
  if (real(f)->pMethods->xFileSize(real(f), &size) != SQLITE_OK) size = 0;
  u.old_size = size;
  std::int64_t end = truncate ? size : std::min<std::int64_t>(size, offset + length);
  if (end > offset) {
    u.old_bytes.resize(static_cast<std::size_t>(end - offset));
    if (real(f)->pMethods->xRead(real(f), u.old_bytes.data(), static_cast<int>(end - offset), offset) != SQLITE_OK)
      u.old_bytes.clear();
  }
  return u;
}

int x_close(sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); }
int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) { return real(f)->pMethods->xRead(real(f), buf, n, off); }
int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (Disk* d = g_disk) {
    if (int rc = d->consult(false); rc != SQLITE_OK) return rc;
    if (ff(f)->path) d->undo().add(undo_of(f, off, n, false));
  }
  return real(f)->pMethods->xWrite(real(f), buf, n, off);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (Disk* d = g_disk) {
    if (d->frozen()) return SQLITE_IOERR_TRUNCATE;
    if (ff(f)->path) d->undo().add(undo_of(f, size, 0, true));
  }
  return real(f)->pMethods->xTruncate(real(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  Disk* d = g_disk;
  if (d)
    if (int rc = d->consult(true); rc != SQLITE_OK) return rc;
  int rc = real(f)->pMethods->xSync(real(f), flags);
  if (d && rc == SQLITE_OK && ff(f)->path) d->undo().synced(ff(f)->path);
  return rc;
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); }
int x_lock(sqlite3_file* f, int l) { return real(f)->pMethods->xLock(real(f), l); }
int x_unlock(sqlite3_file* f, int l) { return real(f)->pMethods->xUnlock(real(f), l); }
int x_check_reserved(sqlite3_file* f, int* out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); }
int x_file_control(sqlite3_file* f, int op, void* arg) { return real(f)->pMethods->xFileControl(real(f), op, arg); }
int x_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int x_device_characteristics(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
int x_shm_map(sqlite3_file* f, int pg, int sz, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), pg, sz, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) { return real(f)->pMethods->xShmLock(real(f), offset, n, flags); }
void x_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int x_shm_unmap(sqlite3_file* f, int del) {
  // A killed process deletes nothing.
  if (g_disk && g_disk->frozen()) del = 0;
  return real(f)->pMethods->xShmUnmap(real(f), del);
}
// No memory-mapped I/O: every write must pass through x_write to be seen.
int x_fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;
  return SQLITE_OK;
}
int x_unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods kMethods = {
    3,           x_close,         x_read,        x_write,        x_truncate,
    x_sync,      x_file_size,     x_lock,        x_unlock,       x_check_reserved,
    x_file_control, x_sector_size, x_device_characteristics, x_shm_map, x_shm_lock,
    x_shm_barrier, x_shm_unmap,   x_fetch,       x_unfetch,
};

int v_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = ff(f);
  file->path = name;  // SQLite keeps the name alive while the file is open
  sqlite3_vfs* r = real_vfs(vfs);
  int rc = r->xOpen(r, name, file->real(), flags, out_flags);
  file->base.pMethods = (rc == SQLITE_OK && file->real()->pMethods) ? &kMethods : nullptr;
  return rc;
}
int v_delete(sqlite3_vfs* vfs, const char* name, int sync) {
  if (Disk* d = g_disk) {
    if (d->frozen()) return SQLITE_OK;  // a killed process deletes nothing
    d->undo().synced(name);             // nothing of a deleted file is left to undo
  }
  return real_vfs(vfs)->xDelete(real_vfs(vfs), name, sync);
}
int v_access(sqlite3_vfs* v, const char* name, int flags, int* out) { return real_vfs(v)->xAccess(real_vfs(v), name, flags, out); }
int v_full_pathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return real_vfs(v)->xFullPathname(real_vfs(v), name, n, out);
}
void* v_dlopen(sqlite3_vfs* v, const char* name) { return real_vfs(v)->xDlOpen(real_vfs(v), name); }
void v_dlerror(sqlite3_vfs* v, int n, char* msg) { real_vfs(v)->xDlError(real_vfs(v), n, msg); }
void (*v_dlsym(sqlite3_vfs* v, void* h, const char* sym))(void) { return real_vfs(v)->xDlSym(real_vfs(v), h, sym); }
void v_dlclose(sqlite3_vfs* v, void* h) { real_vfs(v)->xDlClose(real_vfs(v), h); }
int v_randomness(sqlite3_vfs* v, int n, char* out) { return real_vfs(v)->xRandomness(real_vfs(v), n, out); }
int v_sleep(sqlite3_vfs* v, int us) { return real_vfs(v)->xSleep(real_vfs(v), us); }
int v_current_time(sqlite3_vfs* v, double* out) { return real_vfs(v)->xCurrentTime(real_vfs(v), out); }
int v_last_error(sqlite3_vfs* v, int n, char* out) { return real_vfs(v)->xGetLastError(real_vfs(v), n, out); }
int v_current_time64(sqlite3_vfs* v, sqlite3_int64* out) { return real_vfs(v)->xCurrentTimeInt64(real_vfs(v), out); }

// A wrapper named `name` over `real`, registered once.
sqlite3_vfs make_wrapper(const char* name, sqlite3_vfs* real) {
  sqlite3_vfs v{};
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(sizeof(FaultFile)) + real->szOsFile;
  v.mxPathname = real->mxPathname;
  v.zName = name;
  v.pAppData = real;
  v.xOpen = v_open;
  v.xDelete = v_delete;
  v.xAccess = v_access;
  v.xFullPathname = v_full_pathname;
  v.xDlOpen = v_dlopen;
  v.xDlError = v_dlerror;
  v.xDlSym = v_dlsym;
  v.xDlClose = v_dlclose;
  v.xRandomness = v_randomness;
  v.xSleep = v_sleep;
  v.xCurrentTime = v_current_time;
  v.xGetLastError = v_last_error;
  v.xCurrentTimeInt64 = v_current_time64;
  return v;
}

sqlite3_vfs g_on_files, g_in_memory;

}  // namespace

const char* Disk::vfs_name(bool in_memory) {
  static std::once_flag once;
  std::call_once(once, [] {
    // Before SQLite initialises (the first sqlite3_vfs_find does): no allocation statistics, which
    // take a global mutex on every allocation and which no target here reads; under ASan, the
    // in-process targets' heap (sqlite_heap.h).
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    use_sqlite_heap();
    g_on_files = make_wrapper("savefuzz-disk", sqlite3_vfs_find(nullptr));
    g_in_memory = make_wrapper("savefuzz-disk-mem", sqlite3_vfs_find(MemFs::vfs_name()));
    sqlite3_vfs_register(&g_on_files, /*makeDflt=*/0);
    sqlite3_vfs_register(&g_in_memory, /*makeDflt=*/0);
  });
  return in_memory ? g_in_memory.zName : g_on_files.zName;
}

Disk::Use::Use(Disk& disk) : previous_(g_disk), previous_fs_(MemFs::use(&disk.mem_)) { g_disk = &disk; }
Disk::Use::~Use() {
  g_disk = previous_;
  MemFs::use(previous_fs_);
}

void Disk::lose_unsynced(std::uint32_t tear) {
  if (!in_memory_) return undo_.roll_back(tear);
  undo_.roll_back(tear, [this](const UndoRecord& u, std::int64_t keep) { mem_.put_back(u, keep); });
}

void Disk::arm(std::optional<unsigned> crash_at_sync, std::optional<Fault> fault) {
  crash_at_sync_ = crash_at_sync;
  fault_ = fault;
  writes_ = syncs_ = 0;
  fired_ = false;
  armed_ = true;
}

void Disk::disarm() {
  armed_ = false;
  crash_at_sync_.reset();
  fault_.reset();
}

int Disk::consult(bool is_sync) {
  if (frozen_) return is_sync ? SQLITE_IOERR_FSYNC : SQLITE_IOERR_WRITE;
  if (!armed_) return SQLITE_OK;
  unsigned count = is_sync ? ++syncs_ : ++writes_;
  if (is_sync && crash_at_sync_ && count == *crash_at_sync_) {
    frozen_ = true;  // killed inside this sync: it never completes, nothing after it happens
    return SQLITE_IOERR_FSYNC;
  }
  if (fault_ && !fired_ && fault_->on_sync == is_sync && count == fault_->n) {
    fired_ = true;
    return fault_->sqlite_code;
  }
  return SQLITE_OK;
}

}  // namespace savefuzz
