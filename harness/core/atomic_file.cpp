// Temporary file + fsync + rename.
#include "harness/core/atomic_file.h"

#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

namespace savefuzz {

Status write_file_atomically(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::path tmp = file;
  tmp += ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error{"cannot create " + tmp.string()};
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      std::remove(tmp.c_str());
      return Error{"cannot write " + tmp.string()};
    }
    done += static_cast<std::size_t>(n);
  }
  // A finding must survive the machine going down right after it is reported.
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  std::error_code ec;
  if (synced) std::filesystem::rename(tmp, file, ec);
  if (!synced || ec) {
    std::remove(tmp.c_str());
    return Error{"cannot save " + file.string() + (ec ? ": " + ec.message() : std::string(": fsync failed"))};
  }
  return {};
}

}  // namespace savefuzz
