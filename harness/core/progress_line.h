// A command's progress while it runs: on a terminal one live line, rewritten at most four times a
// second; in a log (CI) a plain "progress: ..." line every ten seconds, so a long run is never
// silent and each line stays readable.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

namespace savefuzz {

class ProgressLine {
 public:
  ProgressLine(std::ostream& out, bool enabled);
  // Whether a line is due now (always when forced and enabled): callers build their line only then.
  bool due(bool force = false);
  void show(const std::string& line);
  // Removes the live line before other output; nothing in a log.
  void clear();

 private:
  std::ostream& out_;
  bool enabled_, tty_;
  std::chrono::steady_clock::time_point last_;  // the first line is due one period after the start
};

}  // namespace savefuzz
