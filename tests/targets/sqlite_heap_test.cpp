// SQLite's heap under ASan: blocks keep their contents through realloc, free blocks are reused,
// poisoned while free and past their size, and the in-process targets' SQLite allocates from it.
#include "harness/targets/sqlite_heap.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "harness/core/asan.h"
#include "harness/targets/disk_vfs.h"

#ifdef SAVEFUZZ_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace savefuzz {
namespace {

const sqlite3_mem_methods& heap = sqlite_heap_methods();

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 23);
  return s;
}

TEST(SqliteHeap, EverySizeHoldsItsBytesAndReportsItsRoundedSize) {
  for (int n : {1, 8, 17, 100, 4096, 4300, 65536, 65537, 1 << 20}) {
    void* p = heap.xMalloc(n);
    ASSERT_NE(p, nullptr) << n;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u) << n << " bytes: SQLite needs 8-byte alignment";
    EXPECT_EQ(heap.xSize(p), heap.xRoundup(n)) << n;
    EXPECT_EQ(heap.xSize(p) % 8, 0) << n;
    EXPECT_GE(heap.xSize(p), n);
    std::string bytes = pattern(static_cast<std::size_t>(n));
    std::memcpy(p, bytes.data(), bytes.size());
    EXPECT_EQ(std::memcmp(p, bytes.data(), bytes.size()), 0) << n;
    heap.xFree(p);
  }
  heap.xFree(nullptr);
}

TEST(SqliteHeap, ReallocKeepsTheContentWithinAClassAcrossClassesAndBeyondThePools) {
  std::string bytes = pattern(200000);
  void* p = heap.xMalloc(20);
  std::memcpy(p, bytes.data(), 20);
  // 20 -> 30 stays in its 32-byte block; 30 -> 3000, 3000 -> 100000 (out of the pools),
  // 100000 -> 200000 (malloc's realloc), and back down into the pools.
  int sizes[] = {30, 3000, 100000, 200000, 50};
  int had = 20;
  for (int n : sizes) {
    void* q = heap.xRealloc(p, n);
    ASSERT_NE(q, nullptr) << n;
    EXPECT_EQ(std::memcmp(q, bytes.data(), static_cast<std::size_t>(std::min(had, n))), 0) << had << " -> " << n;
    EXPECT_EQ(heap.xSize(q), heap.xRoundup(n));
    std::memcpy(q, bytes.data(), static_cast<std::size_t>(n));
    if (n == 30) EXPECT_EQ(q, p) << "a block grows in place while its class holds it";
    p = q;
    had = n;
  }
  heap.xFree(p);
  void* fresh = heap.xRealloc(nullptr, 10);
  EXPECT_EQ(heap.xSize(fresh), 16);
  heap.xFree(fresh);
}

TEST(SqliteHeap, AFreedBlockIsTheNextOfItsClass) {
  void* p = heap.xMalloc(700);
  heap.xFree(p);
  void* q = heap.xMalloc(1000);  // the same 1 KiB class
  EXPECT_EQ(q, p);
  void* other = heap.xMalloc(700);
  EXPECT_NE(other, q);
  heap.xFree(q);
  heap.xFree(other);
}

#ifdef SAVEFUZZ_ASAN
TEST(SqliteHeap, AFreeBlockAndTheBytesPastABlocksSizeArePoisoned) {
  auto* p = static_cast<char*>(heap.xMalloc(40));  // a 64-byte block
  EXPECT_EQ(__asan_region_is_poisoned(p, 40), nullptr) << "its 40 bytes are usable";
  EXPECT_TRUE(__asan_address_is_poisoned(p + 40)) << "an overflow of the 40 bytes is reported";
  p = static_cast<char*>(heap.xRealloc(p, 56));
  EXPECT_EQ(__asan_region_is_poisoned(p, 56), nullptr);
  EXPECT_TRUE(__asan_address_is_poisoned(p + 56));
  p = static_cast<char*>(heap.xRealloc(p, 16));
  EXPECT_TRUE(__asan_address_is_poisoned(p + 16)) << "a block shrunk in place is poisoned past its new size";
  heap.xFree(p);
  EXPECT_TRUE(__asan_address_is_poisoned(p)) << "a read through a stale pointer is reported";
}

TEST(SqliteHeap, TheInProcessTargetsSqliteAllocatesFromIt) {
  Disk::vfs_name(true);  // configures SQLite before it initialises
  void* p = sqlite3_malloc(100);
  ASSERT_NE(p, nullptr);
  sqlite3_free(p);
  EXPECT_TRUE(__asan_address_is_poisoned(p));
  // ASan's malloc quarantines a freed block; the free lists hand it out next.
  void* q = heap.xMalloc(100);
  EXPECT_EQ(q, p) << "SQLite's block did not come from the free lists";
  heap.xFree(q);
}
#endif

}  // namespace
}  // namespace savefuzz
