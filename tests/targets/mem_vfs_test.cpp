// The in-memory storage under the Disk VFS: SQLite works on it as on files, nothing reaches the
// file system until a finding keeps the data, a power loss forgets exactly what was not synced,
// and an image of a store starts the next one; a target started again (once per fuzz input)
// keeps nothing of the run before.
#include <atomic>
#include <fstream>

#include <sqlite3.h>

#include <gtest/gtest.h>

#include "harness/core/asan.h"
#ifdef SAVEFUZZ_ASAN
#include <sanitizer/allocator_interface.h>
#endif

#include "harness/targets/data_dir.h"
#include "harness/targets/disk_vfs.h"
#include "harness/targets/inprocess_target.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

// One connection on `path` through the in-memory Disk VFS, in WAL mode with full syncs like the
// reference store.
struct Db {
  Db(Disk& disk, const std::filesystem::path& path) : use(disk) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, Disk::vfs_name(true)),
              SQLITE_OK);
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS t(v TEXT)");
  }
  ~Db() { sqlite3_close_v2(db); }
  int exec(const std::string& sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }
  std::string values() {
    std::string out;
    sqlite3_exec(db, "SELECT v FROM t ORDER BY rowid", [](void* o, int, char** v, char**) {
      *static_cast<std::string*>(o) += std::string(v[0]) + ";";
      return 0;
    }, &out, nullptr);
    return out;
  }
  Disk::Use use;
  sqlite3* db = nullptr;
};

TEST(MemFs, CommitsSurviveACloseAndNothingReachesTheFileSystem) {
  testing::TempDir dir;
  Disk disk(true);
  auto path = dir.path() / "records.db";
  {
    Db db(disk, path);
    ASSERT_EQ(db.exec("INSERT INTO t VALUES ('a'); INSERT INTO t VALUES ('b')"), SQLITE_OK);
  }
  EXPECT_FALSE(std::filesystem::exists(path)) << "the store lives in memory";
  EXPECT_GE(disk.files().file_count(), 1u);
  Db again(disk, path);
  EXPECT_EQ(again.values(), "a;b;");
}

TEST(MemFs, AnAbandonedConnectionKeepsCommitsAndLosesItsOpenTransaction) {
  testing::TempDir dir;
  Disk disk(true);
  auto path = dir.path() / "records.db";
  {
    Db db(disk, path);
    db.exec("INSERT INTO t VALUES ('kept')");
    db.exec("BEGIN; INSERT INTO t VALUES ('lost')");
    disk.freeze();  // killed: the close writes nothing
  }
  disk.thaw();
  Db again(disk, path);
  EXPECT_EQ(again.values(), "kept;");
}

TEST(MemFs, PowerLossForgetsWhatWasNotSynced) {
  testing::TempDir dir;
  Disk disk(true);
  auto path = dir.path() / "records.db";
  {
    Db db(disk, path);
    db.exec("INSERT INTO t VALUES ('synced')");
    db.exec("PRAGMA synchronous=OFF");
    db.exec("INSERT INTO t VALUES ('unsynced')");
    EXPECT_EQ(db.values(), "synced;unsynced;");
    EXPECT_GT(disk.unsynced_writes(), 0u);
    disk.freeze();
  }
  disk.lose_unsynced(0);
  disk.thaw();
  Db again(disk, path);
  EXPECT_EQ(again.values(), "synced;");
}

