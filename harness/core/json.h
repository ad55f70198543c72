// JSON exists at the edges only (scenario files, the protocol, reports); this is its one type.
#pragma once

#include <nlohmann/json.hpp>

namespace savefuzz {

// Ordered: requests and scenario files keep their keys in the order they were written.
using Json = nlohmann::ordered_json;

}  // namespace savefuzz
