// SQLite files in memory: the in-process target's storage, so an execution makes no system call
// for its database (opening, locking, writing and deleting files in tmpfs cost more than the
// save path itself). The Disk VFS wraps this one exactly as it wraps the real one, so crashes,
// power losses and storage faults keep their meaning.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "harness/targets/undo.h"

namespace savefuzz {

// The files of one target, by the path SQLite opened them with. A thread's opens go to the
// MemFs of its Disk::Use; parallel workers each have their own.
class MemFs {
 public:
  struct File;

  MemFs();
  ~MemFs();
  MemFs(MemFs&&) noexcept;
  MemFs& operator=(MemFs&&) noexcept;

  // Registers the VFS on first use and returns its name.
  static const char* vfs_name();
  // This thread's SQLite opens through vfs_name() use `fs` (nullptr: none, opens fail).
  static MemFs* use(MemFs* fs);

  // Power loss: puts back what `u` changed, keeping its first `keep` bytes (UndoLog::roll_back).
  void put_back(const UndoRecord& u, std::int64_t keep);

  // Writes every file into `dir` under its own file name, for a finding's kept data.
  void write_to(const std::filesystem::path& dir) const;

  // The files by file name, and the same files put under another directory: a copy of a store
  // as a start left it, for the next start to begin from.
  using Image = std::map<std::string, std::string>;
  Image image() const;
  void load(const std::filesystem::path& dir, const Image& image);

  std::size_t file_count() const { return files_.size(); }

 private:
  friend struct MemVfsAccess;
  std::map<std::string, std::shared_ptr<File>, std::less<>> files_;
};

}  // namespace savefuzz
