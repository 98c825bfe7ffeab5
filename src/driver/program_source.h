// Reading the program text from a file or standard input, bounded so that
// /dev/zero or a huge file cannot exhaust memory.
#pragma once

#include <cstddef>
#include <string>

#include "util/result.h"

namespace probe {

// The largest program probe reads (files and stdin); -e is bounded by the kernel's argument limit.
constexpr size_t kMaxProgramBytes = size_t(4) << 20;

// The text of program file path ("-" reads stdin). Directories and devices
// are refused; so is anything over max_bytes. Errors name the file.
Result<std::string> read_program_file(const std::string &path, size_t max_bytes = kMaxProgramBytes);

}  // namespace probe
