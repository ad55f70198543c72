// The defaults of Target's fault steps: a target that does not say it supports them is never asked.
#include "harness/core/target.h"

#include <stdexcept>

namespace savefuzz {

std::optional<TargetFault> Target::power_loss(std::uint32_t) {
  throw std::logic_error(describe() + " cannot simulate a power loss: the runner checks fault_support() first");
}

Reply Target::call_with_fault(const Json&, const StorageFault&, bool&) {
  throw std::logic_error(describe() + " cannot inject storage faults: the runner checks fault_support() first");
}

}  // namespace savefuzz
