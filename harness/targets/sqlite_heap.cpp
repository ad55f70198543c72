// Free lists by power-of-two size, carved from 1 MiB chunks of malloc that are never returned.
#include "harness/targets/sqlite_heap.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <sanitizer/asan_interface.h>

#include "harness/core/asan.h"

namespace savefuzz {
namespace {

// Before each block, never poisoned: the free lists live here, not in the (poisoned) free block.
struct Header {
  union {
    std::uint64_t size;  // in use: the size asked for, rounded up to 8
    Header* next;        // free: the next free block of its class
  };
  std::uint32_t size_class;
  std::uint32_t unused;
};
static_assert(sizeof(Header) == 16, "keeps every block 16-byte aligned");

constexpr int kClasses = 13;  // payloads of 16 bytes to 64 KiB
constexpr std::uint32_t kLarge = kClasses;  // a block straight from malloc
constexpr std::size_t payload(std::uint32_t c) { return std::size_t{16} << c; }
constexpr std::size_t kLargest = payload(kClasses - 1);
constexpr std::size_t kChunk = std::size_t{1} << 20;

struct Heap {
  std::mutex lock;
  Header* free[kClasses] = {};
  char* next = nullptr;  // the current chunk's uncarved rest
  std::size_t left = 0;
};

// Never destroyed: SQLite may free after static destructors have run.
Heap& heap() {
  static Heap* h = new Heap;
  return *h;
}

std::size_t rounded(int n) { return (static_cast<std::size_t>(n > 0 ? n : 1) + 7) & ~std::size_t{7}; }

std::uint32_t class_of(std::size_t size) {
  std::uint32_t c = 0;
  while (payload(c) < size) ++c;
  return c;
}

Header* header(void* p) { return static_cast<Header*>(p) - 1; }

// A new block of class `c`, its payload poisoned; called with the lock held.
Header* carve(Heap& h, std::uint32_t c) {
  std::size_t need = sizeof(Header) + payload(c);
  if (h.left < need) {
    // What is left of the chunk stays unused; the chunk stays reachable (LeakSanitizer) through
    // the blocks carved from it, each either in use or on a free list.
    h.next = static_cast<char*>(std::malloc(kChunk));
    if (!h.next) return nullptr;
    h.left = kChunk;
    ASAN_POISON_MEMORY_REGION(h.next, kChunk);
  }
  auto* block = reinterpret_cast<Header*>(h.next);
  h.next += need;
  h.left -= need;
  ASAN_UNPOISON_MEMORY_REGION(block, sizeof(Header));
  block->size_class = c;
  return block;
}

void* heap_malloc(int n) {
  std::size_t size = rounded(n);
  Header* block;
  if (size > kLargest) {
    block = static_cast<Header*>(std::malloc(sizeof(Header) + size));
    if (!block) return nullptr;
    block->size_class = kLarge;
  } else {
    std::uint32_t c = class_of(size);
    Heap& h = heap();
    std::lock_guard hold(h.lock);
    if ((block = h.free[c])) h.free[c] = block->next;
    else if (!(block = carve(h, c))) return nullptr;
  }
  block->size = size;
  ASAN_UNPOISON_MEMORY_REGION(block + 1, size);
  return block + 1;
}

void heap_free(void* p) {
  if (!p) return;
  Header* block = header(p);
  if (block->size_class == kLarge) return std::free(block);
  // Poisoned until used again: a read through a stale pointer is reported as ASan reports any.
  ASAN_POISON_MEMORY_REGION(p, payload(block->size_class));
  Heap& h = heap();
  std::lock_guard hold(h.lock);
  block->next = h.free[block->size_class];
  h.free[block->size_class] = block;
}

int heap_size(void* p) { return p ? static_cast<int>(header(p)->size) : 0; }

void* heap_realloc(void* p, int n) {
  if (!p) return heap_malloc(n);
  Header* block = header(p);
  std::size_t size = rounded(n);
  if (block->size_class == kLarge && size > kLargest) {
    block = static_cast<Header*>(std::realloc(block, sizeof(Header) + size));
    if (!block) return nullptr;
    block->size = size;
    return block + 1;
  }
  if (block->size_class != kLarge && size <= payload(block->size_class)) {
    if (size > block->size) ASAN_UNPOISON_MEMORY_REGION(static_cast<char*>(p) + block->size, size - block->size);
    else ASAN_POISON_MEMORY_REGION(static_cast<char*>(p) + size, block->size - size);
    block->size = size;
    return p;
  }
  void* q = heap_malloc(n);
  if (!q) return nullptr;
  std::memcpy(q, p, block->size < size ? block->size : size);
  heap_free(p);
  return q;
}

int heap_roundup(int n) { return static_cast<int>(rounded(n)); }
int heap_init(void*) { return SQLITE_OK; }
void heap_shutdown(void*) {}

}  // namespace

const sqlite3_mem_methods& sqlite_heap_methods() {
  static const sqlite3_mem_methods methods{heap_malloc, heap_free,    heap_realloc, heap_size,
                                           heap_roundup, heap_init,   heap_shutdown, nullptr};
  return methods;
}

void use_sqlite_heap() {
#ifdef SAVEFUZZ_ASAN
  // SQLite copies the methods; it refuses them once initialised, and then keeps malloc.
  sqlite3_config(SQLITE_CONFIG_MALLOC, &sqlite_heap_methods());
#endif
}

}  // namespace savefuzz
