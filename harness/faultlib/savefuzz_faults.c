/* libsavefuzz_faults.so: preloaded into a --target-cmd target, it lets savefuzz (1) kill the
 * target inside its K-th sync call, (2) fail its n-th write or sync with EIO or ENOSPC, and (3)
 * undo, after a kill, every write not followed by a sync of its file (power loss). Only files
 * under $SAVEFUZZ_DATA_DIR count. What it cannot see: writes through mmap (msync is counted as a
 * sync, but its pages are not undone), stdio's internal writes in C programs (fwrite reaches the
 * kernel without the public write symbol), renames and unlinks (a directory's entries are taken
 * as durable), and statically linked programs (savefuzz detects those and falls back). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "harness/faultlib/control.h"

typedef ssize_t (*write_fn)(int, const void*, size_t);
typedef ssize_t (*pwrite_fn)(int, const void*, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec*, int);
typedef ssize_t (*pwritev_fn)(int, const struct iovec*, int, off_t);
typedef ssize_t (*pread_fn)(int, void*, size_t, off_t);
typedef int (*fd_fn)(int);
typedef int (*truncate_fn)(int, off_t);
typedef int (*sfr_fn)(int, off64_t, off64_t, unsigned int);
typedef int (*msync_fn)(void*, size_t, int);

static struct {
  write_fn write;
  pwrite_fn pwrite, pwrite64;
  writev_fn writev;
  pwritev_fn pwritev, pwritev64;
  pread_fn pread;
  fd_fn fsync, fdatasync;
  truncate_fn ftruncate, ftruncate64;
  sfr_fn sync_file_range;
  msync_fn msync;
} real;

static struct savefuzz_control* control;
static char data_dir[PATH_MAX];
static size_t data_dir_len;
static int undo_fd = -1;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void* next(const char* name) { return dlsym(RTLD_NEXT, name); }

static void init(void) {
  real.write = (write_fn)next("write");
  real.pwrite = (pwrite_fn)next("pwrite");
  real.pwrite64 = (pwrite_fn)next("pwrite64");
  real.writev = (writev_fn)next("writev");
  real.pwritev = (pwritev_fn)next("pwritev");
  real.pwritev64 = (pwritev_fn)next("pwritev64");
  real.pread = (pread_fn)next("pread");
  real.fsync = (fd_fn)next("fsync");
  real.fdatasync = (fd_fn)next("fdatasync");
  real.ftruncate = (truncate_fn)next("ftruncate");
  real.ftruncate64 = (truncate_fn)next("ftruncate64");
  real.sync_file_range = (sfr_fn)next("sync_file_range");
  real.msync = (msync_fn)next("msync");

  const char* dir = getenv("SAVEFUZZ_DATA_DIR");
  if (dir && realpath(dir, data_dir)) data_dir_len = strlen(data_dir);
  const char* path = getenv(SAVEFUZZ_CONTROL_ENV);
  if (path) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
      void* p = mmap(NULL, sizeof(struct savefuzz_control), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      close(fd);
      if (p != MAP_FAILED && ((struct savefuzz_control*)p)->magic == SAVEFUZZ_CONTROL_MAGIC &&
          ((struct savefuzz_control*)p)->version == SAVEFUZZ_CONTROL_VERSION)
        control = (struct savefuzz_control*)p;
    }
  }
  const char* undo = getenv(SAVEFUZZ_UNDO_ENV);
  if (undo) undo_fd = open(undo, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

__attribute__((constructor)) static void load(void) { pthread_once(&once, init); }
static void ready(void) { pthread_once(&once, init); }

static uint32_t get(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static uint32_t bump(uint32_t* p) { return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST); }

static void die(void) {
  kill(getpid(), SIGKILL);
  for (;;) pause();
}

/* The path of `fd` when it is a file or directory under the data directory, else 0. */
static int data_path(int fd, char* out) {
  if (fd <= 2 || !data_dir_len) return 0;
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, out, PATH_MAX - 1);
  if (n <= 0) return 0;
  out[n] = 0;
  return (size_t)n >= data_dir_len && memcmp(out, data_dir, data_dir_len) == 0 &&
         (out[data_dir_len] == '/' || out[data_dir_len] == 0);
}

