/* The contract between savefuzz and libsavefuzz_faults.so, the library it preloads into a
 * --target-cmd target (LD_PRELOAD): a control block in a shared file that the harness arms before
 * each request, and an undo log of the target's unsynced writes. C, so that the library needs
 * nothing but libc. */
#ifndef SAVEFUZZ_FAULTLIB_CONTROL_H
#define SAVEFUZZ_FAULTLIB_CONTROL_H

#include <stdint.h>

#define SAVEFUZZ_CONTROL_ENV "SAVEFUZZ_FAULT_CONTROL" /* path of the control block */
#define SAVEFUZZ_UNDO_ENV "SAVEFUZZ_FAULT_UNDO"       /* path of the undo log */
#define SAVEFUZZ_CONTROL_MAGIC 0x4c464653u            /* "SFFL" */
#define SAVEFUZZ_CONTROL_VERSION 1u
#define SAVEFUZZ_UNDO_MAGIC 0x4e554653u               /* "SFUN" */

enum savefuzz_fault_on { SAVEFUZZ_FAULT_NONE = 0, SAVEFUZZ_FAULT_WRITE = 1, SAVEFUZZ_FAULT_SYNC = 2 };

/* Every field is read and written with atomic builtins: two processes share it. */
struct savefuzz_control {
  uint32_t magic, version;
  /* Harness: set before the request is sent, cleared after its answer. Counting of writes and
   * syncs starts at each arming. */
  uint32_t armed;
  uint32_t crash_at_sync;      /* 0: none; K: SIGKILL inside the K-th sync call */
  uint32_t crash_after_answer; /* 1: SIGKILL right after a newline is written to stdout */
  uint32_t fault_on;           /* savefuzz_fault_on */
  uint32_t fault_n;            /* the n-th write (or sync) fails */
  int32_t fault_errno;         /* with this errno */
  /* Library: */
  uint32_t writes, syncs; /* data-directory writes and syncs since arming */
  uint32_t fired;         /* the armed fault was injected */
  uint32_t answers;       /* newline-terminated writes to stdout: proof the library is in the target */
  uint64_t total_writes, total_syncs, total_undo_bytes; /* since the control block was made */
};

/* The undo log: records appended by the library, read by the harness after a kill. Kinds: */
enum savefuzz_undo_kind { SAVEFUZZ_UNDO_WRITE = 1, SAVEFUZZ_UNDO_TRUNCATE = 2, SAVEFUZZ_UNDO_SYNC = 3 };

/* Followed by path_len bytes of path and old_len bytes that [offset, offset + old_len) held. */
struct savefuzz_undo_header {
  uint32_t magic, kind, path_len, reserved;
  int64_t offset;   /* write: where; truncate: the new size */
  int64_t old_size; /* the file's size before */
  int64_t length;   /* bytes written (0 for truncate and sync) */
  uint64_t old_len;
};

#endif
