// What a case reached in model terms, beyond which ops and answers it saw: the save-path
// situations the invariants are about. The event stream reports them per case, campaign
// summaries list those never reached, and `savefuzz corpus prune` keeps a scenario that adds one.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "harness/core/model.h"
#include "harness/core/scenario.h"

namespace savefuzz {

#define SAVEFUZZ_SITUATIONS(X)                                                                       \
  X(save_with_shared_document, "save-with-shared-document")                                         \
  X(save_after_restart, "save-after-restart")                                                       \
  X(multi_field_save, "multi-field-save")                                                           \
  X(save_of_some_fields_over_others, "save-of-some-fields-over-others")                             \
  X(save_to_version_5, "save-to-version-5")                                                         \
  X(save_near_field_limit, "save-near-field-limit")                                                 \
  X(stale_save_conflict, "stale-save-conflict")                                                     \
  X(save_refused_invalid, "save-refused-invalid")                                                   \
  X(save_refused_unavailable, "save-refused-unavailable")                                           \
  X(crash_during_save, "crash-during-save")                                                         \
  X(crash_during_multi_field_save, "crash-during-multi-field-save")                                 \
  X(crash_during_share, "crash-during-share")                                                       \
  X(power_loss_after_save, "power-loss-after-save")                                                 \
  X(read_after_crash, "read-after-crash")                                                           \
  X(read_observation_as_practitioner, "read-observation-as-practitioner")                           \
  X(read_observation_as_patient, "read-observation-as-patient")                                     \
  X(read_observation_as_api_client, "read-observation-as-api-client")                               \
  X(read_document_as_recipient, "read-document-as-recipient")                                       \
  X(read_refused_outside_practice, "read-refused-outside-practice")                                 \
  X(list_as_api_client, "list-as-api-client")                                                       \
  X(update_of_appointment_with_observation, "update-of-appointment-with-observation")               \
  X(share_of_appointment_with_observation, "share-of-appointment-with-observation")                 \
  X(unshare_of_appointment_with_observation, "unshare-of-appointment-with-observation")

enum class Situation : std::uint8_t {
#define SAVEFUZZ_SITUATION_ENUMERATOR(id, name) id,
  SAVEFUZZ_SITUATIONS(SAVEFUZZ_SITUATION_ENUMERATOR)
#undef SAVEFUZZ_SITUATION_ENUMERATOR
};
inline constexpr std::size_t kSituationCount = 0
#define SAVEFUZZ_SITUATION_COUNT(id, name) +1
    SAVEFUZZ_SITUATIONS(SAVEFUZZ_SITUATION_COUNT)
#undef SAVEFUZZ_SITUATION_COUNT
    ;

std::string_view situation_name(Situation s);

using SituationCounts = std::array<std::uint64_t, kSituationCount>;

// Follows one case's scenario steps (never the harness's own reads) and counts the situations
// they reach. `before` is the model as it was before the step.
class SituationTracker {
 public:
  void request(const Model& before, const Request& r, const Response& answer);
  // A control step (a reset starts over: the scenarios it joins are separate cases).
  void control(StepKind kind, const Request* r);
  const SituationCounts& counts() const { return counts_; }

 private:
  void count(Situation s) { ++counts_[static_cast<std::size_t>(s)]; }
  SituationCounts counts_{};
  bool restarted_ = false;  // a restart, crash, crash_during or power loss came before
  bool crashed_ = false;    // a crash, crash_during or power loss came before
  bool saved_ = false;      // an acknowledged save came before
};

}  // namespace savefuzz
