// The program-size budget: how much code a program asks codegen to emit,
// with unroll bodies counted once per repetition. Checked before type
// inference so that a huge or over-unrolled program is refused in
// milliseconds instead of exhausting LLVM's time and memory.
#include "frontend/sema/budget.h"

#include <algorithm>

#include "frontend/sema/sema.h"

namespace probe {

namespace {

// Counts expression nodes (the parser bounds their nesting depth). A map
// access or a call costs kHeavyNode: each is a helper call with stack
// slots and branches, what makes LLVM slow.
uint64_t expr_size(const ast::Expr &e) {
  uint64_t n = 1;
  switch (e.kind) {
    case ast::ExprKind::Map:
      n = kHeavyNode;
      for (const auto &k : ast::as<ast::Map>(e).keys) n += expr_size(*k);
      break;
    case ast::ExprKind::Call:
      n = kHeavyNode;
      for (const auto &a : ast::as<ast::Call>(e).args) n += expr_size(*a);
      break;
    case ast::ExprKind::Tuple:
      for (const auto &x : ast::as<ast::Tuple>(e).elems) n += expr_size(*x);
      break;
    case ast::ExprKind::Binop:
      n += expr_size(*ast::as<ast::Binop>(e).lhs) + expr_size(*ast::as<ast::Binop>(e).rhs);
      break;
    case ast::ExprKind::Unop: n += expr_size(*ast::as<ast::Unop>(e).operand); break;
    case ast::ExprKind::Ternary: {
      const auto &t = ast::as<ast::Ternary>(e);
      n += expr_size(*t.cond) + expr_size(*t.then) + expr_size(*t.otherwise);
      break;
    }
    case ast::ExprKind::Field: n += expr_size(*ast::as<ast::FieldAccess>(e).base); break;
    case ast::ExprKind::Index:
      n += expr_size(*ast::as<ast::Index>(e).base) + expr_size(*ast::as<ast::Index>(e).index);
      break;
    case ast::ExprKind::Cast: n += expr_size(*ast::as<ast::Cast>(e).expr); break;
    default: break;
  }
  return n;
}

// Repetition counts saturate here.
constexpr uint64_t kSaturated = 1000000000000ull;

class BudgetChecker {
 public:
  BudgetChecker(Diagnostics &diags, uint64_t probe_limit, uint64_t program_limit)
      : diags_(diags), probe_limit_(probe_limit), program_limit_(program_limit) {}

  // Adds a probe's size; false once a budget is exceeded (reported).
  bool probe(const ast::Probe &p) {
    used_ = 0;
    uint64_t n = p.predicate ? expr_size(*p.predicate) : 0;
    if (!add(n, 1, p.predicate ? p.predicate->loc : p.loc)) return false;
    return block(p.body, 1);
  }

 private:
  // Size of a block repeated `times` times; false once over budget.
  bool block(const ast::Block &b, uint64_t times) {
    for (const auto &s : b)
      if (!stmt(*s, times)) return false;
    return true;
  }

  bool stmt(const ast::Stmt &s, uint64_t times) {
    switch (s.kind) {
      case ast::StmtKind::Expr: return add(1 + expr_size(*ast::as<ast::ExprStmt>(s).expr), times, s.loc);
      case ast::StmtKind::AssignMap: {
        const auto &a = ast::as<ast::AssignMap>(s);
        return add(1 + expr_size(*a.map) + expr_size(*a.value), times, s.loc);
      }
      case ast::StmtKind::AssignVar: return add(2 + expr_size(*ast::as<ast::AssignVar>(s).value), times, s.loc);
      case ast::StmtKind::If: {
        const auto &i = ast::as<ast::If>(s);
        return add(1 + expr_size(*i.cond), times, s.loc) && block(i.then, times) && block(i.otherwise, times);
      }
      case ast::StmtKind::While: {
        const auto &w = ast::as<ast::While>(s);
        return add(1 + expr_size(*w.cond), times, s.loc) && block(w.body, times);
      }
      case ast::StmtKind::Unroll: {
        const auto &u = ast::as<ast::Unroll>(s);
        int64_t count = 1;
        // A bad count is reported by type checking; count it once here.
        if (!Sema::int_constant(*u.count, &count) || count < 1 || count > 100) count = 1;
        if (!add(1, times, s.loc)) return false;
        // Saturates (30 nested unroll(100) would overflow); node counts
        // stay below 2^17 (the token budget), so n * times cannot overflow.
        uint64_t inner = std::min<uint64_t>(times * static_cast<uint64_t>(count), kSaturated);
        if (block(u.body, inner)) return true;
        if (!reported_) {
          // The innermost unroll that multiplied its body past the budget.
          reported_ = true;
          diags_.error(u.loc, "unroll(" + std::to_string(count) + ") makes the program too large: its body would be emitted " +
                                  (inner >= kSaturated ? "more than " : "") + std::to_string(inner) + " times" +
                                  (times > 1 ? " (with the enclosing unrolls)" : "") + ", past the budget of " +
                                  (used_ > probe_limit_ ? std::to_string(probe_limit_) + " nodes for one probe"
                                                        : std::to_string(program_limit_) + " nodes in all"));
          diags_.hint("use a smaller count, or a while loop");
        }
        return false;
      }
      case ast::StmtKind::Jump: return add(1, times, s.loc);
      case ast::StmtKind::For: {
        const auto &f = ast::as<ast::For>(s);
        uint64_t n = 4 + (f.map ? expr_size(*f.map) : expr_size(*f.start) + expr_size(*f.end));
        return add(n, times, s.loc) && block(f.body, times);
      }
    }
    return true;
  }

  // Adds n nodes emitted `times` times; false once over budget. Outside
  // unrolls the statement that crossed the budget is reported; inside,
  // the unroll is.
  bool add(uint64_t n, uint64_t times, const Loc &loc) {
    used_ += n * times;
    total_ += n * times;
    bool probe_ok = used_ <= probe_limit_;
    if (probe_ok && total_ <= program_limit_) return true;
    if (times == 1 && !reported_) {
      reported_ = true;
      if (!probe_ok)
        diags_.error(loc, "the probe is too large: more than " + std::to_string(probe_limit_) +
                              " nodes (statements and expressions; map accesses and calls count " +
                              std::to_string(kHeavyNode) + ")");
      else
        diags_.error(loc, "the program is too large: more than " + std::to_string(program_limit_) +
                              " nodes in all (" + std::to_string(kProgramNodesPerProbe) +
                              " for each of the --max-probes probes)");
      diags_.hint(probe_ok ? "split the work into fewer probes, or raise --max-probes"
                           : "split the work into several smaller probes");
    }
    return false;
  }

  Diagnostics &diags_;
  uint64_t probe_limit_, program_limit_;
  uint64_t used_ = 0;   // this probe's nodes
  uint64_t total_ = 0;  // the program's
  bool reported_ = false;
};

}  // namespace

bool check_program_budget(const ast::Program &program, Diagnostics &diags, uint64_t probe_limit,
                          uint64_t program_limit) {
  BudgetChecker checker(diags, probe_limit, program_limit);
  for (const auto &p : program.probes)
    if (!checker.probe(*p)) return false;
  return true;
}

}  // namespace probe
