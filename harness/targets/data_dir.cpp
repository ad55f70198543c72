// Data directories for targets.
#include "harness/targets/data_dir.h"

#include <stdlib.h>

#include "harness/core/target.h"

namespace savefuzz {

std::filesystem::path default_data_root() {
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec)) return "/dev/shm";
  return std::filesystem::temp_directory_path();
}

DataDir::DataDir(const std::filesystem::path& root) {
  std::string pattern = (root / "savefuzz-data-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw SetupError("cannot create a data directory under " + root.string());
  path_ = pattern;
}

void DataDir::clear() {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(path_, ec), end; !ec && it != end; it.increment(ec))
    std::filesystem::remove_all(it->path(), ec);
  if (ec) throw SetupError("cannot empty the data directory " + path_.string() + ": " + ec.message());
}

DataDir::~DataDir() {
  if (keep_) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace savefuzz
