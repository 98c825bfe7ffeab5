// Human-readable dump of an AST (`-d ast`), also used by the parser tests.
#pragma once

#include <string>

#include "frontend/ast.h"

namespace probe {

// One node per line, children indented by one space more than their parent:
//
//   Program
//    kprobe:do_sys_open
//     pred
//      binop: ==
//       builtin: pid :: uint32
//       int: 1
//     call: printf
//      string: %s\n
//      ...
//
// Attach points are at depth 1, a probe's predicate and statements at
// depth 2. An expression whose type is set shows it after " :: ".
std::string dump_ast(const ast::Program &p);

// Dumps a single expression or statement at the given depth.
std::string dump_ast(const ast::Expr &e, int depth = 0);
std::string dump_ast(const ast::Stmt &s, int depth = 0);

}  // namespace probe
