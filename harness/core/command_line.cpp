// Quoting and splitting command lines.
#include "harness/core/command_line.h"

#include "harness/core/status.h"

namespace savefuzz {

std::string shell_quote(const std::string& s) {
  bool plain = !s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./=:,+@") ==
                                 std::string::npos;
  if (plain) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::vector<std::string> split_command(const std::string& command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0;
      else word += c;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      in_word = true;
    } else if (quote == '"') {
      if (c == '"') quote = 0;
      else word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote) throw SetupError("unterminated quote in command: " + command);
  if (in_word) words.push_back(word);
  return words;
}

std::string ReplayCommand::text() const {
  std::string t = program + " replay " + target_flags;
  if (seed) t += " --seed " + std::to_string(seed);
  if (!sweep) t += " --no-sweep";
  return t;
}

std::string ReplayCommand::for_file(const std::string& file) const { return text() + " " + shell_quote(file); }

}  // namespace savefuzz
