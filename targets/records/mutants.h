// The catalogue of deliberate bugs the reference save path can be switched into.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace records {

// Each mutant stands for a real class of save-path bug (DESIGN.md "mutants").
enum class Mutant {
  none,
  share_skips_save,
  reschedule_clobbers_observation,
  ack_before_commit,
  silent_truncation,
  lost_update,
  partial_save_on_error,
  nonatomic_save,
  partial_as_replace,
  share_leaks_observation,
  api_tenant_filter_missing,
  version_not_bumped,
  patient_reads_unshared,
  // Bugs whose symptom shows after a step that has nothing to do with it (a later crash, restart
  // or crash_during): the finding must still name the step that lost the value.
  day_change_clears_interrogatoire,
  write_behind_observation,
  unshare_clears_examen,
  recovery_resets_version,
  // Storage bugs that only the fault steps (SPEC.md section 5) show: a power loss, a failing
  // commit, a crash at one precise sync.
  no_sync,
  ignore_commit_error,
  version_after_fields,
  // Deep bugs: each needs a rare combination that random generation seldom meets but that a
  // coverage-guided fuzzer reaches by following the target's own comparisons (value profile).
  fifth_save_drops_conclusion,
  page_overflow_cuts_document,
  api_list_from_exact_start,
  history_overflow_drops_motif,
};

struct MutantInfo {
  Mutant mutant;
  std::string_view name;
  std::string_view description;
};

// Every mutant except `none`, in catalogue order.
std::span<const MutantInfo> all_mutants();

// "share-skips-save" -> Mutant::share_skips_save; "" and "none" -> Mutant::none.
std::optional<Mutant> mutant_from_name(std::string_view name);

std::string_view mutant_name(Mutant m);

// The mutant named by $SAVEFUZZ_MUTANT (unset or empty: none), for in-process users of the
// library. Throws std::invalid_argument naming the variable on an unknown name.
Mutant mutant_from_environment();

}  // namespace records
