// The store under the Disk VFS: storage failures answer `unavailable` and change nothing, even
// after a crash (SPEC.md 4a.13 and section 5); a power loss keeps what was synced; the storage
// mutants break exactly that.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "harness/targets/disk_vfs.h"
#include "tests/records/service_fixture.h"

namespace savefuzz::testing {
namespace {

struct DiskEnv : records::Env {
  const char* sqlite_vfs() const override { return Disk::vfs_name(false); }
};

class StorageFaults : public ServiceTest {
 protected:
  void SetUp() override { reopen(records::Mutant::none); }
  // A new service on a new directory, its I/O on disk_.
  void reopen(records::Mutant mutant) {
    mutant_ = mutant;
    disk_ = Disk{};
    fresh(mutant, &env_);
    build_world();
  }
  // The process dies: nothing more is written, the store is dropped unclosed, and (on a power
  // loss) what was not synced is lost.
  void kill(std::optional<std::uint32_t> power_loss_tear = std::nullopt) {
    disk_.freeze();
    service_.reset();
    if (power_loss_tear) disk_.lose_unsynced(*power_loss_tear);
    disk_.thaw();
    open(mutant_, &env_);
  }
  Json save_with_fault(bool on_sync, unsigned n, int code, bool& fired) {
    disk_.arm(std::nullopt, Disk::Fault{on_sync, n, code});
    Json a = save("D1", "A1", {{"motif", "new"}, {"examen", "new"}});
    fired = disk_.fault_fired();
    disk_.disarm();
    return a;
  }
  void expect_old(const std::string& when) {
    Json r = read("D1", "A1");
    EXPECT_EQ(r.at("fields").at("motif"), "kept") << when;
    EXPECT_EQ(r.at("fields").at("examen"), "") << when << ": a multi-field save is whole or absent";
    EXPECT_EQ(r.at("version"), 1) << when;
  }

  DiskEnv env_;
  Disk disk_;
  Disk::Use use_{disk_};
  records::Mutant mutant_ = records::Mutant::none;
};

// Every write and every sync of a save, failed in turn, then a crash: the refused save never
// shows, before or after the crash. The crash matters for syncs: a failed WAL sync leaves the
// commit's frames in the file, and recovery would bring them back unless the store discards them.
TEST_F(StorageFaults, EveryFailedWriteOrSyncOfASaveLeavesNothingEvenAfterACrash) {
  for (bool on_sync : {false, true}) {
    for (int code : {SQLITE_FULL, on_sync ? SQLITE_IOERR_FSYNC : SQLITE_IOERR_WRITE}) {
      int fired_count = 0;
      for (unsigned n = 1; n < 50; ++n) {
        reopen(records::Mutant::none);
        save("D1", "A1", {{"motif", "kept"}});
        bool fired = false;
        Json a = save_with_fault(on_sync, n, code, fired);
        std::string what = std::string(on_sync ? "sync " : "write ") + std::to_string(n) + " failed";
        if (!fired) {
          EXPECT_EQ(a.at("ok"), true) << what << " never came, so the save succeeds: " << a.dump();
          break;
        }
        ++fired_count;
        EXPECT_EQ(a.at("error").at("code"), "unavailable") << what << ": " << a.dump();
        expect_old(what);
        kill();
        expect_old(what + ", then a crash");
        EXPECT_EQ(save("D1", "A1", {{"examen", "later"}}).at("version"), 2) << "and it goes on serving writes";
      }
      EXPECT_GE(fired_count, 1) << (on_sync ? "a commit syncs" : "a commit writes");
    }
  }
}

TEST_F(StorageFaults, FailedSyncOnCreateIsUnavailableAndTheIdStaysFree) {
  disk_.arm(std::nullopt, Disk::Fault{true, 1, SQLITE_IOERR_FSYNC});
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", "P7"}}), "unavailable");
  EXPECT_TRUE(disk_.fault_fired());
  disk_.disarm();
  kill();
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", "P7"}}), "ok");
}

// WAL with synchronous=FULL syncs each commit: a power loss, however the last write tears, loses
// nothing acknowledged.
TEST_F(StorageFaults, APowerLossKeepsEverySyncedSave) {
  for (std::uint32_t tear = 0; tear < 4; ++tear) {
    reopen(records::Mutant::none);
    save("D1", "A1", {{"motif", "one"}});
    save("D1", "A1", {{"examen", "two"}});
    kill(tear);
    Json r = read("D1", "A1");
    EXPECT_EQ(r.at("fields").at("motif"), "one") << "tear " << tear;
    EXPECT_EQ(r.at("fields").at("examen"), "two") << "tear " << tear;
    EXPECT_EQ(r.at("version"), 2) << "tear " << tear;
    EXPECT_EQ(disk_.unsynced_writes(), 0u) << "what was lost is forgotten";
  }
}

TEST_F(StorageFaults, NoSyncSurvivesACrashButNotAPowerLoss) {
  reopen(records::Mutant::no_sync);
  save("D1", "A1", {{"motif", "acknowledged"}});
  EXPECT_GT(disk_.unsynced_writes(), 0u);
  kill();
  EXPECT_EQ(read("D1", "A1").at("fields").at("motif"), "acknowledged") << "a crash keeps the page cache";
  kill(0);
  Json r = read("D1", "A1");
  EXPECT_NE(r.value("fields", Json::object()).value("motif", ""), "acknowledged") << r.dump();
}

TEST_F(StorageFaults, IgnoreCommitErrorAcknowledgesAFailedSave) {
  reopen(records::Mutant::ignore_commit_error);
  save("D1", "A1", {{"motif", "kept"}});
  bool fired = false;
  Json a = save_with_fault(true, 1, SQLITE_IOERR_FSYNC, fired);
  ASSERT_TRUE(fired);
  EXPECT_EQ(a.at("ok"), true) << a.dump();
  expect_old("the acknowledged save was rolled back");
}

// Crash inside the K-th sync of a save: the first sync of version-after-fields is its fields'
// commit, so the fields survive without the version; the correct save has one commit.
TEST_F(StorageFaults, VersionAfterFieldsShowsOnlyAtItsFirstSync) {
  for (auto mutant : {records::Mutant::none, records::Mutant::version_after_fields}) {
    for (unsigned k = 1; k <= 3; ++k) {
      reopen(mutant);
      save("D1", "A1", {{"motif", "kept"}});
      disk_.arm(k, std::nullopt);
      save("D1", "A1", {{"motif", "new"}});
      disk_.disarm();
      kill();
      Json r = read("D1", "A1");
      bool torn = r.at("fields").at("motif") == "new" && r.at("version") == 1;
      EXPECT_EQ(torn, mutant != records::Mutant::none && k == 1) << "sync " << k << ": " << r.dump();
    }
  }
}

}  // namespace
}  // namespace savefuzz::testing
