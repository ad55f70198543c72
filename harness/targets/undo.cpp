// Rolling files back to their last sync (see undo.h).
#include "harness/targets/undo.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace savefuzz {
namespace {

// Puts `u` back, keeping the first `keep` bytes of what was written. Best effort, like the disk it
// models: a file deleted since has nothing to put back, and a failure leaves the newer bytes,
// which the checks then see as a write that survived.
void put_back(const UndoRecord& u, std::int64_t keep) {
  int fd = ::open(u.path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  auto old_len = static_cast<std::int64_t>(u.old_bytes.size());
  std::int64_t from = std::min(keep, old_len);
  bool ok = true;
  if (from < old_len)
    ok = ::pwrite(fd, u.old_bytes.data() + from, static_cast<std::size_t>(old_len - from), u.offset + from) >= 0;
  struct stat st {};
  std::int64_t size = std::max(u.old_size, u.offset + keep);
  if (ok && ::fstat(fd, &st) == 0 && st.st_size > size) ok = ::ftruncate(fd, size) == 0;
  ::close(fd);
}

}  // namespace

void UndoLog::synced(const std::string& path) {
  std::erase_if(records_, [&](const UndoRecord& r) { return r.path == path; });
}

void UndoLog::roll_back(std::uint32_t tear) { roll_back(tear, put_back); }

void UndoLog::roll_back(std::uint32_t tear, const PutBack& put) {
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    std::int64_t keep = 0;
    if (it == records_.rbegin() && it->length > 0) {
      std::int64_t blocks = (it->length + 511) / 512;
      keep = std::min<std::int64_t>(it->length, 512 * static_cast<std::int64_t>(tear % (blocks + 1)));
    }
    put(*it, keep);
  }
  records_.clear();
}

}  // namespace savefuzz
