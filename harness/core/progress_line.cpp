#include "harness/core/progress_line.h"

#include <unistd.h>

namespace savefuzz {

ProgressLine::ProgressLine(std::ostream& out, bool enabled)
    : out_(out), enabled_(enabled), tty_(::isatty(STDOUT_FILENO) == 1), last_(std::chrono::steady_clock::now()) {}

bool ProgressLine::due(bool force) {
  if (!enabled_) return false;
  auto now = std::chrono::steady_clock::now();
  auto every = tty_ ? std::chrono::milliseconds(250) : std::chrono::milliseconds(10'000);
  if (!force && now - last_ < every) return false;
  last_ = now;
  return true;
}

void ProgressLine::show(const std::string& line) {
  if (tty_) out_ << "\r\033[K" << line << std::flush;
  else out_ << "progress: " << line << "\n" << std::flush;
}

void ProgressLine::clear() {
  if (enabled_ && tty_) out_ << "\r\033[K" << std::flush;
}

}  // namespace savefuzz
