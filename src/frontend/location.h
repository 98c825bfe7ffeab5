// Source positions carried by every AST node and diagnostic.
#pragma once

#include <string>

namespace probe {

// A 1-based line/column point in the program text.
struct Position {
  int line = 1;
  int column = 1;
};

// A half-open span [begin, end) in the program text; also bison's location type.
struct Loc {
  Position begin;
  Position end;

  // Moves begin to end (bison's scanner calls this before each token).
  void step() { begin = end; }
  // Advances end by n columns on the current line.
  void columns(int n = 1) { end.column += n; }
  // Advances end by n lines, resetting the column.
  void lines(int n = 1) {
    if (n) {
      end.line += n;
      end.column = 1;
    }
  }
};

// Span from the start of a to the end of b, for composite nodes.
inline Loc span(const Loc &a, const Loc &b) { return Loc{a.begin, b.end}; }

}  // namespace probe
