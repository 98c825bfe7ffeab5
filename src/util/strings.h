// Small string helpers shared by diagnostics code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace probe {

// Joins items with sep.
template <typename T>
std::string join(const std::vector<T> &items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); i++) {
    if (i) out += sep;
    out += std::string(items[i]);
  }
  return out;
}

// Levenshtein distance, for "did you mean" hints.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to word if it is plausibly a typo of it, else "".
std::string closest(std::string_view word, const std::vector<std::string> &candidates);

}  // namespace probe
