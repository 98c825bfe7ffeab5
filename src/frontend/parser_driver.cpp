#include "frontend/parser_driver.h"

#include <algorithm>

#include "parser.h"

// Use the scanner signature of grammar/lexer.l rather than flex's default.
#define YY_DECL probe::Parser::symbol_type yylex(void *yyscanner, probe::ParseDriver &drv)
#include "lexer.h"

namespace probe {

namespace {

size_t count_errors(const Diagnostics &diags) {
  const auto &all = diags.all();
  return static_cast<size_t>(std::count_if(all.begin(), all.end(), [](const Diagnostic &d) {
    return d.severity == Severity::Error;
  }));
}

}  // namespace

std::unique_ptr<ast::Program> parse_program(const SourceFile &src, Diagnostics &diags) {
  const size_t errors_before = count_errors(diags);
  ParseDriver drv(src, diags);

  yyscan_t scanner = nullptr;
  if (yylex_init(&scanner) != 0) {
    diags.error("internal error: cannot create the scanner");
    return nullptr;
  }
  YY_BUFFER_STATE buffer = yy_scan_bytes(src.text.data(), static_cast<int>(src.text.size()), scanner);
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
  program->probes = std::move(drv.probes);
  for (size_t i = 0; i < program->probes.size(); i++) program->probes[i]->index = static_cast<int>(i);
  return program;
}

}  // namespace probe
