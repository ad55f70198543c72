// Per-run data directories, on a RAM-backed filesystem by default.
#pragma once

#include <filesystem>
#include <string>

namespace savefuzz {

// /dev/shm when it exists (a sync costs nothing there: durability against SIGKILL is tested the
// same, and throughput measures the harness and the target rather than the disk), else the
// system temporary directory.
std::filesystem::path default_data_root();
// Where default_data_root() came from, for errors: "$SAVEFUZZ_DATA_ROOT" or "the default data root".
std::string default_data_root_origin();

// A fresh directory under `root`, removed on destruction unless keep() was called.
class DataDir {
 public:
  explicit DataDir(const std::filesystem::path& root);
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

}  // namespace savefuzz
