// The benchmark's results as latest.json (everything measured) and latest.md (the tables a reader
// wants, and where each goal stands).
#pragma once

#include <string>

#include "harness/core/op_table.h"  // Json

namespace savefuzz::bench {

// Cores, CPU model, memory, kernel, compiler and build type: printed with every result.
Json describe_machine();

// `results` holds "machine", "command", and whichever of "kill_table", "throughput", "growth" ran or
// were kept (listed in "kept_from" with where each came from).
std::string render_markdown(const Json& results);

}  // namespace savefuzz::bench
