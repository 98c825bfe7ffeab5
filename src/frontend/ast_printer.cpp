#include "frontend/ast_printer.h"

#include <cstdio>

namespace probe {

namespace {

using namespace ast;

// Escapes a decoded string value back to source-like text.
std::string escape(const std::string &s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

class Printer {
 public:
  std::string out;

  void line(int depth, const std::string &text) {
    out.append(static_cast<size_t>(depth), ' ');
    out += text;
    out += '\n';
  }

  void expr(const Expr &e, int d) {
    std::string t = e.type.kind != TypeKind::None ? " :: " + e.type.to_string() : "";
    switch (e.kind) {
      case ExprKind::Integer:
        line(d, "int: " + std::to_string(as<Integer>(e).value) + t);
        break;
      case ExprKind::String:
        line(d, "string: " + escape(as<String>(e).value) + t);
        break;
      case ExprKind::Identifier:
        line(d, "builtin: " + as<Identifier>(e).name + t);
        break;
      case ExprKind::Variable:
        line(d, "variable: " + as<Variable>(e).name + t);
        break;
      case ExprKind::Positional: {
        const auto &p = as<Positional>(e);
        line(d, "param: " + (p.is_count ? std::string("$#") : "$" + std::to_string(p.index)) + t);
        break;
      }
      case ExprKind::Map: {
        const auto &m = as<Map>(e);
        line(d, "map: " + m.name + t);
        for (const auto &k : m.keys) expr(*k, d + 1);
        break;
      }
      case ExprKind::Call: {
        const auto &c = as<Call>(e);
        line(d, "call: " + c.name + t);
        for (const auto &a : c.args) expr(*a, d + 1);
        break;
      }
      case ExprKind::Binop: {
        const auto &b = as<Binop>(e);
        line(d, std::string("binop: ") + to_string(b.op) + t);
        expr(*b.lhs, d + 1);
        expr(*b.rhs, d + 1);
        break;
      }
      case ExprKind::Unop: {
        const auto &u = as<Unop>(e);
        std::string op = to_string(u.op);
        if (u.op == UnOp::PreInc || u.op == UnOp::PreDec) op += " (pre)";
        if (u.op == UnOp::PostInc || u.op == UnOp::PostDec) op += " (post)";
        line(d, "unop: " + op + t);
        expr(*u.operand, d + 1);
        break;
      }
      case ExprKind::Ternary: {
        const auto &c = as<Ternary>(e);
        line(d, "ternary" + t);
        expr(*c.cond, d + 1);
        expr(*c.then, d + 1);
        expr(*c.otherwise, d + 1);
        break;
      }
      case ExprKind::Field: {
        const auto &f = as<FieldAccess>(e);
        line(d, std::string("field: ") + (f.arrow ? "->" : ".") + f.field + t);
        expr(*f.base, d + 1);
        break;
      }
      case ExprKind::Index: {
        const auto &i = as<Index>(e);
        line(d, "index" + t);
        expr(*i.base, d + 1);
        expr(*i.index, d + 1);
        break;
      }
      case ExprKind::Cast: {
        const auto &c = as<Cast>(e);
        std::string ty = c.target.name;
        if (c.target.pointer_depth > 0) ty += " " + std::string(static_cast<size_t>(c.target.pointer_depth), '*');
        line(d, "cast: " + ty + t);
        expr(*c.expr, d + 1);
        break;
      }
      case ExprKind::TypeQuery: {
        const auto &q = as<TypeQuery>(e);
        std::string what = q.is_offsetof ? "offsetof: " : "sizeof: ";
        if (q.has_type) what += q.target.name + std::string(static_cast<size_t>(q.target.pointer_depth), '*');
        for (const auto &f : q.fields) what += "." + f;
        line(d, what + t);
        if (q.expr) expr(*q.expr, d + 1);
        break;
      }
      case ExprKind::Tuple: {
        const auto &tu = as<Tuple>(e);
        line(d, "tuple" + t);
        for (const auto &el : tu.elems) expr(*el, d + 1);
        break;
      }
    }
  }

  void block(const Block &b, int d) {
    for (const auto &s : b) stmt(*s, d);
  }

  static std::string assign_op(bool compound, BinOp op) {
    return compound ? std::string(to_string(op)) + "=" : "=";
  }

  void stmt(const Stmt &s, int d) {
    switch (s.kind) {
      case StmtKind::Expr:
        expr(*as<ExprStmt>(s).expr, d);
        break;
      case StmtKind::AssignMap: {
        const auto &a = as<AssignMap>(s);
        line(d, assign_op(a.compound, a.op));
        expr(*a.map, d + 1);
        expr(*a.value, d + 1);
        break;
      }
      case StmtKind::AssignVar: {
        const auto &a = as<AssignVar>(s);
        line(d, a.decl ? "let" : assign_op(a.compound, a.op));
        expr(*a.var, d + 1);
        expr(*a.value, d + 1);
        break;
      }
      case StmtKind::If: {
        const auto &i = as<If>(s);
        line(d, "if");
        expr(*i.cond, d + 1);
        line(d + 1, "then");
        block(i.then, d + 2);
        if (!i.otherwise.empty()) {
          line(d + 1, "else");
          block(i.otherwise, d + 2);
        }
        break;
      }
      case StmtKind::Unroll: {
        const auto &u = as<Unroll>(s);
        line(d, "unroll");
        expr(*u.count, d + 1);
        line(d + 1, "body");
        block(u.body, d + 2);
        break;
      }
      case StmtKind::While: {
        const auto &w = as<While>(s);
        line(d, "while");
        expr(*w.cond, d + 1);
        line(d + 1, "body");
        block(w.body, d + 2);
        break;
      }
      case StmtKind::For: {
        const auto &f = as<For>(s);
        line(d, "for");
        expr(*f.var, d + 1);
        if (f.map) {
          expr(*f.map, d + 1);
        } else {
          line(d + 1, "range");
          expr(*f.start, d + 2);
          expr(*f.end, d + 2);
        }
        line(d + 1, "body");
        block(f.body, d + 2);
        break;
      }
      case StmtKind::Jump:
        switch (as<Jump>(s).jump) {
          case JumpKind::Return: line(d, "return"); break;
          case JumpKind::Break: line(d, "break"); break;
          case JumpKind::Continue: line(d, "continue"); break;
        }
        break;
    }
  }

  void program(const Program &p) {
    line(0, "Program");
    for (const auto &pre : p.preamble) line(1, "preamble: " + pre);
    for (const auto &c : p.config)
      line(1, "config: " + c.key + " = " + (c.is_string ? "\"" + escape(c.value) + "\"" : c.value));
    for (const auto &probe : p.probes) {
      for (const auto &ap : probe->attach_points) line(1, ap->raw);
      if (probe->predicate) {
        line(2, "pred");
        expr(*probe->predicate, 3);
      }
      block(probe->body, 2);
    }
  }
};

}  // namespace

std::string dump_ast(const ast::Program &p) {
  Printer pr;
  pr.program(p);
  return pr.out;
}

std::string dump_ast(const ast::Expr &e, int depth) {
  Printer pr;
  pr.expr(e, depth);
  return pr.out;
}

std::string dump_ast(const ast::Stmt &s, int depth) {
  Printer pr;
  pr.stmt(s, depth);
  return pr.out;
}

}  // namespace probe