// Rows of a few hundred KiB: each spans several of a file's blocks, the WAL grows past them, a
// checkpoint truncates it, and a power loss puts back a torn write in the middle of one.
TEST(MemFs, FilesOfManyBlocksReadBackByteForByteAndLoseOnlyWhatWasNotSynced) {
  auto pattern = [](int row, std::size_t bytes) {
    std::string s(bytes, 'a');
    for (std::size_t i = 0; i < bytes; ++i) s[i] = static_cast<char>('a' + (i * 7 + static_cast<std::size_t>(row)) % 26);
    return s;
  };
  std::string first = pattern(1, 300001), second = pattern(2, 200003), third = pattern(3, 150007);
  testing::TempDir dir;
  Disk disk(true);
  auto path = dir.path() / "records.db";
  {
    Db db(disk, path);
    ASSERT_EQ(db.exec("INSERT INTO t VALUES ('" + first + "')"), SQLITE_OK);
    ASSERT_EQ(db.exec("PRAGMA wal_checkpoint(TRUNCATE)"), SQLITE_OK);
    ASSERT_EQ(db.exec("INSERT INTO t VALUES ('" + second + "')"), SQLITE_OK);
    db.exec("PRAGMA synchronous=OFF");
    ASSERT_EQ(db.exec("INSERT INTO t VALUES ('" + third + "')"), SQLITE_OK);
    EXPECT_EQ(db.values(), first + ";" + second + ";" + third + ";");
    disk.freeze();
  }
  disk.lose_unsynced(7);  // the newest write keeps some of its first blocks
  disk.thaw();
  {
    Db again(disk, path);
    EXPECT_EQ(again.values(), first + ";" + second + ";") << "the synced rows, exactly, and nothing of the third";
    std::string check;
    sqlite3_exec(again.db, "PRAGMA integrity_check", [](void* o, int, char** v, char**) {
      *static_cast<std::string*>(o) += v[0];
      return 0;
    }, &check, nullptr);
    EXPECT_EQ(check, "ok");
  }
  disk.files().write_to(dir.path());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::string out;
  sqlite3_exec(db, "SELECT v FROM t ORDER BY rowid", [](void* o, int, char** v, char**) {
    *static_cast<std::string*>(o) += std::string(v[0]) + ";";
    return 0;
  }, &out, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(out, first + ";" + second + ";") << "the written-out files hold the same bytes";
}

// The VFS's own calls, as a file system answers them: a file cut in the middle of a block and
// written again past its end reads zeros in the gap, not the bytes it held before the cut.
TEST(MemFs, AFileCutAndWrittenPastItsEndReadsZerosInTheGap) {
  testing::TempDir dir;
  Disk disk(true);
  Disk::Use use(disk);
  sqlite3_vfs* vfs = sqlite3_vfs_find(Disk::vfs_name(true));
  ASSERT_NE(vfs, nullptr);
  std::vector<char> storage(static_cast<std::size_t>(vfs->szOsFile));
  auto* f = reinterpret_cast<sqlite3_file*>(storage.data());
  auto path = (dir.path() / "file").string();
  ASSERT_EQ(vfs->xOpen(vfs, path.c_str(), f, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MAIN_DB, nullptr),
            SQLITE_OK);
  const int size = 200000, cut = 70001, end = 150000;  // several blocks; the cut inside one
  std::string full(size, 'x');
  ASSERT_EQ(f->pMethods->xWrite(f, full.data(), size, 0), SQLITE_OK);
  ASSERT_EQ(f->pMethods->xTruncate(f, cut), SQLITE_OK);
  ASSERT_EQ(f->pMethods->xWrite(f, "y", 1, end - 1), SQLITE_OK);
  sqlite3_int64 now = 0;
  ASSERT_EQ(f->pMethods->xFileSize(f, &now), SQLITE_OK);
  EXPECT_EQ(now, end);
  std::string back(static_cast<std::size_t>(end), '?');
  ASSERT_EQ(f->pMethods->xRead(f, back.data(), end, 0), SQLITE_OK);
  EXPECT_EQ(back, std::string(cut, 'x') + std::string(end - 1 - cut, '\0') + "y");
  std::string past(10, '?');
  EXPECT_EQ(f->pMethods->xRead(f, past.data(), 10, end - 5), SQLITE_IOERR_SHORT_READ);
  EXPECT_EQ(past, std::string(4, '\0') + "y" + std::string(5, '\0')) << "a short read fills the rest with zeros";
  f->pMethods->xClose(f);
}

TEST(MemFs, AnImageStartsAnotherStoreAndKeptDataIsWrittenOut) {
  testing::TempDir first, second;
  Disk disk(true);
  {
    Db db(disk, first.path() / "records.db");
    db.exec("INSERT INTO t VALUES ('x')");
  }
  MemFs::Image image = disk.files().image();
  ASSERT_TRUE(image.count("records.db"));
  Disk other(true);
  other.files().load(second.path(), image);
  {
    Db db(other, second.path() / "records.db");
    EXPECT_EQ(db.values(), "x;");
  }
  other.files().write_to(second.path());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((second.path() / "records.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  int rows = 0;
  sqlite3_exec(db, "SELECT count(*) FROM t", [](void* o, int, char** v, char**) {
    *static_cast<int*>(o) = std::stoi(v[0]);
    return 0;
  }, &rows, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(rows, 1) << "the written-out files open with the system's own VFS";
}

TEST(DataDir, ClearLeavesTheDirectoryEmptyAndInPlace) {
  testing::TempDir root;
  DataDir dir(root.path());
  std::filesystem::create_directories(dir.path() / "sub" / "deeper");
  std::ofstream(dir.path() / "clean-shutdown") << "\n";
  std::ofstream(dir.path() / "sub" / "deeper" / "f") << "x";
  dir.clear();
  EXPECT_TRUE(std::filesystem::is_directory(dir.path()));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  EXPECT_FALSE(dir.kept());
  dir.keep();
  EXPECT_TRUE(dir.kept());
}

TEST(DataDir, ClearSeesWhatWasWrittenSinceItsLastClear) {
  testing::TempDir root;
  DataDir dir(root.path());
  dir.clear();  // empty: nothing to do
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  // Dozens of long names: more entries than one read of the directory returns.
  for (int i = 0; i < 60; ++i) std::ofstream(dir.path() / (std::string(200, 'n') + std::to_string(i))) << "x";
  dir.clear();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  std::ofstream(dir.path() / "late") << "x";
  dir.clear();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "a file written after a clear of the empty directory";
}

Json practice(const std::string& id) { return Json{{"op", "create_practice"}, {"practice", id}}; }

// What save_path_fuzzer does: one target, started again for every input.
TEST(InProcessTarget, AStartAgainSeesNothingOfTheRunBeforeAndAKeptDirectoryIsNotReused) {
  testing::TempDir root;
  InProcessTarget t(InProcessOptions{.mutant = records::Mutant::none, .data_root = root.path()});
  ASSERT_FALSE(t.start());
  auto first = t.call(practice("P1"));
  ASSERT_TRUE(std::holds_alternative<Json>(first));
  EXPECT_EQ(std::get<Json>(first).value("ok", false), true);
  ASSERT_FALSE(t.restart());
  const std::filesystem::path used = std::filesystem::directory_iterator(root.path())->path();
  std::ofstream(used / "beside-the-store") << "x";

  ASSERT_FALSE(t.start());
  auto again = t.call(practice("P1"));
  ASSERT_TRUE(std::holds_alternative<Json>(again));
  EXPECT_EQ(std::get<Json>(again).value("ok", false), true) << "P1 was created by the run before: " << std::get<Json>(again);
  std::vector<std::filesystem::path> dirs(std::filesystem::directory_iterator(root.path()), {});
  ASSERT_EQ(dirs, std::vector<std::filesystem::path>{used}) << "the same data directory serves every start";
  EXPECT_TRUE(std::filesystem::is_empty(used)) << "what the run before left beside the store is gone";

  std::string kept = t.keep_data();
  ASSERT_EQ(std::filesystem::path(kept), used);
  ASSERT_FALSE(t.start());
  dirs.assign(std::filesystem::directory_iterator(root.path()), {});
  EXPECT_EQ(dirs.size(), 2u) << "a kept directory is left alone: the next start makes another";
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(kept) / records::kDatabaseFile));
}

#ifdef SAVEFUZZ_ASAN
std::atomic<bool> counting{false};
std::atomic<long> mallocs{0}, frees{0};
void on_malloc(const volatile void*, size_t) {
  if (counting) ++mallocs;
}
void on_free(const volatile void*) {
  if (counting) ++frees;
}
#endif

// libFuzzer runs an input a second time, and then under LeakSanitizer, when the input mallocs
// more than it frees: a fuzzer whose target outlives the input pays for that on every input.
TEST(InProcessTarget, ARunThatEndsWithStopFreesAsManyAllocationsAsItMade) {
#ifndef SAVEFUZZ_ASAN
  GTEST_SKIP() << "counts allocations with AddressSanitizer's malloc hooks";
#else
  testing::TempDir root;
  InProcessTarget t(InProcessOptions{.mutant = records::Mutant::none, .data_root = root.path()});
  // Runs of different sizes, as inputs are: a target kept from one run to the next frees the
  // run before's store, which balances the count only when both runs made the same store.
  auto run = [&](int practices) {
    ASSERT_FALSE(t.start());
    for (int i = 0; i < practices; ++i) {
      EXPECT_TRUE(std::holds_alternative<Json>(t.call(practice("P" + std::to_string(i)))));
      ASSERT_FALSE(i % 2 ? t.crash() : t.restart());
    }
  };
  // What a process makes once: the first start's image, SQLite's and the VFS's state, and the
  // chunks of SQLite's heap (sqlite_heap.h) a run of this size needs.
  run(6);
  t.stop();
  __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
  counting = true;
  run(5);
  t.stop();
  counting = false;
  EXPECT_GT(mallocs.load(), 0) << "the hooks saw nothing";
  EXPECT_EQ(mallocs.load(), frees.load()) << "what the run allocated outlives it";
#endif
}

}  // namespace
}  // namespace savefuzz
