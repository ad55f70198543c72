// Each mutant of DESIGN.md misbehaves as described, and the same scenario passes without it.
#include <functional>
#include <map>

#include <gtest/gtest.h>

#include "tests/records/service_fixture.h"

namespace savefuzz::testing {
namespace {

using records::Mutant;

struct SimulatedCrash {};

// Crashes the service right after its n-th commit from arming; no real sleeping.
struct CrashingEnv : records::Env {
  int commits_left = -1;
  void after_commit() override {
    if (commits_left > 0 && --commits_left == 0) throw SimulatedCrash{};
  }
  void pause(std::chrono::milliseconds) override {}
};

class Mutants : public ServiceTest {
 protected:
  // Runs `scenario` on a fresh world with `mutant` switched on; true when the target behaved as
  // SPEC.md requires.
  bool behaves(Mutant mutant, const std::function<bool()>& scenario) {
    fresh(mutant, &env_);
    mutant_ = mutant;
    build_world();
    return scenario();
  }
  void expect_caught(Mutant mutant, const std::function<bool()>& scenario) {
    EXPECT_TRUE(behaves(Mutant::none, scenario)) << "the scenario fails on the correct target";
    EXPECT_FALSE(behaves(mutant, scenario)) << "the scenario misses " << records::mutant_name(mutant);
  }
  std::string motif(const char* appointment = "A1") { return read("D1", appointment).at("fields").at("motif"); }

