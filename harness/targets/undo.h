// Power loss on a real file system: putting back what writes since a file's last sync replaced.
// Shared by the in-process Disk VFS and the preload library's undo log.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace savefuzz {

// One write (or truncate) of a file that no sync of that file has followed yet.
struct UndoRecord {
  std::string path;
  std::int64_t offset = 0;    // write: where; truncate: the new size
  std::string old_bytes;      // what [offset, offset + size) held before (short past the end)
  std::int64_t old_size = 0;  // the file's size before
  std::int64_t length = 0;    // bytes written (0: a truncate)
};

// The records of writes since each file's last sync, oldest first: `all` with every record of
// `path` dropped when a sync of `path` comes.
class UndoLog {
 public:
  void add(UndoRecord r) { records_.push_back(std::move(r)); }
  void synced(const std::string& path);
  std::size_t size() const { return records_.size(); }
  void clear() { records_.clear(); }

  // Puts every file back as it was at its last sync, newest write first. The newest write of all
  // was in flight: it keeps its first (tear % (blocks + 1)) 512-byte blocks. Clears the log.
  void roll_back(std::uint32_t tear);
  // The same, putting each record back with `put_back(record, keep)` (files that are not on the
  // file system: MemFs).
  using PutBack = std::function<void(const UndoRecord&, std::int64_t keep)>;
  void roll_back(std::uint32_t tear, const PutBack& put_back);

 private:
  std::vector<UndoRecord> records_;
};

}  // namespace savefuzz
