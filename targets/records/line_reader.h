// Splits a byte stream into request lines without ever holding more than a bounded line.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace records {

struct Line {
  std::string text;       // without the newline; empty when overlong
  bool overlong = false;  // the line exceeded the limit; its bytes were read and dropped
};

class LineReader {
 public:
  LineReader(int fd, std::size_t max_line_bytes) : fd_(fd), max_(max_line_bytes) {}

  // The next line, or nullopt at end of input. A last line without a newline still counts.
  // Throws std::system_error on a read error.
  std::optional<Line> next();

 private:
  bool fill();

  int fd_;
  std::size_t max_;
  std::string buffer_;
  std::size_t pos_ = 0;
  bool eof_ = false;
};

}  // namespace records
