// Command lines as text: the one quoting rule for the commands savefuzz prints (reproduce lines)
// and the one splitting rule for the commands it is given (--target-cmd).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace savefuzz {

// `word` as a POSIX shell reads it back as one word: as it is when it holds only characters no
// shell treats specially, else in single quotes.
std::string shell_quote(const std::string& word);

// Splits a command line into words: spaces separate, single and double quotes group, backslash
// escapes outside single quotes. No other shell syntax. Throws SetupError on an open quote.
std::vector<std::string> split_command(const std::string& command);

// How to replay scenario files: `program replay FLAGS [--seed N] [--no-sweep]`; the reproduce
// line of a finding is this followed by the quoted file.
struct ReplayCommand {
  std::string program = "savefuzz";
  std::string target_flags;  // "--target records --mutant x", as target_flags() gives them
  std::uint64_t seed = 0;    // crash points of crash_during steps (0 is replay's default)
  bool sweep = true;

  std::string text() const;
  std::string for_file(const std::string& file) const;
};

}  // namespace savefuzz