  CrashingEnv env_;
  Mutant mutant_ = Mutant::none;
};

TEST_F(Mutants, ShareSkipsSaveLosesTheSaveOnceADocumentIsShared) {
  expect_caught(Mutant::share_skips_save, [&] {
    share("X1", "U1");
    bool acked = save("D1", "A1", {{"motif", "toux"}}).at("ok") == true;
    return acked && motif() == "toux";
  });
}

TEST_F(Mutants, RescheduleClobbersObservationLosesEarlierSaves) {
  expect_caught(Mutant::reschedule_clobbers_observation, [&] {
    save("D1", "A1", {{"motif", "toux"}});
    expect_ok({{"op", "update_appointment"}, {"as", "D1"}, {"appointment", "A1"}, {"start", "2024-04-01T10:00"}});
    return motif() == "toux" && read("D1", "A1").at("version") == 1;
  });
}

TEST_F(Mutants, AckBeforeCommitLosesTheAcknowledgedSaveInACrash) {
  expect_caught(Mutant::ack_before_commit, [&] {
    save("D1", "A1", {{"motif", "toux"}});
    crash(mutant_, &env_);
    return motif() == "toux";
  });
}

TEST_F(Mutants, AckBeforeCommitKeepsTheSaveAcrossACleanRestart) {
  fresh(Mutant::ack_before_commit, &env_);
  build_world();
  save("D1", "A1", {{"motif", "toux"}});
  restart(Mutant::ack_before_commit, &env_);
  EXPECT_EQ(motif(), "toux") << "the mutant only loses data in a crash";
}

TEST_F(Mutants, SilentTruncationCutsLongFields) {
  expect_caught(Mutant::silent_truncation, [&] {
    std::string text(5000, 'a');
    text += "é";
    bool acked = save("D1", "A1", {{"motif", text}}).at("ok") == true;
    return acked && motif() == text;
  });
}

TEST_F(Mutants, LostUpdateIgnoresBaseVersion) {
  expect_caught(Mutant::lost_update, [&] {
    save("D1", "A1", {{"motif", "first"}});
    Json stale = call({{"op", "save_observation"}, {"as", "D2"}, {"appointment", "A1"},
                       {"fields", {{"motif", "stale"}}}, {"base_version", 0}});
    return stale.at("ok") == false && stale.at("error").at("code") == "conflict" && motif() == "first";
  });
}

TEST_F(Mutants, PartialSaveOnErrorLeavesEarlierFieldsWritten) {
  expect_caught(Mutant::partial_save_on_error, [&] {
    Json a = save("D1", "A1", {{"motif", "toux"}, {"examen", std::string(16385, 'x')}});
    Json r = read("D1", "A1");
    return a.at("error").at("code") == "invalid" && r.at("fields").at("motif") == "" && r.at("version") == 0;
  });
}

TEST_F(Mutants, NonatomicSaveLeavesHalfASaveAfterACrashDuringIt) {
  expect_caught(Mutant::nonatomic_save, [&] {
    env_.commits_left = 1;
    try {
      save("D1", "A1", {{"motif", "toux"}, {"examen", "RAS"}});
    } catch (const SimulatedCrash&) {
    }
    env_.commits_left = -1;
    crash(mutant_, &env_);
    Json f = read("D1", "A1").at("fields");
    bool whole = f.at("motif") == "toux" && f.at("examen") == "RAS";
    bool absent = f.at("motif") == "" && f.at("examen") == "";
    return whole || absent;
  });
}

TEST_F(Mutants, PartialAsReplaceClearsTheFieldsNotGiven) {
  expect_caught(Mutant::partial_as_replace, [&] {
    save("D1", "A1", {{"motif", "toux"}});
    save("D1", "A1", {{"examen", "RAS"}});
    return motif() == "toux";
  });
}

TEST_F(Mutants, ShareLeaksObservationToADocumentRecipient) {
  expect_caught(Mutant::share_leaks_observation, [&] {
    save("D1", "A1", {{"motif", "secret"}});
    share("X1", "E1");
    return code({{"op", "read_observation"}, {"as", "E1"}, {"appointment", "A1"}}) == "forbidden";
  });
}

TEST_F(Mutants, ApiTenantFilterMissingListsOtherPractices) {
  expect_caught(Mutant::api_tenant_filter_missing, [&] {
    Json list = call({{"op", "list_appointments"}, {"as", "C1"}}).at("appointments");
    return list.size() == 1 && list[0].at("appointment") == "A1";
  });
}

TEST_F(Mutants, VersionNotBumpedWhenMotifIsUntouched) {
  expect_caught(Mutant::version_not_bumped, [&] {
    return save("D1", "A1", {{"examen", "RAS"}}).at("version") == 1 && read("D1", "A1").at("version") == 1;
  });
}

TEST_F(Mutants, PatientReadsUnsharedDocumentsOfItsAppointments) {
  expect_caught(Mutant::patient_reads_unshared, [&] {
    return code({{"op", "read_document"}, {"as", "U1"}, {"document", "X1"}}) == "forbidden";
  });
}

TEST_F(Mutants, DayChangeClearsInterrogatoireOnlyWhenTheDayChanges) {
  auto interrogatoire = [&] { return read("D1", "A1").at("fields").at("interrogatoire"); };
  auto move = [&](const char* start) {
    expect_ok({{"op", "update_appointment"}, {"as", "D1"}, {"appointment", "A1"}, {"start", start}});
  };
  expect_caught(Mutant::day_change_clears_interrogatoire, [&] {
    save("D1", "A1", {{"interrogatoire", "toux"}});
    move("2024-03-01T17:00");  // the same day: kept even by the mutant
    bool same_day_kept = interrogatoire() == "toux";
    move("2024-03-02T17:00");
    return same_day_kept && interrogatoire() == "toux";
  });
}

TEST_F(Mutants, WriteBehindObservationLooksRightUntilACrash) {
  expect_caught(Mutant::write_behind_observation, [&] {
    save("D1", "A1", {{"motif", "toux"}});
    bool read_back = motif() == "toux" && read("D1", "A1").at("version") == 1;
    crash(mutant_, &env_);
    return read_back && motif() == "toux";
  });
}

TEST_F(Mutants, WriteBehindObservationWritesAtACleanRestart) {
  fresh(Mutant::write_behind_observation, &env_);
  build_world();
  save("D1", "A1", {{"motif", "toux"}});
  restart(Mutant::write_behind_observation, &env_);
  crash(Mutant::write_behind_observation, &env_);
  EXPECT_EQ(motif(), "toux") << "written at the clean shutdown";
}

TEST_F(Mutants, UnshareClearsExamenOfACurrentRecipient) {
  auto examen = [&] { return read("D1", "A1").at("fields").at("examen"); };
  auto unshare = [&](const char* with) {
    expect_ok({{"op", "unshare_document"}, {"as", "D1"}, {"document", "X1"}, {"with", with}});
  };
  expect_caught(Mutant::unshare_clears_examen, [&] {
    save("D1", "A1", {{"examen", "normal"}});
    unshare("U1");  // not a recipient yet: kept even by the mutant
    bool kept = examen() == "normal";
    share("X1", "U1");
    unshare("U1");
    return kept && examen() == "normal";
  });
}

TEST_F(Mutants, RecoveryResetsVersionAfterACrashOnly) {
  auto version = [&] { return read("D1", "A1").at("version"); };
  expect_caught(Mutant::recovery_resets_version, [&] {
    save("D1", "A1", {{"motif", "a"}});
    save("D1", "A1", {{"motif", "b"}});
    restart(mutant_, &env_);
    bool after_restart = version() == 2;
    crash(mutant_, &env_);
    return after_restart && version() == 2 && motif() == "b";
  });
}

// The deep mutants: each shows only at its exact trigger, and stays silent one step away from it.
TEST_F(Mutants, FifthSaveDropsConclusionOnlyAtVersionFiveWithASharedDocument) {
  auto saves_keep_conclusions = [&](int saves) {
    for (int v = 1; v <= saves; ++v)
      if (save("D1", "A1", {{"conclusion", "c" + std::to_string(v)}}).at("version") != v) return false;
    return read("D1", "A1").at("fields").at("conclusion") == "c" + std::to_string(saves);
  };
  expect_caught(Mutant::fifth_save_drops_conclusion, [&] {
    share("X1", "U1");
    return saves_keep_conclusions(5);
  });
  EXPECT_TRUE(behaves(Mutant::fifth_save_drops_conclusion, [&] { return saves_keep_conclusions(5); }))
      << "no shared document: the fifth save is whole";
  EXPECT_TRUE(behaves(Mutant::fifth_save_drops_conclusion, [&] {
    share("X1", "U1");
    return saves_keep_conclusions(4);
  })) << "the fourth save is whole";
}

TEST_F(Mutants, HistoryOverflowDropsMotifOnlyAtVersionEleven) {
  auto saves_keep_motifs = [&](int saves) {
    for (int v = 1; v <= saves; ++v)
      if (save("D1", "A1", {{"motif", "m" + std::to_string(v)}}).at("version") != v) return false;
    return read("D1", "A1").at("fields").at("motif") == "m" + std::to_string(saves);
  };
  expect_caught(Mutant::history_overflow_drops_motif, [&] { return saves_keep_motifs(11); });
  EXPECT_TRUE(behaves(Mutant::history_overflow_drops_motif, [&] { return saves_keep_motifs(10); }))
      << "the tenth save is whole";
  EXPECT_TRUE(behaves(Mutant::history_overflow_drops_motif, [&] {
    for (int v = 1; v <= 10; ++v) save("D1", "A1", {{"motif", "m"}});
    save("D1", "A1", {{"conclusion", "c"}});
    return read("D1", "A1").at("fields").at("motif") == "m" && save("D1", "A1", {{"motif", "n"}}).at("version") == 12 &&
           read("D1", "A1").at("fields").at("motif") == "n";
  })) << "an eleventh save without a motif loses nothing, and the twelfth is whole";
}

TEST_F(Mutants, PageOverflowCutsDocumentOnlyInItsBand) {
  auto round_trips = [&](std::size_t bytes) {
    std::string content(bytes - 2, 'a');
    content += "é";  // the cut backs off to a character boundary
    expect_ok({{"op", "attach_document"}, {"as", "D1"}, {"document", "X" + std::to_string(bytes)},
               {"appointment", "A1"}, {"title", "t"}, {"content", content}});
    Json a = call({{"op", "read_document"}, {"as", "D1"}, {"document", "X" + std::to_string(bytes)}});
    return a.at("content") == content;
  };
  expect_caught(Mutant::page_overflow_cuts_document, [&] { return round_trips(8185); });
  EXPECT_FALSE(behaves(Mutant::page_overflow_cuts_document, [&] { return round_trips(8181); }));
  EXPECT_FALSE(behaves(Mutant::page_overflow_cuts_document, [&] { return round_trips(8191); }));
  EXPECT_TRUE(behaves(Mutant::page_overflow_cuts_document, [&] { return round_trips(8180) && round_trips(8192); }));
}

TEST_F(Mutants, ApiListFromExactStartLeaksOnlyFromAnExactStart) {
  auto lists = [&](const char* from) {
    return call({{"op", "list_appointments"}, {"as", "C1"}, {"from", from}}).at("appointments").size();
  };
  // B1 (P2) starts at 10:00; C1 is P1's client.
  expect_caught(Mutant::api_list_from_exact_start, [&] { return lists("2024-03-01T10:00") == 0; });
  EXPECT_TRUE(behaves(Mutant::api_list_from_exact_start, [&] { return lists("2024-03-01T09:59") == 0; }));
}

TEST(MutantCatalogue, NamesRoundTripAndMatchTheDesignTable) {
  std::vector<std::string> names;
  for (const auto& m : records::all_mutants()) {
    names.emplace_back(m.name);
    EXPECT_EQ(records::mutant_from_name(m.name), m.mutant);
    EXPECT_EQ(records::mutant_name(m.mutant), m.name);
    EXPECT_FALSE(m.description.empty());
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "share-skips-save", "reschedule-clobbers-observation", "ack-before-commit",
                       "silent-truncation", "lost-update", "partial-save-on-error", "nonatomic-save",
                       "partial-as-replace", "share-leaks-observation", "api-tenant-filter-missing",
                       "version-not-bumped", "patient-reads-unshared",
                       // and four whose loss shows only after an unrelated step (docs/diagnosis.md)
                       "day-change-clears-interrogatoire", "write-behind-observation", "unshare-clears-examen",
                       "recovery-resets-version", "no-sync", "ignore-commit-error", "version-after-fields",
                       // and four deep ones (a rare combination)
                       "fifth-save-drops-conclusion", "page-overflow-cuts-document", "api-list-from-exact-start",
                       "history-overflow-drops-motif"}));
  EXPECT_EQ(records::mutant_from_name(""), Mutant::none);
  EXPECT_EQ(records::mutant_from_name("none"), Mutant::none);
  EXPECT_EQ(records::mutant_from_name("share_skips_save"), std::nullopt);
}

TEST(MutantCatalogue, EnvironmentVariableSelectsTheMutantInProcess) {
  ::setenv("SAVEFUZZ_MUTANT", "lost-update", 1);
  EXPECT_EQ(records::mutant_from_environment(), Mutant::lost_update);
  ::setenv("SAVEFUZZ_MUTANT", "no-such-bug", 1);
  EXPECT_THROW(records::mutant_from_environment(), std::invalid_argument);
  ::unsetenv("SAVEFUZZ_MUTANT");
  EXPECT_EQ(records::mutant_from_environment(), Mutant::none);
}

}  // namespace
}  // namespace savefuzz::testing
