// The recursive-descent C declaration parser behind ScriptTypes::add
// (cdecl.h), and the record layout it uses. Internal to the frontend:
// cdecl_parser.cpp (declarations, specifiers, declarators),
// cdecl_record.cpp (struct/union/enum bodies), cdecl_layout.cpp (x86-64
// System V layout), cdecl_expr.cpp (integer constant expressions).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "frontend/cdecl.h"
#include "frontend/cdecl_lex.h"

namespace probe::cdecl {

// Deepest nesting of declarators, struct bodies and expressions accepted:
// far beyond real code, small enough for the native stack.
constexpr int kMaxNesting = 64;

// A C type while parsing: the probe Type plus what layout needs.
struct CType {
  Type type;
  uint32_t align = 1;
  bool function = false;    // a function type: usable behind a pointer or in a typedef only
  bool incomplete = false;  // void, a struct/union/enum known only by name, or T[]
  bool floating = false;    // float/double: sized like an integer, not one
  bool array = false;       // a C array (long double and __int128 are carried as u64[2], but are not)
};

// GNU attributes (and _Alignas) that change a layout; others are ignored.
struct Attrs {
  bool packed = false;
  uint32_t aligned = 0;  // requested alignment, 0 when none
  uint32_t mode = 0;     // __mode__(QI/HI/SI/DI): integer size in bytes, 0 when none
};

// One member of a struct/union body, before layout.
struct Member {
  std::string name;            // empty for an anonymous struct/union or an unnamed bit-field
  CType type;
  const Token *at = nullptr;   // its name (or type) token, for diagnostics
  bool bitfield = false;
  uint32_t bits = 0;
  bool anonymous = false;      // an anonymous struct/union whose fields are flattened in
  bool flexible = false;       // T name[]: no size, must be last
  Attrs attrs;
};

// Why a layout failed: the member at fault and the message.
struct LayoutError {
  size_t member = 0;
  std::string message;
};

// Lays members out as gcc does on x86-64 (System V): natural alignment,
// bit-fields never straddling a unit of their type unless packed, tail
// padding. Fills rec.fields/rec.size and align; nullopt on success.
std::optional<LayoutError> layout_record(const std::vector<Member> &members, bool is_union, const Attrs &attrs,
                                         Record &rec, uint32_t &align);

// An integer constant with C's type rules: 32-bit int or 64-bit long,
// signed or unsigned.
struct Value {
  int64_t v = 0;
  bool is_unsigned = false;
  bool wide = false;  // 64 bits
};

// One parsed declarator: its name and the derivations applied to the base
// type, innermost first (`*a[3]` -> pointer, then array of 3).
struct Declarator {
  struct Op {
    enum Kind { Pointer, Array, Function } kind;
    uint64_t count = 0;   // Array: element count
    bool unsized = false; // Array: `[]`
    const Token *at = nullptr;
  };
  const Token *name = nullptr;  // null for an abstract declarator
  std::vector<Op> ops;
  Attrs attrs;
};

// What the declaration specifiers of one declaration say.
struct Specs {
  CType base;
  bool has_type = false;
  bool is_typedef = false;
  bool anonymous_record = false;  // `struct { ... }` without a tag
  const Token *type_at = nullptr; // first type specifier, for diagnostics
  Attrs attrs;
};

// The type keywords of one declaration (cdecl_parser.cpp).
struct BaseSpec;

// Parses one text into a ScriptTypes table.
class Parser {
 public:
  // Reads toks (ending with Tok::End) into st; outer links answer what st does not define.
  Parser(ScriptTypes &st, std::vector<Token> toks, bool strict, Diagnostics &diags, const OuterTypeLookup &outer,
         const OuterConstantLookup &outer_constants);
  // Parses every declaration; false if a strict error was reported.
  bool run();

 private:
  friend class DepthGuard;  // restores depth_
  // --- tokens (cdecl_parser.cpp)
  // The token k places ahead (the End token past the end).
  const Token &peek(size_t k = 0) const;
  // Consumes and returns the current token (End stays).
  const Token &next();
  // True when the current token is spelled s.
  bool at(std::string_view s) const { return peek().is(s); }
  // Consumes the current token when it is spelled s.
  bool accept(std::string_view s);
  // Consumes s or fails with "expected s ...".
  bool expect(std::string_view s, const std::string &context);
  // Consumes a balanced (...)/[...]/{...} group starting at the opener.
  bool skip_group();
  // Reports msg at t once per declaration (strict mode); always returns false.
  bool fail(const Token &t, const std::string &msg, const std::string &hint = "");
  // Fails when nesting gets too deep; depth_ is restored by the caller.
  bool enter(const Token &t);

  // --- declarations (cdecl_parser.cpp)
  // One top-level declaration: specifiers and declarators up to ';' (or a function body).
  bool declaration();
  // Skips the rest of a declaration that failed, from token index start.
  void recover(size_t start);
  // Declaration specifiers; storage classes only when top (not in a struct body or a type-name).
  bool specifiers(Specs &s, bool top);
  // 1: t is a basic type keyword (consumed), 0: it is not, -1: error.
  int basic_specifier(const Token &t, BaseSpec &b);
  // Any run of __attribute__((...)), _Alignas(...), asm("label") and __extension__.
  bool attributes(Attrs &a);
  // The inside of __attribute__((...)): packed, aligned(N), mode(M); others skipped.
  bool attribute_list(Attrs &a);
  // A declarator with a name, or without one when abstract (type-names).
  bool declarator(Declarator &d, bool abstract);
  // The [N] and (params) suffixes of a direct declarator, left to right.
  bool declarator_suffixes(std::vector<Declarator::Op> &ops);
  // At '(': true when it opens `(*name)` rather than a parameter list.
  bool nested_declarator_follows(bool abstract) const;
  // Applies d's derivations and attributes to base.
  bool apply(const CType &base, const Declarator &d, CType &out);
  // elem[op.count], checking completeness and the 4 GiB limit; char arrays become strings.
  bool array_of(const CType &elem, const Declarator::Op &op, CType &out);
  // Registers typedef name (repeating an identical one is fine).
  bool define_typedef(const Token &name, const CType &t, const Attrs &attrs);
  // _Static_assert(expr, "msg"); its expression must be true.
  bool skip_static_assert();
  // Skips `= ...` of a variable (tolerant mode) up to the next ',' or ';'.
  bool skip_initializer();
  // A type-name (sizeof, casts, _Alignas): specifiers and abstract declarator.
  bool type_name(CType &out);
  // True when t starts a type-name (a type keyword or a known type name).
  bool starts_type(const Token &t);

