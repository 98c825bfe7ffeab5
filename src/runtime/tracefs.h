// tracefs access: where it is mounted, tracepoint record layouts from their
// format files, and listing tracepoints.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "frontend/types.h"
#include "util/result.h"

namespace probe {

// The tracefs directory (containing events/), mounting it if needed.
Result<std::string> tracefs_root();

// Record "tracepoint:CAT:NAME" built from events/CAT/NAME/format; common_* fields skipped.
Result<std::shared_ptr<const Record>> tracepoint_format(const std::string &category,
                                                        const std::string &event);

// Parses the text of a format file (exposed for tests without tracefs).
Result<std::shared_ptr<const Record>> parse_tracepoint_format(const std::string &category,
                                                              const std::string &event,
                                                              const std::string &text);

// (category, event) pairs matching the two shell globs, sorted.
Result<std::vector<std::pair<std::string, std::string>>> list_tracepoints(
    const std::string &category_glob, const std::string &name_glob);

}  // namespace probe
