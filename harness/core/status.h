// How an error crosses a boundary (docs/architecture.md says why): as a value, never as a bare
// bool, int or empty string. Only a broken set-up, which ends the command, is thrown.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <variant>

namespace savefuzz {

// The harness itself cannot run: missing binary, no data root, bad options, an unwritable
// findings folder. Never a finding about the target; main() turns it into exit code 2.
struct SetupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Why something could not be done, in one readable sentence.
struct Error {
  std::string message;
};

// A value or the reason there is none. E is Error unless the error carries more (a scenario
// file's error names the file and step).
template <class T, class E = Error>
using Result = std::variant<T, E>;

// Success, or the reason for failure.
using Status = std::optional<Error>;

}  // namespace savefuzz
