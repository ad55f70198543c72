// One process-wide flag for SIGINT and SIGTERM.
#include "harness/cli/interrupt.h"

#include <csignal>

namespace savefuzz {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void savefuzz_on_interrupt(int) { g_interrupted = true; }

}  // namespace

const std::atomic<bool>& catch_interrupts() {
  g_interrupted = false;
  std::signal(SIGINT, savefuzz_on_interrupt);
  std::signal(SIGTERM, savefuzz_on_interrupt);
  return g_interrupted;
}

void restore_interrupts() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace savefuzz