static void append_undo(uint32_t kind, const char* path, int64_t offset, int64_t old_size, int64_t length,
                        const char* old, uint64_t old_len) {
  if (undo_fd < 0) return;
  struct savefuzz_undo_header h = {SAVEFUZZ_UNDO_MAGIC, kind, (uint32_t)strlen(path), 0, offset, old_size, length, old_len};
  struct iovec v[3] = {{&h, sizeof h}, {(void*)path, h.path_len}, {(void*)old, old_len}};
  real.writev(undo_fd, v, old_len ? 3 : 2);
  if (control) __atomic_add_fetch(&control->total_undo_bytes, sizeof h + h.path_len + old_len, __ATOMIC_SEQ_CST);
}

/* Before a write of `len` bytes at `offset` (-1: the file position) to `fd`: 0 to go on, or the
 * errno of the armed fault. Keeps the undo record when the file is not synchronous. */
static int before_write(int fd, int64_t offset, size_t len) {
  ready();
  char path[PATH_MAX];
  if (!data_path(fd, path)) return 0;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  if (control) {
    __atomic_add_fetch(&control->total_writes, 1, __ATOMIC_SEQ_CST);
    if (get(&control->armed)) {
      uint32_t n = bump(&control->writes);
      if (get(&control->fault_on) == SAVEFUZZ_FAULT_WRITE && n == get(&control->fault_n) && !get(&control->fired)) {
        __atomic_store_n(&control->fired, 1, __ATOMIC_SEQ_CST);
        return control->fault_errno ? control->fault_errno : EIO;
      }
    }
  }
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0 && (flags & (O_SYNC | O_DSYNC))) return 0; /* durable as written */
  if (offset < 0) offset = (flags >= 0 && (flags & O_APPEND)) ? st.st_size : lseek(fd, 0, SEEK_CUR);
  if (offset < 0) return 0;
  int64_t end = offset + (int64_t)len < st.st_size ? offset + (int64_t)len : st.st_size;
  uint64_t old_len = end > offset ? (uint64_t)(end - offset) : 0;
  char stack[4096];
  char* old = old_len <= sizeof stack ? stack : malloc(old_len);
  if (!old) return 0;
  ssize_t got = old_len ? real.pread(fd, old, old_len, offset) : 0;
  append_undo(SAVEFUZZ_UNDO_WRITE, path, offset, st.st_size, (int64_t)len, old, got > 0 ? (uint64_t)got : 0);
  if (old != stack) free(old);
  return 0;
}

/* Before a sync of `fd` (-1: msync, whose file is unknown): 0 to go on, or the errno of the armed
 * fault; dies here when this is the sync to crash in. Directory syncs are neither counted nor
 * failed: the power-loss model takes directory entries as durable, and SQLite ignores their
 * errors by design. */
static int before_sync(int fd, char* path, int* is_data) {
  ready();
  struct stat st;
  *is_data = fd >= 0 && data_path(fd, path) && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (!control || (fd >= 0 && !*is_data)) return 0;
  __atomic_add_fetch(&control->total_syncs, 1, __ATOMIC_SEQ_CST);
  if (!get(&control->armed)) return 0;
  uint32_t n = bump(&control->syncs);
  if (get(&control->crash_at_sync) == n) die();
  if (get(&control->fault_on) == SAVEFUZZ_FAULT_SYNC && n == get(&control->fault_n) && !get(&control->fired)) {
    __atomic_store_n(&control->fired, 1, __ATOMIC_SEQ_CST);
    return control->fault_errno ? control->fault_errno : EIO;
  }
  return 0;
}

static void after_sync(int rc, int is_data, const char* path) {
  if (rc == 0 && is_data) append_undo(SAVEFUZZ_UNDO_SYNC, path, 0, 0, 0, NULL, 0);
}

/* Whether a write of `v` to `fd` is an answer (a newline to stdout), and then whether the armed
 * crash_during wants the target dead right after it. Decided before the write: the harness arms the
 * next request as soon as it has read this answer, which may be before the write call returns. */
enum { NOT_ANSWER, ANSWER, ANSWER_THEN_DIE };
static int classify_write(int fd, const struct iovec* v, int count) {
  if (fd != 1 || !control) return NOT_ANSWER;
  for (int i = 0; i < count; ++i)
    if (v[i].iov_len && memchr(v[i].iov_base, '\n', v[i].iov_len)) {
      int die_after = get(&control->armed) && get(&control->crash_after_answer);
      bump(&control->answers); /* counted before the write: the harness checks it on reading */
      return die_after ? ANSWER_THEN_DIE : ANSWER;
    }
  return NOT_ANSWER;
}

