// User-facing errors and warnings: collected during passes, rendered with
// the source line and an underline. User mistakes never throw or abort.
#pragma once

#include <string>
#include <vector>

#include "frontend/location.h"
#include "util/result.h"

namespace probe {

// The program text plus the name used in diagnostics ("stdin", a file, "-e").
struct SourceFile {
  std::string name;
  std::string text;

  // Returns line n (1-based) without its newline, or "" if out of range.
  std::string line(int n) const;
};

enum class Severity { Error, Warning };

// One message about a span of the source, with optional hints.
struct Diagnostic {
  Severity severity = Severity::Error;
  Loc loc;
  bool has_loc = true;
  std::string message;
  std::vector<std::string> hints;
};

// Collects diagnostics from every pass; passes keep going after errors
// where they can so that users see all problems at once.
class Diagnostics {
 public:
  // Records an error at loc and returns it so callers can add hints.
  Diagnostic &error(const Loc &loc, std::string message);
  // Records a system error (a Result's Error) at loc, with its hint if any.
  Diagnostic &error(const Loc &loc, const Error &e);
  // Records an error that has no source location (e.g. a bad flag).
  Diagnostic &error(std::string message);
  // Records a warning at loc.
  Diagnostic &warning(const Loc &loc, std::string message);
  // Adds a hint to the most recent diagnostic.
  void hint(std::string text);

  bool has_errors() const;
  const std::vector<Diagnostic> &all() const { return diags_; }
  void clear() { diags_.clear(); }

  // Renders "file:line:col: error: msg", the source line, an underline and
  // hints, for every diagnostic in order.
  std::string render(const SourceFile &src) const;

 private:
  std::vector<Diagnostic> diags_;
};

// Renders one diagnostic (exposed for tests and the runtime's verifier report).
std::string render_diagnostic(const Diagnostic &d, const SourceFile &src);

}  // namespace probe
