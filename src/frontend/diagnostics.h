// User-facing errors and warnings: collected during passes, rendered with
// the source line and an underline. User mistakes never throw or abort.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/location.h"
#include "util/result.h"

namespace probe {

// The program text plus the name used in diagnostics ("stdin", a file, "-e").
struct SourceFile {
  std::string name;
  std::string text;

  // Returns line n (1-based) without its newline, or "" if out of range.
  // Scans from the start: for many lines use a LineIndex.
  std::string line(int n) const;
};

// Where each line of a text starts, so that finding line n is O(1) (a
// rendering of many diagnostics on a large program stays linear).
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  // Line n (1-based) of text without its newline; empty if out of range.
  std::string_view line(std::string_view text, int n) const;

 private:
  std::vector<size_t> starts_;
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
// where they can so that users see all problems at once. At most
// max_diagnostics() are kept: later ones are counted and dropped (the
// rendering then ends with "too many errors; stopping"), and full() tells
// the scanner and passes to stop early.
class Diagnostics {
 public:
  // The default cap: enough to fix a program in one go, small enough that
  // a hostile input cannot flood the terminal or the memory.
  static constexpr size_t kDefaultMax = 20;

  explicit Diagnostics(size_t max_diagnostics = kDefaultMax) : max_(max_diagnostics) {}

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
  // True once the cap is reached: further diagnostics are dropped.
  bool full() const { return diags_.size() >= max_; }
  // Records that a pass stopped early because the cap was reached (the
  // rendering then ends with "too many errors; stopping").
  void mark_stopped() { stopped_ = true; }
  // How many diagnostics were dropped because the cap was reached.
  size_t dropped() const { return dropped_; }
  size_t max_diagnostics() const { return max_; }
  const std::vector<Diagnostic> &all() const { return diags_; }
  void clear() {
    diags_.clear();
    dropped_ = 0;
    dropped_errors_ = false;
    stopped_ = false;
  }

  // Renders "file:line:col: error: msg", the source line, an underline and
  // hints, for every diagnostic in order.
  std::string render(const SourceFile &src) const;

 private:
  // Appends d unless the cap is reached; returns where hints should go.
  Diagnostic &add(Diagnostic d);

  std::vector<Diagnostic> diags_;
  size_t max_;
  size_t dropped_ = 0;
  bool dropped_errors_ = false;  // an error was dropped (has_errors stays true)
  bool last_dropped_ = false;    // hint() must not attach to an earlier message
  bool stopped_ = false;         // a pass stopped at the cap
  Diagnostic sink_;              // receives what is dropped
};

// Longest source line shown whole; longer ones are cut around the column.
constexpr size_t kMaxShownLine = 160;
// Longest message or hint shown whole; longer ones are cut in the middle.
constexpr size_t kMaxShownMessage = 400;

// Renders one diagnostic (exposed for tests and the runtime's verifier report).
std::string render_diagnostic(const Diagnostic &d, const SourceFile &src);
// Same, finding the source line through an index built once for many.
std::string render_diagnostic(const Diagnostic &d, const SourceFile &src, const LineIndex &lines);

}  // namespace probe
