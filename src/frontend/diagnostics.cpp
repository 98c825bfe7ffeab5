#include "frontend/diagnostics.h"

#include <algorithm>
#include <sstream>

namespace probe {

std::string SourceFile::line(int n) const { return std::string(LineIndex(text).line(text, n)); }

LineIndex::LineIndex(std::string_view text) {
  starts_.push_back(0);
  for (size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1))
    starts_.push_back(i + 1);
}

std::string_view LineIndex::line(std::string_view text, int n) const {
  if (n < 1 || static_cast<size_t>(n) > starts_.size()) return {};
  size_t pos = std::min(starts_[n - 1], text.size());
  size_t end = text.find('\n', pos);
  return text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
}

Diagnostic &Diagnostics::add(Diagnostic d) {
  if (full()) {
    dropped_++;
    if (d.severity == Severity::Error) dropped_errors_ = true;
    last_dropped_ = true;
    sink_ = Diagnostic{};
    return sink_;
  }
  last_dropped_ = false;
  diags_.push_back(std::move(d));
  return diags_.back();
}

Diagnostic &Diagnostics::error(const Loc &loc, std::string message) {
  return add(Diagnostic{Severity::Error, loc, true, std::move(message), {}});
}

Diagnostic &Diagnostics::error(const Loc &loc, const Error &e) {
  Diagnostic &d = error(loc, e.message);
  if (!e.hint.empty()) d.hints.push_back(e.hint);
  return d;
}

Diagnostic &Diagnostics::error(std::string message) {
  return add(Diagnostic{Severity::Error, Loc{}, false, std::move(message), {}});
}

Diagnostic &Diagnostics::warning(const Loc &loc, std::string message) {
  return add(Diagnostic{Severity::Warning, loc, true, std::move(message), {}});
}

void Diagnostics::hint(std::string text) {
  if (!last_dropped_ && !diags_.empty()) diags_.back().hints.push_back(std::move(text));
}

bool Diagnostics::has_errors() const {
  return dropped_errors_ || std::any_of(diags_.begin(), diags_.end(), [](const Diagnostic &d) {
           return d.severity == Severity::Error;
         });
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if the bytes there are not one.
size_t utf8_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; k++)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  return n;
}

// Source text made safe for a terminal, byte for byte (so columns still
// line up): control characters and bytes that are not UTF-8 become '?'.
std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = utf8_length(s, i);
      if (n) {
        out.append(s.substr(i, n));
        i += n;
        continue;
      }
      out += '?';
    } else {
      out += (c < 0x20 && c != '\t') || c == 0x7f ? '?' : static_cast<char>(c);
    }
    i++;
  }
  return out;
}

// Moves i back to the start of the UTF-8 character it is inside.
size_t char_start(std::string_view s, size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xc0) == 0x80) i--;
  return i;
}

// s, cut in the middle with " ... " if longer than max bytes; made printable.
std::string shorten(std::string_view s, size_t max) {
  if (s.size() <= max) return printable(s);
  size_t keep = (max - 5) / 2;
  size_t head = char_start(s, keep);
  size_t tail = char_start(s, s.size() - keep);
  return printable(s.substr(0, head)) + " ... " + printable(s.substr(tail));
}

// The source line and its underline for columns [start, stop) (1-based);
// a line longer than kMaxShownLine is cut to a window around start.
void render_excerpt(std::ostringstream &out, std::string_view text, int start, int stop) {
  size_t from = 0, to = text.size();
  std::string prefix, suffix;
  if (text.size() > kMaxShownLine) {
    size_t col = static_cast<size_t>(start - 1);
    from = col > kMaxShownLine / 3 ? col - kMaxShownLine / 3 : 0;
    to = std::min(text.size(), from + kMaxShownLine);
    if (to == text.size()) from = text.size() - kMaxShownLine;
    from = char_start(text, from);
    to = char_start(text, to);
    if (from > 0) prefix = "...";
    if (to < text.size()) suffix = "...";
  }
  std::string shown = prefix + printable(text.substr(from, to - from)) + suffix;
  out << shown << "\n";
  // Columns in the shown line.
  int shift = static_cast<int>(prefix.size()) - static_cast<int>(from);
  int s = std::max(1, start + shift);
  int e = std::min(stop + shift, static_cast<int>(shown.size() - suffix.size()) + 1);
  if (e <= s) e = s + 1;
  std::string underline;
  for (int c = 1; c < s; c++)
    underline += (c - 1 < static_cast<int>(shown.size()) && shown[c - 1] == '\t') ? '\t' : ' ';
  underline += std::string(e - s, '~');
  underline[s - 1] = '^';
  out << underline << "\n";
}

}  // namespace

std::string render_diagnostic(const Diagnostic &d, const SourceFile &src, const LineIndex &lines) {
  std::ostringstream out;
  const char *sev = d.severity == Severity::Error ? "error" : "warning";
  std::string message = shorten(d.message, kMaxShownMessage);
  if (!d.has_loc) {
    out << src.name << ": " << sev << ": " << message << "\n";
  } else {
    out << src.name << ":" << d.loc.begin.line << ":" << d.loc.begin.column << ": " << sev << ": "
        << message << "\n";
    std::string_view text = lines.line(src.text, d.loc.begin.line);
    int start = std::max(1, d.loc.begin.column);
    int stop = d.loc.end.line == d.loc.begin.line ? d.loc.end.column : static_cast<int>(text.size()) + 1;
    render_excerpt(out, text, start, stop);
  }
  for (const auto &h : d.hints) out << "hint: " << shorten(h, kMaxShownMessage) << "\n";
  return out.str();
}

std::string render_diagnostic(const Diagnostic &d, const SourceFile &src) {
  return render_diagnostic(d, src, LineIndex(src.text));
}

std::string Diagnostics::render(const SourceFile &src) const {
  LineIndex lines(src.text);
  std::string out;
  for (const auto &d : diags_) out += render_diagnostic(d, src, lines);
  if (dropped_ || stopped_) out += src.name + ": too many errors; stopping\n";
  return out;
}

}  // namespace probe
