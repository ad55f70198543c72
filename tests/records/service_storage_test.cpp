// Storage failures (disk full, I/O error) answer `unavailable` and change nothing (SPEC.md 4.6, 4a.13).
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "targets/records/fault_vfs.h"
#include "tests/records/service_fixture.h"

namespace savefuzz::testing {
namespace {

struct FaultEnv : records::Env {
  const char* sqlite_vfs() const override { return records::FaultVfs::name(); }
};

class StorageFaults : public ServiceTest {
 protected:
  void SetUp() override {
    open(records::Mutant::none, &env_);
    build_world();
  }
  void TearDown() override { records::FaultVfs::disarm(); }
  FaultEnv env_;
};

TEST_F(StorageFaults, DiskFullAtEveryWriteOfASaveIsUnavailableAndChangesNothing) {
  save("D1", "A1", {{"motif", "kept"}});
  int failed_saves = 0;
  // Move the failure one write/sync later each round, until the save fits before it.
  for (int ok_ops = 0; ok_ops < 100; ++ok_ops) {
    long before = records::FaultVfs::injected();
    records::FaultVfs::fail_after(ok_ops, SQLITE_FULL);
    Json a = save("D1", "A1", {{"motif", "new"}, {"examen", "new"}});
    records::FaultVfs::disarm();
    Json r = read("D1", "A1");
    if (a.at("ok") == true) {
      EXPECT_EQ(r.at("fields").at("motif"), "new");
      EXPECT_EQ(r.at("version"), 2);
      break;
    }
    ++failed_saves;
    EXPECT_GT(records::FaultVfs::injected(), before);
    EXPECT_EQ(a.at("error").at("code"), "unavailable") << "failing after " << ok_ops << " writes: " << a.dump();
    EXPECT_EQ(r.at("fields").at("motif"), "kept");
    EXPECT_EQ(r.at("fields").at("examen"), "") << "a multi-field save is whole or absent";
    EXPECT_EQ(r.at("version"), 1);
  }
  EXPECT_GE(failed_saves, 2) << "a WAL commit writes frames then syncs: both must be reachable";
  crash(records::Mutant::none, &env_);
  Json r = read("D1", "A1");
  EXPECT_EQ(r.at("fields").at("examen"), "new");
  EXPECT_EQ(r.at("version"), 2);
}

TEST_F(StorageFaults, FailedSyncOnCreateIsUnavailableAndTheIdStaysFree) {
  records::FaultVfs::fail_after(0, SQLITE_IOERR_FSYNC);
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", "P7"}}), "unavailable");
  records::FaultVfs::disarm();
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", "P7"}}), "ok");
}

}  // namespace
}  // namespace savefuzz::testing
