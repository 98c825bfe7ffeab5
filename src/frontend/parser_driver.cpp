#include "frontend/parser_driver.h"

#include <algorithm>

#include "parser.h"

// Use the scanner signature of grammar/lexer.l rather than flex's default.
#define YY_DECL probe::Parser::symbol_type scan_token(void *yyscanner, probe::ParseDriver &drv)
#include "lexer.h"

namespace probe {

namespace {

size_t count_errors(const Diagnostics &diags) {
  const auto &all = diags.all();
  return static_cast<size_t>(std::count_if(all.begin(), all.end(), [](const Diagnostic &d) {
    return d.severity == Severity::Error;
  }));
}


// The first node nested more than kMaxNesting levels deep, or null. Stops
// descending at the limit, so its own recursion is bounded.
const ast::Node *too_deep(const ast::Expr &e, int depth);

const ast::Node *too_deep(const std::vector<ast::ExprPtr> &v, int depth) {
  for (const auto &e : v)
    if (const ast::Node *n = too_deep(*e, depth)) return n;
  return nullptr;
}

const ast::Node *too_deep(const ast::Expr &e, int depth) {
  if (depth > kMaxNesting) return &e;
  depth++;
  switch (e.kind) {
    case ast::ExprKind::Map: return too_deep(ast::as<ast::Map>(e).keys, depth);
    case ast::ExprKind::Call: return too_deep(ast::as<ast::Call>(e).args, depth);
    case ast::ExprKind::Tuple: return too_deep(ast::as<ast::Tuple>(e).elems, depth);
    case ast::ExprKind::Unop: return too_deep(*ast::as<ast::Unop>(e).operand, depth);
    case ast::ExprKind::Field: return too_deep(*ast::as<ast::FieldAccess>(e).base, depth);
    case ast::ExprKind::Cast: return too_deep(*ast::as<ast::Cast>(e).expr, depth);
    case ast::ExprKind::TypeQuery: {
      const auto &q = ast::as<ast::TypeQuery>(e);
      return q.expr ? too_deep(*q.expr, depth) : nullptr;
    }
    case ast::ExprKind::Binop: {
      const auto &b = ast::as<ast::Binop>(e);
      if (const ast::Node *n = too_deep(*b.lhs, depth)) return n;
      return too_deep(*b.rhs, depth);
    }
    case ast::ExprKind::Index: {
      const auto &i = ast::as<ast::Index>(e);
      if (const ast::Node *n = too_deep(*i.base, depth)) return n;
      return too_deep(*i.index, depth);
    }
    case ast::ExprKind::Ternary: {
      const auto &t = ast::as<ast::Ternary>(e);
      if (const ast::Node *n = too_deep(*t.cond, depth)) return n;
      if (const ast::Node *n = too_deep(*t.then, depth)) return n;
      return too_deep(*t.otherwise, depth);
    }
    default: return nullptr;
  }
}

const ast::Node *too_deep(const ast::Block &b, int depth) {
  for (const auto &sp : b) {
    const ast::Stmt &s = *sp;
    if (depth > kMaxNesting) return &s;
    const ast::Node *n = nullptr;
    switch (s.kind) {
      case ast::StmtKind::Expr: n = too_deep(*static_cast<const ast::ExprStmt &>(s).expr, depth + 1); break;
      case ast::StmtKind::AssignMap: {
        const auto &a = static_cast<const ast::AssignMap &>(s);
        n = too_deep(*a.map, depth + 1);
        if (!n) n = too_deep(*a.value, depth + 1);
        break;
      }
      case ast::StmtKind::AssignVar: n = too_deep(*static_cast<const ast::AssignVar &>(s).value, depth + 1); break;
      case ast::StmtKind::If: {
        const auto &i = static_cast<const ast::If &>(s);
        n = too_deep(*i.cond, depth + 1);
        if (!n) n = too_deep(i.then, depth + 1);
        if (!n) n = too_deep(i.otherwise, depth + 1);
        break;
      }
      case ast::StmtKind::Unroll: {
        const auto &u = static_cast<const ast::Unroll &>(s);
        n = too_deep(*u.count, depth + 1);
        if (!n) n = too_deep(u.body, depth + 1);
        break;
      }
      case ast::StmtKind::While: {
        const auto &w = static_cast<const ast::While &>(s);
        n = too_deep(*w.cond, depth + 1);
        if (!n) n = too_deep(w.body, depth + 1);
        break;
      }
      case ast::StmtKind::Jump: break;
      case ast::StmtKind::For: {
        const auto &f = static_cast<const ast::For &>(s);
        if (f.map) n = too_deep(*f.map, depth + 1);
        if (!n && f.start) n = too_deep(*f.start, depth + 1);
        if (!n && f.end) n = too_deep(*f.end, depth + 1);
        if (!n) n = too_deep(f.body, depth + 1);
        break;
      }
    }
    if (n) return n;
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<ast::Program> parse_program(const SourceFile &src, Diagnostics &diags, NameEnv *env) {
  const size_t errors_before = count_errors(diags);
  ParseDriver drv(src, diags);
  drv.env = env;

  yyscan_t scanner = nullptr;
  if (yylex_init(&scanner) != 0) {
    diags.error("internal error: cannot create the scanner");
    return nullptr;
  }
  // flex rescans a token from its start at every NUL byte inside it (a
  // run of 100,000 NULs took minutes), so the scanner reads a copy with
  // NULs as 0x01, another invalid byte; actions that keep bytes (string
  // literals) take them from src.text at the same offset.
  std::string buf = src.text;
  std::replace(buf.begin(), buf.end(), '\0', '\x01');
  buf.append(2, '\0');  // flex's end-of-buffer marker
  drv.scan_base = buf.data();
  YY_BUFFER_STATE buffer = yy_scan_buffer(buf.data(), buf.size(), scanner);
  int rc = 1;
  {
    Parser parser(scanner, drv);
    rc = parser.parse();
  }
  yy_delete_buffer(buffer, scanner);
  yylex_destroy(scanner);

  if (rc != 0 || count_errors(diags) != errors_before) return nullptr;

  Loc whole{Position{1, 1}, drv.last_end};
  auto program = std::make_unique<ast::Program>(whole);
  program->preamble = std::move(drv.preamble);
  program->config = std::move(drv.config);
  program->decls = std::move(drv.decls);
  program->probes = std::move(drv.probes);
  for (size_t i = 0; i < program->probes.size(); i++) program->probes[i]->index = static_cast<int>(i);
  for (const auto &probe : program->probes) {
    const ast::Node *n = probe->predicate ? too_deep(*probe->predicate, 1) : nullptr;
    if (!n) n = too_deep(probe->body, 1);
    if (n) {
      diags.error(n->loc, "the program is nested too deeply (more than " + std::to_string(kMaxNesting) +
                              " levels of expressions and blocks)");
      diags.hint("split the expression into several statements with $variables");
      // Freeing the tree would recurse as deep as it is nested: leak it, the
      // compilation stops here.
      (void)program.release();
      return nullptr;
    }
  }
  return program;
}

}  // namespace probe
