// Reading the hello's limits, the same for every kind of target.
#include "harness/core/limits.h"

namespace savefuzz {

std::optional<Limits> limits_from_hello(const Json& hello) {
  if (!hello.is_object() || hello.value("ok", Json()) != true || !hello.contains("limits")) return std::nullopt;
  const Json& l = hello["limits"];
  Limits out;
  for (auto [name, slot] : {std::pair{"field_bytes", &out.field_bytes}, std::pair{"title_bytes", &out.title_bytes},
                            std::pair{"document_bytes", &out.document_bytes}}) {
    if (!l.is_object() || !l.contains(name) || !l[name].is_number_unsigned()) return std::nullopt;
    *slot = l[name].get<std::size_t>();
  }
  return out;
}

}  // namespace savefuzz
