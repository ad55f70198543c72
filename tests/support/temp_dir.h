// A fresh directory for one test, on /dev/shm when there is one, removed afterwards.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <stdlib.h>

namespace savefuzz::testing {

class TempDir {
 public:
  TempDir() {
    std::string root = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path().string();
    std::string pattern = root + "/savefuzz-test-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed under " + root);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The targets' data directories (savefuzz-data-*) left under `root`: those of reported findings.
inline std::vector<std::filesystem::path> kept_data_dirs(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> kept;
  for (const auto& e : std::filesystem::directory_iterator(root))
    if (e.path().filename().string().rfind("savefuzz-data-", 0) == 0) kept.push_back(e.path());
  return kept;
}

}  // namespace savefuzz::testing
