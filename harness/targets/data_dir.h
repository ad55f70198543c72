// Per-run data directories, on a RAM-backed filesystem by default.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace savefuzz {

// /dev/shm when it exists (a sync costs nothing there: durability against SIGKILL is tested the
// same, and throughput measures the harness and the target rather than the disk), else the
// system temporary directory.
std::filesystem::path default_data_root();
// Where default_data_root() came from, for errors: "$SAVEFUZZ_DATA_ROOT" or "the default data root".
std::string default_data_root_origin();

inline constexpr std::string_view kDataDirPrefix = "savefuzz-data-";
// The fault library's control block and undo log (fault_library.h), never kept.
inline constexpr std::string_view kFaultDirPrefix = "savefuzz-faults-";

// A fresh directory under `root` named `prefix` and six random characters, removed on destruction
// unless keep() was called. It is locked (flock) for as long as this object lives, so that
// remove_abandoned_data_dirs can tell it from a directory whose process is gone.
class DataDir {
 public:
  explicit DataDir(const std::filesystem::path& root, std::string_view prefix = kDataDirPrefix);
  ~DataDir();
  DataDir(const DataDir&) = delete;
  DataDir& operator=(const DataDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  void keep() { keep_ = true; }
  bool kept() const { return keep_; }
  // Removes what the directory holds, leaving it as new: cheaper than another directory (no
  // mkdir and rmdir) for a target that starts once per fuzz input.
  void clear();

 private:
  bool empty();

  std::filesystem::path path_;
  int fd_ = -1;  // the directory, open for the life of this object: see empty()
  bool keep_ = false;
};

// Removes the directories under `root` named `prefix`* that no process holds and that are a
// minute old or more: those of processes that ended without running destructors. A fuzzer ends
// so on a timeout, an out-of-memory exit or a sanitizer report, and a night of fork-mode fuzzing
// would leave one per child. For prefixes whose directories are never kept for a report.
void remove_abandoned_data_dirs(const std::filesystem::path& root, std::string_view prefix);

}  // namespace savefuzz
