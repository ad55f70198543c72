// The in-memory SQLite VFS (see mem_vfs.h). One connection at a time uses a file (the in-process
// target closes or abandons its store before opening it again), so locks always succeed.
#include "harness/targets/mem_vfs.h"

#include <atomic>
#include <cstring>
#include <fstream>
#include <mutex>
#include <new>
#include <vector>

#include <sqlite3.h>

namespace savefuzz {

namespace {

// A file's bytes, in blocks: it grows without copying what it holds, and no block is large
// enough for ASan to map it afresh (it maps each allocation over 128 KiB on its own and unmaps it
// when freed, so a WAL kept in one string took a page fault for every page it grew by).
class Blocks {
 public:
  std::size_t size() const { return size_; }

  void read(char* out, std::size_t n, std::size_t off) const {  // off + n <= size()
    for_each_piece(n, off, [&](char* block, std::size_t done, std::size_t len) { std::memcpy(out + done, block, len); });
  }
  void write(const char* in, std::size_t n, std::size_t off) {
    if (off + n > size_) resize(off + n);
    for_each_piece(n, off, [&](char* block, std::size_t done, std::size_t len) { std::memcpy(block, in + done, len); });
  }
  // Bytes past the size are zero in every block held, so growing only adds blocks.
  void resize(std::size_t n) {
    if (n < size_ && n % kBlock != 0) {
      std::size_t tail_end = std::min(size_, (n / kBlock + 1) * kBlock);
      std::memset(blocks_[n / kBlock].get() + n % kBlock, 0, tail_end - n);
    }
    std::size_t count = (n + kBlock - 1) / kBlock;
    if (count < blocks_.size()) blocks_.resize(count);
    while (blocks_.size() < count) blocks_.push_back(std::make_unique<char[]>(kBlock));  // zeroed
    size_ = n;
  }
  std::string bytes() const {
    std::string out(size_, '\0');
    read(out.data(), size_, 0);
    return out;
  }

 private:
  static constexpr std::size_t kBlock = 64 * 1024;

