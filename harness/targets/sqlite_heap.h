// SQLite's heap in a build with AddressSanitizer: size-class free lists instead of ASan's
// allocator. Debian's SQLite is built without lookaside memory, so each of its small allocations
// (thousands per fuzz input: the schema parsed at every open, each statement prepared) went
// through ASan's malloc, which records a stack trace and quarantines every block: that made a
// third of the ASan fuzzer's time. SQLite itself is not instrumented, so what ASan checked there
// was only our code's reads of SQLite's memory; the free lists keep that: a block is poisoned
// while free and beyond its size while in use.
#pragma once

#include <sqlite3.h>

namespace savefuzz {

// The allocator, for tests. Thread-safe; blocks over 64 KiB come from malloc. The price: a
// connection left unclosed is no longer a leak LeakSanitizer reports.
const sqlite3_mem_methods& sqlite_heap_methods();

// With ASan, makes it SQLite's allocator; otherwise does nothing (the system allocators are
// fast). Only before SQLite initialises: afterwards SQLite keeps malloc.
void use_sqlite_heap();

}  // namespace savefuzz
