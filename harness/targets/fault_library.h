// savefuzz's side of libsavefuzz_faults.so (harness/faultlib/): the control block it arms before
// each request, the environment that preloads the library into a target, and the undo log it
// rolls back on a power loss.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "harness/core/storage_fault.h"
#include "harness/targets/data_dir.h"

struct savefuzz_control;

namespace savefuzz {

// Where the library is: $SAVEFUZZ_FAULT_LIBRARY, else beside the running program, else where the
// build put it; empty when none exists.
std::filesystem::path default_fault_library();

class FaultLibrary {
 public:
  // The control block and the undo log go in a fresh directory under `root` named `prefix`*
  // (never inside a target's data directory), locked as a DataDir is for as long as this object
  // lives. Throws SetupError when they cannot be made.
  FaultLibrary(std::filesystem::path library, const std::filesystem::path& root,
               std::string_view prefix = kFaultDirPrefix);
  ~FaultLibrary();
  FaultLibrary(const FaultLibrary&) = delete;
  FaultLibrary& operator=(const FaultLibrary&) = delete;

  // The variables that preload the library into a child (added to `env`).
  void add_environment(std::map<std::string, std::string>& env) const;

  // How many answers the library saw the target write: zero after a hello means it did not load
  // into the process that answered (a statically linked program, or LD_PRELOAD dropped).
  std::uint32_t answers() const;

  // Arms the next request: count its writes and syncs, kill it inside its `crash_at_sync`-th sync
  // (or right after its answer when `crash_after_answer`), fail `fault`'s n-th call.
  void arm(std::optional<unsigned> crash_at_sync, bool crash_after_answer, const StorageFault* fault);
  void disarm();
  bool fired() const;

  // Power loss, with the target dead: every file of the data directory back to its last sync
  // (UndoLog::roll_back); the log starts over. Throws SetupError on a log it cannot read.
  void lose_unsynced(std::uint32_t tear);
  // A new data directory: nothing earlier can be undone.
  void forget_unsynced();
  // Before a target starts on the same data directory: a target killed while the library was
  // appending to the undo log (a thread still writing when savefuzz killed it) leaves a record cut
  // short, and the next process would append after it, making the rest of the log unreadable at
  // the next power loss. The log is cut at its last whole record; that record's write never began.
  void cut_torn_record();

  struct Stats {
    std::uint64_t writes = 0, syncs = 0, undo_bytes = 0;
  };
  Stats stats() const;

 private:
  std::filesystem::path library_;
  DataDir dir_;
  std::filesystem::path undo_;
  savefuzz_control* control_ = nullptr;
};

}  // namespace savefuzz