  template <typename F>
  void for_each_piece(std::size_t n, std::size_t off, F&& f) const {
    for (std::size_t done = 0; done < n;) {
      std::size_t at = (off + done) % kBlock;
      std::size_t len = std::min(n - done, kBlock - at);
      f(blocks_[(off + done) / kBlock].get() + at, done, len);
      done += len;
    }
  }

  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t size_ = 0;
};

}  // namespace

struct MemFs::File {
  Blocks data;
  // The WAL index of a database file. Like the unix VFS's -shm file, which the first connection
  // to open it truncates, it starts empty whenever no connection has it mapped: SQLite rebuilds
  // it from the WAL, as it does after a crash.
  std::vector<std::unique_ptr<char[]>> shm;
  int shm_users = 0;
};

struct MemVfsAccess {
  static auto& files(MemFs& fs) { return fs.files_; }
};

namespace {

thread_local MemFs* g_fs = nullptr;
sqlite3_vfs* g_default = nullptr;

// SQLite allocates szOsFile bytes for this; it is constructed in xOpen and destroyed in xClose.
struct Handle {
  sqlite3_file base;
  std::shared_ptr<MemFs::File> file;
  MemFs* fs = nullptr;
  std::string delete_on_close;  // the name to remove at close, for SQLITE_OPEN_DELETEONCLOSE
  bool shm_mapped = false;
};

Handle* h(sqlite3_file* f) { return reinterpret_cast<Handle*>(f); }
Blocks& data(sqlite3_file* f) { return h(f)->file->data; }

void unmap_shm(Handle* handle) {
  if (!handle->shm_mapped) return;
  handle->shm_mapped = false;
  if (--handle->file->shm_users == 0) handle->file->shm.clear();
}

int x_close(sqlite3_file* f) {
  Handle* handle = h(f);
  unmap_shm(handle);
  if (!handle->delete_on_close.empty() && handle->fs) MemVfsAccess::files(*handle->fs).erase(handle->delete_on_close);
  handle->~Handle();
  return SQLITE_OK;
}
int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  const Blocks& d = data(f);
  auto size = static_cast<sqlite3_int64>(d.size());
  sqlite3_int64 got = off >= size ? 0 : std::min<sqlite3_int64>(n, size - off);
  if (got > 0) d.read(static_cast<char*>(buf), static_cast<std::size_t>(got), static_cast<std::size_t>(off));
  if (got == n) return SQLITE_OK;
  std::memset(static_cast<char*>(buf) + got, 0, static_cast<std::size_t>(n - got));
  return SQLITE_IOERR_SHORT_READ;
}
int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  data(f).write(static_cast<const char*>(buf), static_cast<std::size_t>(n), static_cast<std::size_t>(off));
  return SQLITE_OK;
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  data(f).resize(static_cast<std::size_t>(size));
  return SQLITE_OK;
}
int x_sync(sqlite3_file*, int) { return SQLITE_OK; }
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  *size = static_cast<sqlite3_int64>(data(f).size());
  return SQLITE_OK;
}
int x_lock(sqlite3_file*, int) { return SQLITE_OK; }
int x_unlock(sqlite3_file*, int) { return SQLITE_OK; }
int x_check_reserved(sqlite3_file*, int* out) {
  *out = 0;
  return SQLITE_OK;
}
int x_file_control(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }
int x_sector_size(sqlite3_file*) { return 4096; }  // the unix VFS's default
// What the unix VFS announces on a common file system: a write never damages bytes outside it.
int x_device_characteristics(sqlite3_file*) { return SQLITE_IOCAP_POWERSAFE_OVERWRITE; }
int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  Handle* handle = h(f);
  auto& shm = handle->file->shm;
  if (static_cast<int>(shm.size()) <= region) {
    if (!extend) {
      *out = nullptr;
      return SQLITE_OK;
    }
    // Zeroed, as a new region of the unix VFS's -shm file is.
    while (static_cast<int>(shm.size()) <= region) shm.push_back(std::make_unique<char[]>(static_cast<std::size_t>(size)));
  }
  if (!handle->shm_mapped) {
    handle->shm_mapped = true;
    ++handle->file->shm_users;
  }
  *out = shm[static_cast<std::size_t>(region)].get();
  return SQLITE_OK;
}
int x_shm_lock(sqlite3_file*, int, int, int) { return SQLITE_OK; }
void x_shm_barrier(sqlite3_file*) { std::atomic_thread_fence(std::memory_order_seq_cst); }
int x_shm_unmap(sqlite3_file* f, int) {
  unmap_shm(h(f));
  return SQLITE_OK;
}

const sqlite3_io_methods kMethods = {
    2,           x_close,         x_read,        x_write,        x_truncate,
    x_sync,      x_file_size,     x_lock,        x_unlock,       x_check_reserved,
    x_file_control, x_sector_size, x_device_characteristics, x_shm_map, x_shm_lock,
    x_shm_barrier, x_shm_unmap,   nullptr,       nullptr,
};

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  f->pMethods = nullptr;
  MemFs* fs = g_fs;
  if (!fs) return SQLITE_CANTOPEN;
  std::shared_ptr<MemFs::File> file;
  if (!name) {
    file = std::make_shared<MemFs::File>();  // a nameless temporary file
  } else {
    auto& files = MemVfsAccess::files(*fs);
    auto it = files.find(std::string_view(name));
    if (it == files.end()) {
      if (!(flags & SQLITE_OPEN_CREATE)) return SQLITE_CANTOPEN;
      it = files.emplace(name, std::make_shared<MemFs::File>()).first;
    } else if ((flags & SQLITE_OPEN_EXCLUSIVE) && (flags & SQLITE_OPEN_CREATE)) {
      return SQLITE_CANTOPEN;
    }
    file = it->second;
  }
  auto* handle = new (f) Handle{};
  handle->file = std::move(file);
  handle->fs = fs;
  if (name && (flags & SQLITE_OPEN_DELETEONCLOSE)) handle->delete_on_close = name;
  f->pMethods = &kMethods;
  if (out_flags) *out_flags = flags;
  return SQLITE_OK;
}
int v_delete(sqlite3_vfs*, const char* name, int) {
  if (!g_fs) return SQLITE_OK;
  auto& files = MemVfsAccess::files(*g_fs);
  if (auto it = files.find(std::string_view(name)); it != files.end()) files.erase(it);
  return SQLITE_OK;
}
int v_access(sqlite3_vfs*, const char* name, int, int* out) {
  *out = g_fs && MemVfsAccess::files(*g_fs).count(std::string_view(name)) ? 1 : 0;
  return SQLITE_OK;
}
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  sqlite3_snprintf(n, out, "%s", name);
  return SQLITE_OK;
}
void* v_dlopen(sqlite3_vfs*, const char* name) { return g_default->xDlOpen(g_default, name); }
void v_dlerror(sqlite3_vfs*, int n, char* msg) { g_default->xDlError(g_default, n, msg); }
void (*v_dlsym(sqlite3_vfs*, void* lib, const char* sym))(void) { return g_default->xDlSym(g_default, lib, sym); }
void v_dlclose(sqlite3_vfs*, void* lib) { g_default->xDlClose(g_default, lib); }
int v_randomness(sqlite3_vfs*, int n, char* out) { return g_default->xRandomness(g_default, n, out); }
int v_sleep(sqlite3_vfs*, int us) { return g_default->xSleep(g_default, us); }
int v_current_time(sqlite3_vfs*, double* out) { return g_default->xCurrentTime(g_default, out); }
int v_last_error(sqlite3_vfs*, int n, char* out) { return g_default->xGetLastError(g_default, n, out); }
int v_current_time64(sqlite3_vfs*, sqlite3_int64* out) { return g_default->xCurrentTimeInt64(g_default, out); }

