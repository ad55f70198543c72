// Crash points and storage-fault rolls from a seed and a request.
#include "harness/core/fault_points.h"

#include "harness/core/hash.h"
#include "harness/core/op_table.h"

namespace savefuzz {

std::uint32_t crash_point(std::uint64_t seed, std::size_t step) {
  // Consecutive steps get unrelated crash points.
  return static_cast<std::uint32_t>(splitmix64(seed, step));
}

std::uint32_t crash_point_for(std::uint64_t seed, const Json& request) {
  // A hash of the op and the ids the request names: shrinking its texts, fields or optional keys
  // keeps the crash where it was.
  // The start is not FNV's usual offset basis (a digit short of it); it stays, because every
  // recorded crash_during lands where this value puts it.
  Fnv1a h(1469598103934665603ull);
  auto mix = [&h](const std::string& s) {
    h.add(s);
    h.add(static_cast<unsigned char>(0xff));
  };
  if (request.is_object()) {
    for (const auto& [k, v] : request.items()) {
      auto key = key_from_name(k);
      if ((k == "op" || (key && key_type(*key) == ValueType::id)) && v.is_string()) {
        mix(k);
        mix(v.get<std::string>());
      }
    }
  }
  return crash_point(seed, static_cast<std::size_t>(h.value()));
}

}  // namespace savefuzz
