// libFuzzer over the scenario-file loader: any bytes are accepted or rejected with an error, never
// a crash. An accepted scenario must survive a round trip: written out and read back, it is the
// same scenario.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "harness/core/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = savefuzz::parse_scenario_text(text, "input");
  if (auto* error = std::get_if<savefuzz::ScenarioError>(&loaded)) {
    if (error->message().empty()) std::abort();
    return 0;
  }
  savefuzz::Json once = savefuzz::scenario_to_json(std::get<savefuzz::Scenario>(loaded));
  auto again = savefuzz::parse_scenario_text(once.dump(), "round trip");
  if (auto* error = std::get_if<savefuzz::ScenarioError>(&again)) {
    std::cerr << "savefuzz: FINDING scenario_fuzzer: an accepted scenario does not read back: " << error->message() << "\n";
    std::abort();
  }
  if (savefuzz::scenario_to_json(std::get<savefuzz::Scenario>(again)) != once) {
    std::cerr << "savefuzz: FINDING scenario_fuzzer: an accepted scenario reads back different\n";
    std::abort();
  }
  return 0;
}
