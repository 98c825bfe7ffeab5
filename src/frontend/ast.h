// The abstract syntax tree. The parser builds it; semantic passes annotate
// it in place (types, resolved builtins, map ids); codegen reads it.
// Every node carries the location of the source text it came from.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "frontend/location.h"
#include "frontend/types.h"

namespace probe {
struct BuiltinVar;   // builtins/registry.h: an identifier like pid, comm
struct BuiltinFunc;  // builtins/registry.h: a call like printf, count
}  // namespace probe

namespace probe::ast {

// Base of every node: where it came from.
struct Node {
  Loc loc;
  // Levels of nodes below and including this one, set by the parser: it
  // refuses trees deeper than kMaxNesting, whose recursive destruction
  // (and analysis) would overflow the stack.
  int depth = 1;
  explicit Node(Loc l) : loc(l) {}
  virtual ~Node() = default;
};

enum class ExprKind {
  Integer,     // 42, 0x10
  String,      // "text"
  Identifier,  // pid, comm, arg0, args, retval... (resolved by sema)
  Variable,    // $x
  Positional,  // $1, $#
  Map,         // @name[k1, k2]
  Call,        // name(args)
  Binop,       // a + b
  Unop,        // -a, !a, ~a, *a, &a, ++a, a++
  Ternary,     // c ? a : b
  Field,       // a.b, a->b
  Index,       // a[i]
  Cast,        // (type)a
  Tuple,       // (a, b)
  TypeQuery,   // sizeof(type|expr), offsetof(type, field)
};

// Base of expressions; `type` is filled in by type inference.
struct Expr : Node {
  ExprKind kind;
  Type type;
  Expr(ExprKind k, Loc l) : Node(l), kind(k) {}
};
using ExprPtr = std::unique_ptr<Expr>;

struct Integer : Expr {
  uint64_t value;
  Integer(uint64_t v, Loc l) : Expr(ExprKind::Integer, l), value(v) {}
};

struct String : Expr {
  std::string value;  // escapes already decoded
  String(std::string v, Loc l) : Expr(ExprKind::String, l), value(std::move(v)) {}
};

struct Identifier : Expr {
  std::string name;
  const BuiltinVar *builtin = nullptr;  // set by sema
  bool is_constant = false;             // sema: a named constant (enum value, header macro)
  int64_t constant = 0;                 // its value when is_constant
  Identifier(std::string n, Loc l) : Expr(ExprKind::Identifier, l), name(std::move(n)) {}
};

struct Variable : Expr {
  std::string name;  // with the leading '$'; sema renames a `let` variable shadowing a sibling's to its own slot
  std::string source_name;  // as written, for messages and scope lookup (the parser's name)
  Variable(std::string n, Loc l) : Expr(ExprKind::Variable, l), name(n), source_name(std::move(n)) {}
};

struct Positional : Expr {
  int index;  // $1 -> 1; 0 for $#
  bool is_count;
  Positional(int i, bool count, Loc l) : Expr(ExprKind::Positional, l), index(i), is_count(count) {}
};

struct Map : Expr {
  std::string name;           // with the leading '@' ("@" for the anonymous map)
  std::vector<ExprPtr> keys;  // empty for a scalar map
  int map_id = -1;            // index into the program's map table (sema)
  Map(std::string n, std::vector<ExprPtr> k, Loc l)
      : Expr(ExprKind::Map, l), name(std::move(n)), keys(std::move(k)) {}
};

struct Call : Expr {
  std::string name;
  std::vector<ExprPtr> args;
  const BuiltinFunc *func = nullptr;  // set by sema
  int id = -1;                        // per-call-site id (printf format table etc.)
  Call(std::string n, std::vector<ExprPtr> a, Loc l)
      : Expr(ExprKind::Call, l), name(std::move(n)), args(std::move(a)) {}
};

// Elvis is `a ?: b`: a when a is non-zero, else b (b evaluated only then).
enum class BinOp { Add, Sub, Mul, Div, Mod, Shl, Shr, BitAnd, BitOr, BitXor, LAnd, LOr, Eq, Ne, Lt, Le, Gt, Ge, Elvis };
// C spelling of a binary operator ("+", "&&").
const char *to_string(BinOp op);

struct Binop : Expr {
  BinOp op;
  ExprPtr lhs, rhs;
  Binop(BinOp o, ExprPtr a, ExprPtr b, Loc l)
      : Expr(ExprKind::Binop, l), op(o), lhs(std::move(a)), rhs(std::move(b)) {}
};

enum class UnOp { Neg, LNot, BitNot, Deref, AddrOf, PreInc, PreDec, PostInc, PostDec };
// C spelling of a unary operator ("-", "++").
const char *to_string(UnOp op);

struct Unop : Expr {
  UnOp op;
  ExprPtr operand;
  Unop(UnOp o, ExprPtr e, Loc l) : Expr(ExprKind::Unop, l), op(o), operand(std::move(e)) {}
};

struct Ternary : Expr {
  ExprPtr cond, then, otherwise;
  Ternary(ExprPtr c, ExprPtr t, ExprPtr e, Loc l)
      : Expr(ExprKind::Ternary, l), cond(std::move(c)), then(std::move(t)), otherwise(std::move(e)) {}
};

struct FieldAccess : Expr {
  ExprPtr base;
  std::string field;
  bool arrow;  // a->b rather than a.b
  FieldAccess(ExprPtr b, std::string f, bool arr, Loc l)
      : Expr(ExprKind::Field, l), base(std::move(b)), field(std::move(f)), arrow(arr) {}
};

struct Index : Expr {
  ExprPtr base, index;
  Index(ExprPtr b, ExprPtr i, Loc l) : Expr(ExprKind::Index, l), base(std::move(b)), index(std::move(i)) {}
};

// A C type as written in a cast: "int", "uint64_t", "struct task_struct", plus stars.
struct TypeSpec {
  std::string name;
  int pointer_depth = 0;
  Loc loc;
};

struct Cast : Expr {
  TypeSpec target;
  ExprPtr expr;
  Cast(TypeSpec t, ExprPtr e, Loc l) : Expr(ExprKind::Cast, l), target(std::move(t)), expr(std::move(e)) {}
};

// sizeof(type), sizeof(expr) and offsetof(type, a.b): constants sema computes.
struct TypeQuery : Expr {
  bool is_offsetof = false;
  bool has_type = false;             // sizeof(type)/offsetof: `target` is set; else `expr`
  TypeSpec target;
  ExprPtr expr;                      // sizeof(expr)
  std::vector<std::string> fields;   // offsetof's member path
  uint64_t value = 0;                // set by sema
  TypeQuery(Loc l) : Expr(ExprKind::TypeQuery, l) {}
};

struct Tuple : Expr {
  std::vector<ExprPtr> elems;
  Tuple(std::vector<ExprPtr> e, Loc l) : Expr(ExprKind::Tuple, l), elems(std::move(e)) {}
};

// Casts a node to a derived type after checking its kind (LLVM's cast<>).
template <typename T>
T &as(Expr &e) { return static_cast<T &>(e); }
template <typename T>
const T &as(const Expr &e) { return static_cast<const T &>(e); }

enum class StmtKind { Expr, AssignMap, AssignVar, If, Unroll, While, Jump, For };

struct Stmt : Node {
  StmtKind kind;
  Stmt(StmtKind k, Loc l) : Node(l), kind(k) {}
};
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

struct ExprStmt : Stmt {
  ExprPtr expr;
  ExprStmt(ExprPtr e, Loc l) : Stmt(StmtKind::Expr, l), expr(std::move(e)) {}
};

// @m[k] = v, or @m[k] OP= v when `compound` is set.
struct AssignMap : Stmt {
  std::unique_ptr<Map> map;
  ExprPtr value;
  bool compound = false;
  BinOp op = BinOp::Add;  // meaningful only when compound
  Loc op_loc;             // the `=` token: where -k reports a failed update (bpftrace's location)
  AssignMap(std::unique_ptr<Map> m, ExprPtr v, Loc l)
      : Stmt(StmtKind::AssignMap, l), map(std::move(m)), value(std::move(v)) {}
};

// $x = v, or $x OP= v when `compound` is set; `let $x [: type] [= v]` when `decl` is set.
struct AssignVar : Stmt {
  std::unique_ptr<Variable> var;
  ExprPtr value;  // `let $x;` holds a 0 (or "" for `: string`) the parser supplies
  bool compound = false;
  bool decl = false;  // `let`: declares $x in the enclosing block (an error if already visible)
  bool implicit_value = false;  // `let $x;`: no value and no type; the first assignment types it (0 until then)
  BinOp op = BinOp::Add;
  AssignVar(std::unique_ptr<Variable> v, ExprPtr e, Loc l)
      : Stmt(StmtKind::AssignVar, l), var(std::move(v)), value(std::move(e)) {}
};

// if (cond) { then } else { otherwise }; `else if` nests an If in otherwise.
struct If : Stmt {
  ExprPtr cond;
  Block then, otherwise;
  If(ExprPtr c, Block t, Block e, Loc l)
      : Stmt(StmtKind::If, l), cond(std::move(c)), then(std::move(t)), otherwise(std::move(e)) {}
};

struct Unroll : Stmt {
  ExprPtr count;  // must fold to an integer constant (or a numeric positional parameter)
  Block body;
  int64_t times = 0;  // the count, set by sema
  Unroll(ExprPtr c, Block b, Loc l) : Stmt(StmtKind::Unroll, l), count(std::move(c)), body(std::move(b)) {}
};

struct While : Stmt {
  ExprPtr cond;
  Block body;
  While(ExprPtr c, Block b, Loc l) : Stmt(StmtKind::While, l), cond(std::move(c)), body(std::move(b)) {}
};

// for ($kv : @map) { body } or for ($i : start..end) { body }: each runs
// the body in a BPF callback (bpf_for_each_map_elem / bpf_loop).
struct For : Stmt {
  std::unique_ptr<Variable> var;  // the loop variable, declared in the body's scope
  std::unique_ptr<Map> map;       // the map iterated, or null for a range
  ExprPtr start, end;             // the range [start, end), evaluated once; null for a map
  Block body;
  For(std::unique_ptr<Variable> v, std::unique_ptr<Map> m, ExprPtr s, ExprPtr e, Block b, Loc l)
      : Stmt(StmtKind::For, l), var(std::move(v)), map(std::move(m)), start(std::move(s)), end(std::move(e)),
        body(std::move(b)) {}
};

enum class JumpKind { Return, Break, Continue };

struct Jump : Stmt {
  JumpKind jump;
  Jump(JumpKind j, Loc l) : Stmt(StmtKind::Jump, l), jump(j) {}
};

template <typename T>
T &as(Stmt &s) { return static_cast<T &>(s); }
template <typename T>
const T &as(const Stmt &s) { return static_cast<const T &>(s); }

// One attach point as written ("uprobe:/bin/bash:readline"), split by the
// probe-spec pass into provider and parts.
struct AttachPoint : Node {
  std::string raw;
  std::string provider;            // canonical provider name, set by probe-spec pass
  std::vector<std::string> parts;  // the ':'-separated pieces after the provider
  AttachPoint(std::string r, Loc l) : Node(l), raw(std::move(r)) {}
};

struct Probe : Node {
  std::vector<std::unique_ptr<AttachPoint>> attach_points;
  ExprPtr predicate;  // may be null
  Block body;
  int index = -1;  // position in Program::probes
  explicit Probe(Loc l) : Node(l) {}
};

// One `key = value` of the `config = { ... }` block.
struct ConfigEntry {
  std::string key;
  std::string value;     // the text of a number, identifier or (decoded) string
  bool is_string = false;
  Loc loc, value_loc;
};

// A C declaration at the top level (`struct Foo { int a; };`, a typedef):
// declared into the name environment as the parser reads it.
struct CDecl {
  std::string text;
  Loc loc;
};

struct Program : Node {
  std::vector<std::string> preamble;  // leftover '#' lines (only when parsed without the preprocessor)
  std::vector<CDecl> decls;           // top-level C declarations, in order
  std::vector<ConfigEntry> config;    // the config block, in order (empty without one)
  std::vector<std::unique_ptr<Probe>> probes;
  explicit Program(Loc l) : Node(l) {}
};

}  // namespace probe::ast
