// The model as a target: it answers every request as SPEC.md says and keeps every acknowledged
// write across restarts, crashes and power losses. `savefuzz check` replays a hand-written
// scenario on it, so an `expect` the contract contradicts is found before any target runs it.
#pragma once

#include "harness/core/model.h"
#include "harness/core/target.h"

namespace savefuzz {

class ModelTarget : public Target {
 public:
  // `crashed_requests_apply`: whether a crash_during's request takes effect (SPEC.md allows both).
  explicit ModelTarget(bool crashed_requests_apply, Limits limits = {})
      : apply_crashed_(crashed_requests_apply), limits_(limits), model_(limits) {}

  std::optional<TargetFault> start() override;
  Reply call(const Json& request) override;
  std::optional<TargetFault> restart() override { return std::nullopt; }
  std::optional<TargetFault> crash() override { return std::nullopt; }
  std::optional<TargetFault> crash_during(const Json& request, const CrashAt& at) override;
  std::optional<TargetFault> power_loss(std::uint32_t) override { return std::nullopt; }
  // A storage fault fires on every request that writes: it is refused and changes nothing.
  Reply call_with_fault(const Json& request, const StorageFault& fault, bool& fired) override;
  FaultSupport fault_support() const override { return {true, true, true, ""}; }
  Limits limits() const override { return limits_; }
  std::string describe() const override { return "the model (SPEC.md)"; }
  std::string keep_data() override { return {}; }

 private:
  Response answer(const Json& request, bool apply);
  bool apply_crashed_;
  Limits limits_;
  Model model_;
};

}  // namespace savefuzz