  // --- names (cdecl_parser.cpp)
  // A typedef or builtin type name: this table, the builtins, then outer.
  std::optional<CType> named_type(const std::string &name);
  // "struct X"/"union X"/"enum X": this table, then outer, else incomplete.
  CType tag_type(const std::string &key);
  // CType of a probe Type from elsewhere, with its alignment.
  CType from_type(Type t);
  // The alignment of a type from elsewhere (BTF carries none: inferred from the layout).
  uint32_t align_of(const Type &t, int depth);
  // The hint of an unknown type name: `did you mean 'struct NAME'?` when one exists.
  std::string unknown_type_hint(const std::string &name);

  // --- struct/union/enum (cdecl_record.cpp)
  // struct/union [tag] [{ members }]: a reference, a forward declaration or a definition.
  bool struct_spec(Specs &s);
  // The member declarations of a body, through its closing '}'.
  bool members(std::vector<Member> &out, bool is_union);
  // The declarators (and bit-field widths) of one member declaration, through ';'.
  bool member_declarators(const Specs &s, std::vector<Member> &out);
  // The width after ':', checked against m's type.
  bool bitfield_width(Member &m);
  // Lays out and registers a struct/union (an identical redefinition is fine).
  bool define_record(const Token &kw, const Token *tag, bool is_union, std::vector<Member> &ms, const Attrs &ra,
                     CType &out);
  // enum [tag] [{ enumerators }].
  bool enum_spec(Specs &s);
  // The enumerators through '}', each registered as a constant at once;
  // fresh tells whether one was new (not an identical repetition).
  bool enumerators(std::vector<std::pair<const Token *, int64_t>> &values, bool &fresh);
  // The enum's integer type (gcc's size and signedness), registered under its tag.
  bool define_enum(const Token &kw, const Token *tag, const std::vector<std::pair<const Token *, int64_t>> &values,
                   bool fresh, const Attrs &a, CType &out);
  // "struct (anonymous at L:C)", unique in the table.
  std::string anonymous_name(const std::string &kw, const Token &at) const;
  // Gives the size of the just-completed record key to the pointers that
  // were waiting for it (see ScriptTypes::sizeless_pointers_).
  void size_pointers_to(const std::string &key, uint32_t size);

  // --- constant expressions (cdecl_expr.cpp)
  // An integer constant expression (a conditional-expression).
  bool const_expr(Value &v);
  // A constant that must fit a count (array size, bit-field width, alignment).
  bool count_expr(const char *what, int64_t &out);
  // a ? b : c, evaluating only the chosen branch.
  bool conditional(Value &v);
  // Binary operators binding at least as tightly as min_prec (precedence climbing).
  bool binary(Value &v, int min_prec);
  // Unary operators, sizeof/_Alignof and casts.
  bool unary(Value &v);
  // Literals, enumerators (here or outer), offsetof and parentheses.
  bool primary(Value &v);
  // sizeof(type), sizeof expr, _Alignof(type) after op.
  bool sizeof_like(const Token &op, Value &v);
  // __builtin_offsetof(type, a.b.c).
  bool offsetof_expr(Value &v);
  // (integer type) expr, truncating and extending as C does.
  bool cast(Value &v);

  ScriptTypes &st_;  // the table being filled
  std::vector<Token> toks_;  // the whole text, ending with Tok::End
  size_t pos_ = 0;  // the current token
  bool strict_;  // report errors (the script) or skip silently (a header)
  Diagnostics &diags_;  // where strict errors go
  const OuterTypeLookup &outer_;  // types not defined here (BTF)
  const OuterConstantLookup &outer_constants_;  // constants not defined here (may be empty)
  bool failed_ = false;     // the current declaration reported (or would report) an error
  bool any_error_ = false;  // a strict error was reported
  int depth_ = 0;           // current nesting
  int dead_ = 0;            // > 0 inside an unevaluated operand (`0 && x/0`)
  bool allow_zero_ = false; // a struct member is being declared: `T name[0]` is GNU C's empty array
  std::map<std::string, uint32_t> outer_aligns_;  // alignment of outer records, computed once
};

// Restores the parser's nesting depth when a recursive rule returns.
class DepthGuard {
 public:
  explicit DepthGuard(Parser &p) : p_(p), saved_(p.depth_) {}
  ~DepthGuard() { p_.depth_ = saved_; }
  DepthGuard(const DepthGuard &) = delete;
  DepthGuard &operator=(const DepthGuard &) = delete;

 private:
  Parser &p_;
  int saved_;
};

// The pointee of t when t points to a struct/union known by name only and
// without a size (incomplete when t was made); null otherwise.
const Type *sizeless_pointee(const Type &t);

// True for the C keywords and GNU spellings that can never name a type or a member.
bool is_keyword(std::string_view s);

}  // namespace probe::cdecl
