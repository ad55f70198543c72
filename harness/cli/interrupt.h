// Ctrl-C and SIGTERM as a flag: long commands stop at a safe point and keep what they found.
#pragma once

#include <atomic>

namespace savefuzz {

// Installs the handlers; the flag is raised by SIGINT or SIGTERM until restore.
const std::atomic<bool>& catch_interrupts();
void restore_interrupts();

}  // namespace savefuzz
