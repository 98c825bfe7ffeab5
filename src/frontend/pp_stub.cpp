// TEMPORARY stand-in for the preprocessor (replaced by preprocess.cpp).
#include <cstdlib>
#include <sstream>

#include "frontend/preprocess.h"

namespace probe {

std::vector<std::string> default_system_include_dirs() { return {}; }

Preprocessed preprocess(const SourceFile &src, const PreprocessOptions &, Diagnostics &) {
  Preprocessed out;
  std::istringstream in(src.text);
  std::string line;
  int n = 0;
  bool first = true;
  while (std::getline(in, line)) {
    n++;
    if (!first) out.text += '\n';
    first = false;
    size_t b = line.find_first_not_of(" \t");
    if (b != std::string::npos && line[b] == '#') {
      std::istringstream d(line.substr(b + 1));
      std::string kw, name;
      d >> kw >> name;
      if (kw == "define" && !name.empty()) {
        Macro m;
        size_t paren = name.find('(');
        std::string rest;
        std::getline(d, rest);
        if (paren != std::string::npos) {
          m.function_like = true;
          std::string all = name.substr(paren + 1) + rest;
          size_t close = all.find(')');
          std::string params = all.substr(0, close);
          std::stringstream ps(params);
          std::string p;
          while (std::getline(ps, p, ',')) {
            p.erase(0, p.find_first_not_of(" "));
            p.erase(p.find_last_not_of(" ") + 1);
            if (!p.empty()) m.params.push_back(p);
          }
          rest = all.substr(close + 1);
          name = name.substr(0, paren);
        }
        m.name = name;
        m.body = rest;
        m.file = src.name;
        m.loc.begin = Position{n, 1};
        out.macros[name] = m;
      }
      continue;
    }
    out.text += line;
  }
  if (!src.text.empty() && src.text.back() == '\n') out.text += '\n';
  return out;
}

std::string expand_macros(const std::string &text, const MacroTable &) { return text; }

std::optional<int64_t> eval_constant_expr(const std::string &text) {
  char *end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 0);
  while (end && (*end == ' ' || *end == '\t')) end++;
  if (!end || *end) return std::nullopt;
  return v;
}

std::optional<int64_t> macro_constant(const MacroTable &macros, const std::string &name) {
  auto it = macros.find(name);
  if (it == macros.end() || it->second.function_like) return std::nullopt;
  return eval_constant_expr(it->second.body);
}

struct SystemConstants::State {};
SystemConstants::SystemConstants(std::vector<std::string> dirs) : dirs_(std::move(dirs)) {}
SystemConstants::~SystemConstants() = default;
std::optional<std::pair<int64_t, std::string>> SystemConstants::lookup(const std::string &) { return std::nullopt; }

}  // namespace probe