static void after_answer(int kind, ssize_t written) {
  if (kind == ANSWER_THEN_DIE && written > 0) die();
}

#define FAIL_IF(rc) \
  do {              \
    if (rc) {       \
      errno = (rc); \
      return -1;    \
    }               \
  } while (0)

ssize_t write(int fd, const void* buf, size_t n) {
  FAIL_IF(before_write(fd, -1, n));
  struct iovec v = {(void*)buf, n};
  int answer = classify_write(fd, &v, 1);
  ssize_t r = real.write(fd, buf, n);
  after_answer(answer, r);
  return r;
}

static ssize_t do_pwrite(pwrite_fn f, int fd, const void* buf, size_t n, off_t off) {
  FAIL_IF(before_write(fd, off, n));
  return f(fd, buf, n, off);
}
ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) { ready(); return do_pwrite(real.pwrite, fd, buf, n, off); }
ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) { ready(); return do_pwrite(real.pwrite64, fd, buf, n, off); }

static size_t total(const struct iovec* v, int count) {
  size_t n = 0;
  for (int i = 0; i < count; ++i) n += v[i].iov_len;
  return n;
}

ssize_t writev(int fd, const struct iovec* v, int count) {
  FAIL_IF(before_write(fd, -1, total(v, count)));
  int answer = classify_write(fd, v, count);
  ssize_t r = real.writev(fd, v, count);
  after_answer(answer, r);
  return r;
}

static ssize_t do_pwritev(pwritev_fn f, int fd, const struct iovec* v, int count, off_t off) {
  FAIL_IF(before_write(fd, off, total(v, count)));
  return f(fd, v, count, off);
}
ssize_t pwritev(int fd, const struct iovec* v, int count, off_t off) { ready(); return do_pwritev(real.pwritev, fd, v, count, off); }
ssize_t pwritev64(int fd, const struct iovec* v, int count, off_t off) { ready(); return do_pwritev(real.pwritev64, fd, v, count, off); }

static int do_ftruncate(truncate_fn f, int fd, off_t size) {
  ready();
  char path[PATH_MAX];
  struct stat st;
  if (data_path(fd, path) && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && size < st.st_size) {
    uint64_t old_len = (uint64_t)(st.st_size - size);
    char* old = malloc(old_len);
    if (old) {
      ssize_t got = real.pread(fd, old, old_len, size);
      append_undo(SAVEFUZZ_UNDO_TRUNCATE, path, size, st.st_size, 0, old, got > 0 ? (uint64_t)got : 0);
      free(old);
    }
  } else if (data_path(fd, path) && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    append_undo(SAVEFUZZ_UNDO_TRUNCATE, path, size, st.st_size, 0, NULL, 0);
  }
  return f(fd, size);
}
int ftruncate(int fd, off_t size) { ready(); return do_ftruncate(real.ftruncate, fd, size); }
int ftruncate64(int fd, off_t size) { ready(); return do_ftruncate(real.ftruncate64, fd, size); }

static int do_sync(fd_fn f, int fd) {
  char path[PATH_MAX];
  int is_data = 0;
  FAIL_IF(before_sync(fd, path, &is_data));
  int rc = f(fd);
  after_sync(rc, is_data, path);
  return rc;
}
int fsync(int fd) { ready(); return do_sync(real.fsync, fd); }
int fdatasync(int fd) { ready(); return do_sync(real.fdatasync, fd); }

int sync_file_range(int fd, off64_t offset, off64_t nbytes, unsigned int flags) {
  ready();
  char path[PATH_MAX];
  int is_data = 0;
  FAIL_IF(before_sync(fd, path, &is_data));
  /* Not a durability point (no metadata, no disk cache flush): the undo records stay. */
  return real.sync_file_range(fd, offset, nbytes, flags);
}

int msync(void* addr, size_t length, int flags) {
  ready();
  char path[1];
  int is_data = 0;
  FAIL_IF(before_sync(-1, path, &is_data));
  return real.msync(addr, length, flags);
}
