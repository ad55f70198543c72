// Data directories for targets.
#include "harness/targets/data_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "harness/core/target.h"

namespace savefuzz {

namespace {
const char* data_root_from_environment() {
  const char* env = std::getenv("SAVEFUZZ_DATA_ROOT");
  return env && *env ? env : nullptr;
}
}  // namespace

std::filesystem::path default_data_root() {
  // The fuzzers take no flags of savefuzz's: this is how their data directories, and those of any
  // command not given --data-root, go elsewhere than the tmpfs.
  if (const char* env = data_root_from_environment()) return env;
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec)) return "/dev/shm";
  return std::filesystem::temp_directory_path();
}

std::string default_data_root_origin() {
  return data_root_from_environment() ? "$SAVEFUZZ_DATA_ROOT" : "the default data root";
}

DataDir::DataDir(const std::filesystem::path& root, std::string_view prefix) {
  std::string pattern = (root / (std::string(prefix) + "XXXXXX")).string();
  if (!mkdtemp(pattern.data()))
    throw SetupError("cannot create a data directory under " + root.string() + ": " + std::strerror(errno));
  path_ = pattern;
  fd_ = open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ >= 0) flock(fd_, LOCK_EX);  // released by the kernel however the process ends
}

bool DataDir::empty() {
  // An in-process target is started once per fuzz input, and its directory is all but always
  // empty: the store lives in memory. Rewinding a descriptor kept open and reading the entries
  // until the end is three system calls; a directory_iterator opens, checks and closes it as well
  // (seven), and on a virtual machine those calls were 2.5% of the fuzzer's time.
  if (fd_ < 0 || lseek(fd_, 0, SEEK_SET) != 0) return false;
  alignas(8) char entries[1024];
  for (;;) {
    ssize_t n = getdents64(fd_, entries, sizeof entries);
    if (n < 0) return false;
    if (n == 0) return true;
    for (ssize_t at = 0; at < n;) {
      auto* entry = reinterpret_cast<const dirent64*>(entries + at);
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) return false;
      at += entry->d_reclen;
    }
  }
}

void DataDir::clear() {
  if (empty()) return;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(path_, ec), end; !ec && it != end; it.increment(ec))
    std::filesystem::remove_all(it->path(), ec);
  if (ec) throw SetupError("cannot empty the data directory " + path_.string() + ": " + ec.message());
}

void remove_abandoned_data_dirs(const std::filesystem::path& root, std::string_view prefix) {
  // A directory made a moment ago may not be locked yet (mkdtemp, then open and flock).
  const auto young = std::filesystem::file_time_type::clock::now() - std::chrono::minutes(1);
  std::error_code ec;
  for (std::filesystem::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code stat_ec;
    if (name.rfind(prefix, 0) != 0 || !it->is_directory(stat_ec) || it->last_write_time(stat_ec) > young || stat_ec)
      continue;
    int fd = open(it->path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) std::filesystem::remove_all(it->path(), stat_ec);
    close(fd);
  }
}

DataDir::~DataDir() {
  if (fd_ >= 0) close(fd_);
  if (keep_) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace savefuzz
