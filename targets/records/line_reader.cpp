// Bounded line splitting over read(2).
#include "targets/records/line_reader.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <unistd.h>

namespace records {

bool LineReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  char chunk[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "read");
  }
}

std::optional<Line> LineReader::next() {
  Line line;
  std::size_t scanned = 0;  // bytes after pos_ already known to hold no newline
  for (;;) {
    std::size_t nl = buffer_.find('\n', pos_ + scanned);
    if (nl != std::string::npos) {
      if (!line.overlong && nl - pos_ <= max_) line.text.assign(buffer_, pos_, nl - pos_);
      else line.overlong = true;
      pos_ = nl + 1;
      return line;
    }
    if (buffer_.size() - pos_ > max_) {
      // Too long to be a request: drop what is buffered and keep reading up to its newline.
      line.overlong = true;
      buffer_.clear();
      pos_ = 0;
    }
    scanned = buffer_.size() - pos_;
    if (!fill()) {
      if (buffer_.size() == pos_ && !line.overlong) return std::nullopt;
      if (!line.overlong) line.text.assign(buffer_, pos_, std::string::npos);
      buffer_.clear();
      pos_ = 0;
      return line;
    }
  }
}

}  // namespace records
