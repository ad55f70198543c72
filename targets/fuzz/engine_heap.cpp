// Linked into every fuzzer of the coverage-only build, with tcmalloc (cmake/SavefuzzHelpers.cmake).
//
// libFuzzer's start allocates and clears about 25 MB of tables: the corpus's two arrays indexed
// by feature (16 MB) and the mutation dispatcher's dictionaries. Cleared page by page that is
// about 6,000 page faults, 70 of the 100 ms of CPU a start took, and the start is most of the time
// to an easy finding (bench/results/fuzz.md). In huge pages it is a few dozen faults. The system's
// transparent huge pages are commonly "madvise" (only where a program asks), so before main, and
// so before libFuzzer allocates, this asks for them over a block that tcmalloc then takes back:
// tcmalloc keeps a freed large block and carves the next large allocations out of it, and the
// advice belongs to the mapping, so it holds even after tcmalloc returns those pages to the system.
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>

namespace {

[[gnu::constructor]] void advise_huge_pages_for_the_engine_tables() {
  constexpr std::size_t kBlock = 48u << 20, kHugePage = 2u << 20;
  void* block = std::malloc(kBlock);
  if (!block) return;
  auto begin = (reinterpret_cast<std::uintptr_t>(block) + kHugePage - 1) & ~std::uintptr_t{kHugePage - 1};
  auto end = (reinterpret_cast<std::uintptr_t>(block) + kBlock) & ~std::uintptr_t{kHugePage - 1};
  // Only advice: where the system has no huge pages, the start is as before.
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  std::free(block);
}

}  // namespace
