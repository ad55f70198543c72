// A SQLite VFS over the default one that sees every write and sync the store makes: it fails the
// n-th one, stops the "process" at the K-th sync, and forgets unsynced writes on a power loss.
#pragma once

#include <cstdint>
#include <optional>

#include "harness/targets/mem_vfs.h"
#include "harness/targets/undo.h"

namespace savefuzz {

// The storage of one in-process target, as a crash-consistency test needs to see it. SQLite does a
// connection's I/O on the calling thread, so a Disk::Use on that thread routes the store's I/O
// here; parallel workers each use their own Disk. Without a Use the VFS only forwards.
class Disk {
 public:
  struct Fault {
    bool on_sync = false;  // else on write
    unsigned n = 1;        // the n-th write (or sync) after arm() fails
    int sqlite_code = 0;   // SQLITE_IOERR_WRITE, SQLITE_FULL, ...
  };

  // `in_memory`: the files live in this Disk's MemFs (no system call per I/O), else on the file
  // system under the path the store opens.
  explicit Disk(bool in_memory = false) : in_memory_(in_memory) {}

  // Registers the VFS on first use and returns its name for records::Env::sqlite_vfs(): over the
  // in-memory files or over the real ones.
  static const char* vfs_name(bool in_memory);
  const char* vfs() const { return vfs_name(in_memory_); }

  // While alive, this thread's store I/O goes through `disk`.
  class Use {
   public:
    explicit Use(Disk& disk);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    Disk* previous_;
    MemFs* previous_fs_;
  };

  // Counts writes and syncs from now on: at the `crash_at_sync`-th sync the process "dies" (the
  // sync is not done, the disk freezes); `fault` fails its n-th call once.
  void arm(std::optional<unsigned> crash_at_sync, std::optional<Fault> fault);
  void disarm();
  bool fault_fired() const { return fired_; }

  // A killed process writes nothing more: every later write, sync, truncate and delete is dropped
  // (reads still work, so SQLite can close the abandoned connection) until thaw().
  void freeze() { frozen_ = true; }
  void thaw() { frozen_ = false; }
  bool frozen() const { return frozen_; }

  // Power loss: every file back to its content at its last completed sync (UndoLog::roll_back).
  // Call with the store closed (frozen).
  void lose_unsynced(std::uint32_t tear);
  std::size_t unsynced_writes() const { return undo_.size(); }

  // The VFS's side: each write or sync asks consult() (SQLITE_OK to go on, else the code to
  // return); writes and truncates of a named file leave an undo record until that file's sync.
  int consult(bool is_sync);
  UndoLog& undo() { return undo_; }
  bool in_memory() const { return in_memory_; }
  const MemFs& files() const { return mem_; }
  MemFs& files() { return mem_; }

 private:
  std::optional<unsigned> crash_at_sync_;
  std::optional<Fault> fault_;
  unsigned writes_ = 0, syncs_ = 0;
  bool fired_ = false, frozen_ = false, armed_ = false;
  UndoLog undo_;
  bool in_memory_ = false;
  MemFs mem_;
};

}  // namespace savefuzz
