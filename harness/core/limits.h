// The byte limits a target announces in its hello (SPEC.md section 1) and which one bounds a text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "harness/core/json.h"

namespace savefuzz {

struct Limits {
  std::size_t field_bytes = 16384;
  std::size_t title_bytes = 256;
  std::size_t document_bytes = 1048576;
  bool operator==(const Limits&) const = default;
};

// Which announced limit bounds a text (SPEC.md 2 and 4a.4).
enum class Limit : std::uint8_t { none, field, title, document };

// The bytes `limit` allows under `limits` (0 for none).
constexpr std::size_t bytes_of(Limit limit, const Limits& limits) {
  switch (limit) {
    case Limit::none: return 0;
    case Limit::field: return limits.field_bytes;
    case Limit::title: return limits.title_bytes;
    case Limit::document: return limits.document_bytes;
  }
  return 0;
}

// The limits of a successful hello answer; nullopt when it does not carry them as SPEC says.
std::optional<Limits> limits_from_hello(const Json& hello);

}  // namespace savefuzz
