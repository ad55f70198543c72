// Power loss on real files: what writes since a file's last sync replaced is put back, the last
// write torn at a 512-byte boundary.
#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "harness/targets/undo.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes `bytes` at `offset` of `path`, recording the undo first, as the VFS and the library do.
void write_at(UndoLog& log, const std::filesystem::path& path, std::int64_t offset, const std::string& bytes) {
  std::string before = read_all(path);
  UndoRecord u{path.string(), offset, {}, static_cast<std::int64_t>(before.size()), static_cast<std::int64_t>(bytes.size())};
  if (offset < static_cast<std::int64_t>(before.size()))
    u.old_bytes = before.substr(static_cast<std::size_t>(offset), bytes.size());
  log.add(u);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0600);
  ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), offset), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

TEST(UndoLog, PowerLossPutsBackEverythingSinceTheLastSync) {
  testing::TempDir dir;
  auto a = dir.path() / "a", b = dir.path() / "b";
  UndoLog log;
  write_at(log, a, 0, "synced-a");
  log.synced(a.string());
  write_at(log, a, 0, "LATER");     // overwrites the synced bytes
  write_at(log, a, 8, "appended");  // grows the file
  write_at(log, b, 0, "never synced");
  log.roll_back(0);  // tear 0: the newest write keeps nothing
  EXPECT_EQ(read_all(a), "synced-a");
  EXPECT_EQ(read_all(b), "");
  EXPECT_EQ(log.size(), 0u);
}

TEST(UndoLog, TheNewestWriteIsTornAtA512ByteBoundaryChosenByTheTear) {
  testing::TempDir dir;
  auto a = dir.path() / "a";
  std::string big(1300, 'x');  // three 512-byte blocks, the last partial
  for (std::uint32_t tear = 0; tear < 5; ++tear) {
    std::filesystem::remove(a);
    UndoLog log;
    write_at(log, a, 0, big);
    log.roll_back(tear);
    std::size_t kept = std::min<std::size_t>(big.size(), 512 * (tear % 4));
    EXPECT_EQ(read_all(a), big.substr(0, kept)) << "tear " << tear;
  }
}

}  // namespace
}  // namespace savefuzz
