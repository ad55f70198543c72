// The baseline for benchmarks: a plain byte-level libFuzzer entry point, as one would write it by
// hand with FuzzedDataProvider. It knows the op names and their keys, nothing else: no model-drawn
// ids, no id pools, no boundary texts, no dictionary, no custom mutator. Same target, same oracle.
#include <cstddef>
#include <cstdint>

#include <fuzzer/FuzzedDataProvider.h>

#include "harness/core/fuzz_input.h"
#include "harness/core/values.h"
#include "targets/fuzz/fuzz_oracle.h"

namespace {

using savefuzz::Json;

std::string text(FuzzedDataProvider& in) { return savefuzz::to_valid_utf8(in.ConsumeRandomLengthString()); }

Json request(FuzzedDataProvider& in) {
  const auto& spec = savefuzz::all_ops()[in.ConsumeIntegralInRange<std::size_t>(0, savefuzz::kOpCount - 1)];
  Json j{{"op", savefuzz::op_name(spec.op)}};
  for (const auto& use : spec.uses()) {
    if (!use.required() && in.ConsumeBool()) continue;
    std::string key(savefuzz::key_name(use.key));
    switch (savefuzz::key_type(use.key)) {
      case savefuzz::ValueType::integer: j[key] = in.ConsumeIntegral<std::int64_t>(); break;
      case savefuzz::ValueType::fields: {
        Json f = Json::object();
        for (auto name : savefuzz::kFieldNames)
          if (in.ConsumeBool()) f[std::string(name)] = text(in);
        j[key] = f;
        break;
      }
      default: j[key] = text(in); break;
    }
  }
  return j;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  savefuzz::fuzz::target_limits();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  savefuzz::Scenario s{"plain-fuzz-input", "decoded from a plain_save_path_fuzzer input", {}};
  while (in.remaining_bytes() > 0 && s.steps.size() < savefuzz::kMaxFuzzSteps) {
    switch (in.ConsumeIntegralInRange(0, 15)) {
      case 0: s.steps.push_back(savefuzz::Step::restart()); break;
      case 1: s.steps.push_back(savefuzz::Step::crash()); break;
      case 2: s.steps.push_back(savefuzz::Step::crash_during(savefuzz::Call::of(request(in)))); break;
      default: s.steps.push_back(savefuzz::Step::request(savefuzz::Call::of(request(in)))); break;
    }
  }
  savefuzz::fuzz::check_or_abort(s, "rerun it with: plain_save_path_fuzzer CRASH_FILE");
  return 0;
}
