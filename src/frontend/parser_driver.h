// Parsing program text into an AST (grammar/parser.yy, grammar/lexer.l).
#pragma once

#include <memory>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "frontend/names.h"

namespace probe {

// Most tokens a program may have: bounds parsing time and the tree's
// memory (~100 bytes a token) whatever the input; real programs have a
// few thousand.
constexpr size_t kMaxTokens = 100000;
// Deepest nesting of expressions and blocks: sema, codegen and the AST
// printer recurse over the tree.
constexpr int kMaxNesting = 1000;

// Parses a whole program. Every syntax error is recorded in diags with its
// location (the parser recovers at ';' and '}' to report several); returns
// nullptr if there was any error. Attach points are kept as raw text.
// env (optional) names types, expands macros and takes C declarations.
std::unique_ptr<ast::Program> parse_program(const SourceFile &src, Diagnostics &diags, NameEnv *env = nullptr);

}  // namespace probe
