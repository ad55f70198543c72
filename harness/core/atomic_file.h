// Whole-file writes that a reader never sees half done.
#pragma once

#include <filesystem>
#include <string>

#include "harness/core/status.h"

namespace savefuzz {

// Writes `text` to `file` through a temporary file in the same folder and a rename.
Status write_file_atomically(const std::filesystem::path& file, const std::string& text);

}  // namespace savefuzz