sqlite3_vfs g_vfs;

}  // namespace

MemFs::MemFs() = default;
MemFs::~MemFs() = default;
MemFs::MemFs(MemFs&&) noexcept = default;
MemFs& MemFs::operator=(MemFs&&) noexcept = default;

const char* MemFs::vfs_name() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_default = sqlite3_vfs_find(nullptr);
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(Handle));
    g_vfs.mxPathname = 1024;
    g_vfs.zName = "savefuzz-mem";
    g_vfs.xOpen = v_open;
    g_vfs.xDelete = v_delete;
    g_vfs.xAccess = v_access;
    g_vfs.xFullPathname = v_full_pathname;
    g_vfs.xDlOpen = v_dlopen;
    g_vfs.xDlError = v_dlerror;
    g_vfs.xDlSym = v_dlsym;
    g_vfs.xDlClose = v_dlclose;
    g_vfs.xRandomness = v_randomness;
    g_vfs.xSleep = v_sleep;
    g_vfs.xCurrentTime = v_current_time;
    g_vfs.xGetLastError = v_last_error;
    g_vfs.xCurrentTimeInt64 = v_current_time64;
    sqlite3_vfs_register(&g_vfs, /*makeDflt=*/0);
  });
  return g_vfs.zName;
}

MemFs* MemFs::use(MemFs* fs) {
  MemFs* previous = g_fs;
  g_fs = fs;
  return previous;
}

void MemFs::put_back(const UndoRecord& u, std::int64_t keep) {
  auto it = files_.find(u.path);
  if (it == files_.end()) return;  // deleted since: nothing to put back
  Blocks& d = it->second->data;
  auto old_len = static_cast<std::int64_t>(u.old_bytes.size());
  std::int64_t from = std::min(keep, old_len);
  if (from < old_len)
    d.write(u.old_bytes.data() + from, static_cast<std::size_t>(old_len - from), static_cast<std::size_t>(u.offset + from));
  auto size = static_cast<std::size_t>(std::max(u.old_size, u.offset + keep));
  if (d.size() > size) d.resize(size);
}

MemFs::Image MemFs::image() const {
  Image out;
  for (const auto& [path, file] : files_) out[std::filesystem::path(path).filename().string()] = file->data.bytes();
  return out;
}

void MemFs::load(const std::filesystem::path& dir, const Image& image) {
  for (const auto& [name, data] : image) {
    auto file = std::make_shared<File>();
    file->data.write(data.data(), data.size(), 0);
    files_[(dir / name).string()] = std::move(file);
  }
}

void MemFs::write_to(const std::filesystem::path& dir) const {
  for (const auto& [path, file] : files_) {
    std::string bytes = file->data.bytes();
    std::ofstream(dir / std::filesystem::path(path).filename(), std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
}

}  // namespace savefuzz
