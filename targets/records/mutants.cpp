// Names and one-line descriptions of the reference target's mutants.
#include "targets/records/mutants.h"

#include <array>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace records {
namespace {

constexpr std::array kMutants{
    MutantInfo{Mutant::share_skips_save, "share-skips-save",
               "once a document of the appointment is shared, save_observation acknowledges but "
               "persists nothing (the 2023 incident)"},
    MutantInfo{Mutant::reschedule_clobbers_observation, "reschedule-clobbers-observation",
               "update_appointment writes back the observation loaded at booking, losing later saves"},
    MutantInfo{Mutant::ack_before_commit, "ack-before-commit",
               "answers ok before the commit, which happens with the next request: a crash loses the "
               "acknowledged change"},
    MutantInfo{Mutant::silent_truncation, "silent-truncation",
               "observation fields over 4096 bytes are cut to at most 4096 bytes (at a character "
               "boundary) and acknowledged"},
    MutantInfo{Mutant::lost_update, "lost-update", "base_version is ignored"},
    MutantInfo{Mutant::partial_save_on_error, "partial-save-on-error",
               "a multi-field save writes field by field; an over-limit later field answers invalid "
               "but leaves the earlier ones written"},
    MutantInfo{Mutant::nonatomic_save, "nonatomic-save",
               "a multi-field save commits field by field, so a crash during it leaves half of it"},
    MutantInfo{Mutant::partial_as_replace, "partial-as-replace", "saving some fields clears the others"},
    MutantInfo{Mutant::share_leaks_observation, "share-leaks-observation",
               "a practitioner who received a document of an appointment can read its observation"},
    MutantInfo{Mutant::api_tenant_filter_missing, "api-tenant-filter-missing",
               "list_appointments for an api_client returns every practice's appointments (the 2020 "
               "incident)"},
    MutantInfo{Mutant::version_not_bumped, "version-not-bumped",
               "version only grows when the save changes motif"},
    MutantInfo{Mutant::patient_reads_unshared, "patient-reads-unshared",
               "a patient reads every document of its own appointments, shared or not"},
    MutantInfo{Mutant::day_change_clears_interrogatoire, "day-change-clears-interrogatoire",
               "update_appointment moving an appointment to another day clears its interrogatoire"},
    MutantInfo{Mutant::write_behind_observation, "write-behind-observation",
               "observation saves are kept in memory and written at a clean shutdown: reads look "
               "right until a crash loses them"},
    MutantInfo{Mutant::unshare_clears_examen, "unshare-clears-examen",
               "unsharing a document from a current recipient clears the examen of its appointment"},
    MutantInfo{Mutant::recovery_resets_version, "recovery-resets-version",
               "after an unclean shutdown, start-up recovery sets every observation version above 1 "
               "back to 1"},
    MutantInfo{Mutant::no_sync, "no-sync",
               "the store runs with synchronous=OFF: nothing is synced, so a crash keeps every "
               "acknowledged save and a power loss loses them"},
    MutantInfo{Mutant::ignore_commit_error, "ignore-commit-error",
               "a commit that fails (I/O error, disk full) is rolled back but answered ok"},
    MutantInfo{Mutant::version_after_fields, "version-after-fields",
               "save_observation commits the fields, then bumps the version in a second transaction: "
               "a crash at the first commit's sync leaves new fields with the old version"},
    MutantInfo{Mutant::fifth_save_drops_conclusion, "fifth-save-drops-conclusion",
               "the save that takes the observation of an appointment with a shared document to "
               "version 5 acknowledges but does not store its conclusion"},
    MutantInfo{Mutant::page_overflow_cuts_document, "page-overflow-cuts-document",
               "a document whose content is 8181 to 8191 bytes (its row just spills onto another "
               "page) is stored cut to 8180 bytes and acknowledged"},
    MutantInfo{Mutant::api_list_from_exact_start, "api-list-from-exact-start",
               "list_appointments for an api_client whose from is exactly the start of an "
               "appointment returns every practice's appointments"},
    MutantInfo{Mutant::history_overflow_drops_motif, "history-overflow-drops-motif",
               "the save that takes an observation to version 11, the first past a history of ten "
               "versions, acknowledges a new motif but keeps the old one (the history's eviction writes "
               "the evicted slot back)"},
};

}  // namespace

std::span<const MutantInfo> all_mutants() { return kMutants; }

std::optional<Mutant> mutant_from_name(std::string_view name) {
  if (name.empty() || name == "none") return Mutant::none;
  for (const auto& m : kMutants)
    if (m.name == name) return m.mutant;
  return std::nullopt;
}

std::string_view mutant_name(Mutant m) {
  for (const auto& info : kMutants)
    if (info.mutant == m) return info.name;
  return "none";
}

Mutant mutant_from_environment() {
  const char* name = std::getenv("SAVEFUZZ_MUTANT");
  auto m = mutant_from_name(name ? name : "");
  if (!m) throw std::invalid_argument(std::string("SAVEFUZZ_MUTANT names no mutant: '") + name + "'");
  return *m;
}

}  // namespace records
