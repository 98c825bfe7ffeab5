#include "frontend/diagnostics.h"

#include <algorithm>
#include <sstream>

namespace probe {

std::string SourceFile::line(int n) const {
  if (n < 1) return "";
  size_t pos = 0;
  for (int i = 1; i < n; i++) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return "";
    pos++;
  }
  size_t end = text.find('\n', pos);
  return text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

Diagnostic &Diagnostics::error(const Loc &loc, std::string message) {
  diags_.push_back(Diagnostic{Severity::Error, loc, true, std::move(message), {}});
  return diags_.back();
}

Diagnostic &Diagnostics::error(const Loc &loc, const Error &e) {
  Diagnostic &d = error(loc, e.message);
  if (!e.hint.empty()) d.hints.push_back(e.hint);
  return d;
}

Diagnostic &Diagnostics::error(std::string message) {
  diags_.push_back(Diagnostic{Severity::Error, Loc{}, false, std::move(message), {}});
  return diags_.back();
}

Diagnostic &Diagnostics::warning(const Loc &loc, std::string message) {
  diags_.push_back(Diagnostic{Severity::Warning, loc, true, std::move(message), {}});
  return diags_.back();
}

void Diagnostics::hint(std::string text) {
  if (!diags_.empty()) diags_.back().hints.push_back(std::move(text));
}

bool Diagnostics::has_errors() const {
  return std::any_of(diags_.begin(), diags_.end(),
                     [](const Diagnostic &d) { return d.severity == Severity::Error; });
}

std::string render_diagnostic(const Diagnostic &d, const SourceFile &src) {
  std::ostringstream out;
  const char *sev = d.severity == Severity::Error ? "error" : "warning";
  if (!d.has_loc) {
    out << src.name << ": " << sev << ": " << d.message << "\n";
  } else {
    out << src.name << ":" << d.loc.begin.line << ":" << d.loc.begin.column << ": " << sev
        << ": " << d.message << "\n";
    std::string text = src.line(d.loc.begin.line);
    out << text << "\n";
    int start = std::max(1, d.loc.begin.column);
    int stop = d.loc.end.line == d.loc.begin.line ? d.loc.end.column
                                                   : static_cast<int>(text.size()) + 1;
    if (stop <= start) stop = start + 1;
    std::string underline;
    for (int c = 1; c < start; c++)
      underline += (c - 1 < static_cast<int>(text.size()) && text[c - 1] == '\t') ? '\t' : ' ';
    underline += std::string(stop - start, '~');
    underline[start - 1] = '^';
    out << underline << "\n";
  }
  for (const auto &h : d.hints) out << "hint: " << h << "\n";
  return out.str();
}

std::string Diagnostics::render(const SourceFile &src) const {
  std::string out;
  for (const auto &d : diags_) out += render_diagnostic(d, src);
  return out;
}

}  // namespace probe
