// Campaigns as users run them: steps/s with the default mix (control steps on), for the
// in-process reference, records-server and the Python example, each with and without resets
// between cases, one worker and two; and how long finding and shrinking a planted bug take.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "harness/core/op_table.h"  // Json

namespace savefuzz::bench {

struct CampaignBenchOptions {
  std::filesystem::path server;       // records-server
  std::string python_cmd;             // the Python example, as --target-cmd takes it
  std::string python_planted_cmd;     // the same with a planted save-path bug (tests/examples/)
  std::filesystem::path data_root;    // where the targets' data directories go
  std::filesystem::path work_dir;     // findings of the shrink rows
  std::chrono::milliseconds seconds{5000};  // per campaign
  std::size_t repeats = 3;                  // campaigns per row; medians are reported
  std::size_t crash_cycles = 200;           // save + crash + restart cycles per target
  std::chrono::milliseconds shrink_cap{60000};  // per campaign of a shrink row, finding and shrinking
};

// {"rows": [...], "crash_cycles": [...], "shrink": [...]}.
Json measure_campaigns(const CampaignBenchOptions& options);

}  // namespace savefuzz::bench
