// Macro expansion as cpp does it: object-like and function-like macros,
// variadic ones (__VA_ARGS__, GNU `, ## __VA_ARGS__` and named `args...`),
// # and ##, arguments expanded before substitution and hide sets so that a
// macro is never expanded inside its own expansion (Prosser's algorithm).
// Every step is counted against a Budget, so a macro set that expands
// exponentially stops with an error instead of exhausting memory.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

#include "frontend/pp_internal.h"
#include "frontend/preprocess.h"

namespace probe::pp {

namespace {

bool ident_start(unsigned char c) { return std::isalpha(c) || c == '_' || c == '$'; }
bool ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$'; }

// Two-character punctuators (the three-character ones are <<=, >>= and ...).
constexpr const char *kPunct2[] = {"##", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&",
                                   "||", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "<:", ":>"};

// Length of the quoted literal starting at s[i] (a quote), to the closing
// quote or the end of the line.
size_t quoted_len(std::string_view s, size_t i) {
  char q = s[i];
  size_t j = i + 1;
  while (j < s.size() && s[j] != q && s[j] != '\n') j += (s[j] == '\\' && j + 1 < s.size()) ? 2 : 1;
  return std::min(j + 1, s.size()) - i;
}

// Length of the pp-number starting at s[i].
size_t number_len(std::string_view s, size_t i) {
  size_t j = i + 1;
  while (j < s.size()) {
    char c = s[j];
    if ((c == '+' || c == '-') && std::strchr("eEpP", s[j - 1])) {
      ++j;
    } else if (ident_char(c) || c == '.') {
      ++j;
    } else {
      break;
    }
  }
  return j - i;
}

size_t punct_len(std::string_view s, size_t i) {
  char a = s[i];
  char b = i + 1 < s.size() ? s[i + 1] : 0;
  char c = i + 2 < s.size() ? s[i + 2] : 0;
  if (!b || !std::strchr("<>.%#-+&|*/=!^:", a)) return 1;
  if (((a == '<' && b == '<') || (a == '>' && b == '>')) && c == '=') return 3;
  if (a == '.' && b == '.' && c == '.') return 3;
  for (const char *p : kPunct2)
    if (p[0] == a && p[1] == b) return 2;
  return 1;
}

bool is_punct_char(unsigned char c) { return c < 128 && std::ispunct(c) && c != '$' && c != '_' && c != '@' && c != '`'; }

}  // namespace

void tokenize(std::string_view s, std::vector<Tok> &out) {
  uint8_t space = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c == '\n') {
      space = 2;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      space = std::max<uint8_t>(space, 1);
      ++i;
    } else if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '\n' || (s[i + 1] == '\r' && i + 2 < s.size() && s[i + 2] == '\n'))) {
      i += s[i + 1] == '\n' ? 2 : 3;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t end = s.find("*/", i + 2);
      end = end == std::string_view::npos ? s.size() : end + 2;
      space = std::max<uint8_t>(space, s.substr(i, end - i).find('\n') != std::string_view::npos ? 2 : 1);
      i = end;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
      while (i < s.size() && s[i] != '\n') ++i;
      space = std::max<uint8_t>(space, 1);
    } else {
      Tok t;
      t.space = space;
      space = 0;
      size_t n = 1;
      bool prefix = (c == 'L' || c == 'u' || c == 'U');
      size_t q = i + (prefix && c == 'u' && i + 1 < s.size() && s[i + 1] == '8' ? 2 : 1);
      if (prefix && q < s.size() && (s[q] == '"' || s[q] == '\'')) {
        t.kind = s[q] == '"' ? TokKind::String : TokKind::Char;
        n = q - i + quoted_len(s, q);
      } else if (c == '"' || c == '\'') {
        t.kind = c == '"' ? TokKind::String : TokKind::Char;
        n = quoted_len(s, i);
      } else if (ident_start(c)) {
        t.kind = TokKind::Ident;
        while (i + n < s.size() && ident_char(s[i + n])) ++n;
      } else if (std::isdigit(c) || (c == '.' && i + 1 < s.size() && std::isdigit((unsigned char)s[i + 1]))) {
        t.kind = TokKind::Number;
        n = number_len(s, i);
      } else if (is_punct_char(c)) {
        t.kind = TokKind::Punct;
        n = punct_len(s, i);
      }
      t.text.assign(s.substr(i, n));
      out.push_back(std::move(t));
      i += n;
    }
  }
}

namespace {

bool glue_char(char c) { return std::strchr("+-<>=!&|*/%^#.:", c) != nullptr && c != 0; }

// Would a and b, written without a blank, lex as something else?
bool would_glue(const Tok &a, const Tok &b) {
  bool aw = a.kind == TokKind::Ident || a.kind == TokKind::Number;
  bool bw = b.kind == TokKind::Ident || b.kind == TokKind::Number;
  if (aw && bw) return true;
  if (a.kind == TokKind::Number && b.text[0] == '.') return true;
  if (a.kind == TokKind::Punct && b.kind == TokKind::Punct) return glue_char(a.text.back()) && glue_char(b.text[0]);
  if (a.kind == TokKind::Ident && (b.kind == TokKind::String || b.kind == TokKind::Char)) return true;
  return a.kind == TokKind::Punct && a.text.back() == '.' && b.kind == TokKind::Number;
}

}  // namespace

std::string spell(const std::vector<Tok> &toks, bool keep_newlines) {
  std::string out;
  for (size_t i = 0; i < toks.size(); ++i) {
    const Tok &t = toks[i];
    if (i > 0) {
      if (t.space == 2 && keep_newlines) {
        out += '\n';
      } else if (t.space || would_glue(toks[i - 1], t)) {
        out += ' ';
      }
    }
    out += t.text;
  }
  return out;
}

namespace {

HideSet hs_add(const HideSet &hs, const Macro *m) {
  auto v = std::make_shared<std::vector<const Macro *>>();
  if (hs) *v = *hs;
  auto it = std::lower_bound(v->begin(), v->end(), m);
  if (it == v->end() || *it != m) v->insert(it, m);
  return v;
}

bool hs_has(const HideSet &hs, const Macro *m) { return hs && std::binary_search(hs->begin(), hs->end(), m); }

HideSet hs_intersect(const HideSet &a, const HideSet &b) {
  if (!a || !b) return nullptr;
  auto v = std::make_shared<std::vector<const Macro *>>();
  std::set_intersection(a->begin(), a->end(), b->begin(), b->end(), std::back_inserter(*v));
  return v->empty() ? nullptr : v;
}

HideSet hs_union(const HideSet &a, const HideSet &b) {
  if (!a) return b;
  if (!b) return a;
  auto v = std::make_shared<std::vector<const Macro *>>();
  std::set_union(a->begin(), a->end(), b->begin(), b->end(), std::back_inserter(*v));
  return v;
}

// A string literal holding the spelling of toks (the # operator).
Tok stringize(const std::vector<Tok> &toks) {
  std::string s = "\"";
  for (size_t i = 0; i < toks.size(); ++i) {
    if (i > 0 && toks[i].space) s += ' ';
    bool quoted = toks[i].kind == TokKind::String || toks[i].kind == TokKind::Char;
    for (char c : toks[i].text) {
      if (quoted && (c == '"' || c == '\\')) s += '\\';
      s += c;
    }
  }
  s += '"';
  Tok t;
  t.kind = TokKind::String;
  t.text = std::move(s);
  return t;
}

constexpr int kMaxDepth = 200;  // nested argument pre-expansions

// One expansion run: the input is a stack (next token at the back).
class Expander {
 public:
  Expander(const MacroTable &macros, Budget &budget, int depth) : macros_(macros), budget_(budget), depth_(depth) {}

  std::vector<Tok> run(std::vector<Tok> in) {
    std::vector<Tok> out;
    std::reverse(in.begin(), in.end());
    stack_ = std::move(in);
    while (!stack_.empty() && !budget_.overflow) {
      Tok t = std::move(stack_.back());
      stack_.pop_back();
      if (!charge(1) || out.size() >= budget_.max_tokens) {
        budget_.overflow = true;
        break;
      }
      if (t.kind == TokKind::Ident && try_expand(t)) continue;
      out.push_back(std::move(t));
    }
    return out;
  }

 private:
  bool charge(size_t n) {
    budget_.work += n;
    return budget_.work <= budget_.max_work;
  }

  // Replaces t by its expansion on the stack; false if t is not expanded.
  bool try_expand(const Tok &t) {
    auto it = macros_.find(t.text);
    if (it == macros_.end()) return false;
    const Macro *m = &it->second;
    if (hs_has(t.hide, m)) return false;
    if (!m->function_like) {
      push(subst(*m, {}, add_hide(t.hide, m)), t.space);
      return true;
    }
    if (stack_.empty() || !stack_.back().is("(")) return false;
    std::vector<std::vector<Tok>> args;
    HideSet rparen;
    if (!collect_args(*m, args, rparen)) return false;
    push(subst(*m, args, add_hide(hs_intersect(t.hide, rparen), m)), t.space);
    return true;
  }

  // Pops `( args )` off the stack; false (stack untouched) if the list is
  // unterminated or has the wrong number of arguments.
  bool collect_args(const Macro &m, std::vector<std::vector<Tok>> &args, HideSet &rparen) {
    size_t nparams = m.params.size() + (m.variadic ? 1 : 0);
    int depth = 0;
    size_t i = stack_.size() - 1;  // at '('
    std::vector<size_t> commas;
    size_t close = 0;
    bool found = false;
    for (size_t k = i; k-- > 0;) {
      if (!charge(1)) {
        budget_.overflow = true;
        return false;
      }
      const Tok &u = stack_[k];
      if (u.is("(")) {
        ++depth;
      } else if (u.is(")")) {
        if (depth == 0) {
          close = k;
          found = true;
          break;
        }
        --depth;
      } else if (u.is(",") && depth == 0 && (!m.variadic || commas.size() + 1 < nparams)) {
        commas.push_back(k);
      }
    }
    if (!found) return false;
    size_t nargs = commas.size() + 1;
    bool empty_list = close + 1 == i;
    if (nparams == 0 && !empty_list) return false;
    if (nparams > 0 && nargs > nparams) return false;
    size_t start = i;
    commas.push_back(close);
    for (size_t c : commas) {
      std::vector<Tok> arg;
      for (size_t k = start; k-- > c + 1;) arg.push_back(stack_[k]);
      if (!arg.empty()) arg[0].space = 0;
      args.push_back(std::move(arg));
      start = c;
    }
    while (args.size() < nparams) args.emplace_back();  // missing trailing args are empty
    if (nparams == 0) args.clear();
    rparen = stack_[close].hide;
    stack_.resize(close);
    return true;
  }

  // hs + {m}, memoized: an expansion's tokens share one hide set, so the
  // same union recurs for every token of it (exponential macro sets).
  HideSet add_hide(const HideSet &hs, const Macro *m) {
    auto key = std::make_pair(static_cast<const void *>(hs.get()), m);
    auto it = hide_memo_.find(key);
    if (it != hide_memo_.end()) return it->second.second;
    HideSet r = hs_add(hs, m);
    hide_memo_.emplace(key, std::make_pair(hs, r));  // keeps hs alive: its address stays unique
    return r;
  }

  int param_index(const Macro &m, const Tok &t) const {
    if (t.kind != TokKind::Ident) return -1;
    for (size_t i = 0; i < m.params.size(); ++i)
      if (m.params[i] == t.text) return int(i);
    if (m.variadic && t.text == "__VA_ARGS__") return int(m.params.size());
    return -1;
  }

  const std::vector<Tok> &body(const Macro &m) {
    auto it = bodies_.find(&m);
    if (it != bodies_.end()) return it->second;
    std::vector<Tok> toks;
    tokenize(m.body, toks);
    return bodies_.emplace(&m, std::move(toks)).first->second;
  }

  std::vector<Tok> expanded_arg(const std::vector<Tok> &arg) {
    if (depth_ >= kMaxDepth) {
      budget_.overflow = true;
      return arg;
    }
    Expander sub(macros_, budget_, depth_ + 1);
    return sub.run(arg);
  }

  // Appends b glued to the last token of out (the ## operator).
  void paste(std::vector<Tok> &out, const Tok &b) {
    if (out.empty()) {
      out.push_back(b);
      return;
    }
    Tok a = std::move(out.back());
    out.pop_back();
    std::vector<Tok> toks;
    tokenize(a.text + b.text, toks);
    for (size_t k = 0; k < toks.size(); ++k) {
      toks[k].space = k == 0 ? a.space : toks[k].space;
      out.push_back(std::move(toks[k]));
    }
  }

  std::vector<Tok> subst(const Macro &m, const std::vector<std::vector<Tok>> &args, const HideSet &hs);

  // Pushes toks (the expansion) before the rest of the input.
  void push(std::vector<Tok> toks, uint8_t space) {
    if (!charge(toks.size())) {
      budget_.overflow = true;
      return;
    }
    if (!toks.empty()) toks[0].space = space;
    for (size_t k = toks.size(); k-- > 0;) stack_.push_back(std::move(toks[k]));
  }

  const MacroTable &macros_;
  Budget &budget_;
  int depth_;
  std::vector<Tok> stack_;
  std::map<const Macro *, std::vector<Tok>> bodies_;
  std::map<std::pair<const void *, const Macro *>, std::pair<HideSet, HideSet>> hide_memo_;
};

// The body with each `__VA_OPT__(x)` replaced by x when the variadic
// arguments are not empty, and by nothing when they are (C23).
std::vector<Tok> va_opt(const std::vector<Tok> &body, bool va_empty) {
  std::vector<Tok> r;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i].kind != TokKind::Ident || body[i].text != "__VA_OPT__" || i + 1 >= body.size() || !body[i + 1].is("(")) {
      r.push_back(body[i]);
      continue;
    }
    int depth = 0;
    size_t k = i + 1;
    for (; k < body.size(); ++k) {
      if (body[k].is("(")) ++depth;
      if (body[k].is(")") && --depth == 0) break;
    }
    if (!va_empty)
      for (size_t j = i + 2; j < k && j < body.size(); ++j) r.push_back(body[j]);
    i = k;
  }
  return r;
}

std::vector<Tok> Expander::subst(const Macro &m, const std::vector<std::vector<Tok>> &args, const HideSet &hs) {
  const std::vector<Tok> *bp = &body(m);
  std::vector<Tok> opt;
  if (m.variadic && m.body.find("__VA_OPT__") != std::string::npos) {
    opt = va_opt(*bp, args.empty() || args.back().empty());
    bp = &opt;
  }
  const std::vector<Tok> &b = *bp;
  std::vector<Tok> out;
  std::map<int, std::vector<Tok>> expanded;
  for (size_t i = 0; i < b.size() && !budget_.overflow; ++i) {
    const Tok &t = b[i];
    int p = i + 1 < b.size() ? param_index(m, b[i + 1]) : -1;
    if (m.function_like && t.is("#") && p >= 0) {
      Tok s = stringize(args[p]);
      s.space = t.space;
      out.push_back(std::move(s));
      ++i;
      continue;
    }
    if (t.is("##") && i + 1 < b.size()) {
      if (p >= 0) {
        const std::vector<Tok> &a = args[p];
        // GNU: `, ## __VA_ARGS__` drops the comma when there are no variadic args.
        if (a.empty() && m.variadic && p == int(m.params.size()) && !out.empty() && out.back().is(",")) {
          out.pop_back();
        } else if (!a.empty()) {
          paste(out, a[0]);
          out.insert(out.end(), a.begin() + 1, a.end());
        }
      } else {
        paste(out, b[i + 1]);
      }
      ++i;
      continue;
    }
    int self = param_index(m, t);
    if (self >= 0) {
      bool before_paste = i + 1 < b.size() && b[i + 1].is("##");
      const std::vector<Tok> *src = &args[self];
      if (!before_paste) {
        auto it = expanded.find(self);
        if (it == expanded.end()) it = expanded.emplace(self, expanded_arg(args[self])).first;
        src = &it->second;
      }
      size_t at = out.size();
      out.insert(out.end(), src->begin(), src->end());
      if (at < out.size()) out[at].space = t.space;
      continue;
    }
    out.push_back(t);
  }
  // Tokens mostly share a few hide sets: union each distinct one once.
  const void *last_in = nullptr;
  HideSet last_out = hs;
  for (Tok &t : out) {
    if (!t.hide) {
      t.hide = hs;
    } else if (t.hide.get() == last_in) {
      t.hide = last_out;
    } else {
      last_in = t.hide.get();
      last_out = hs_union(t.hide, hs);
      t.hide = last_out;
    }
  }
  return out;
}

}  // namespace

std::vector<Tok> expand(std::vector<Tok> toks, const MacroTable &macros, Budget &budget) {
  Expander e(macros, budget, 0);
  return e.run(std::move(toks));
}

namespace {

// Reads "NAME(" params ")" of a function-like #define; p is after '('.
bool parse_params(std::string_view s, size_t &p, Macro &m, std::string *err) {
  auto skip = [&] {
    while (p < s.size() && std::isspace((unsigned char)s[p])) ++p;
  };
  std::string named_va;
  for (;;) {
    skip();
    if (p < s.size() && s[p] == ')' && m.params.empty() && !m.variadic) break;
    if (s.compare(p, 3, "...") == 0) {
      m.variadic = true;
      p += 3;
    } else if (p < s.size() && ident_start(s[p])) {
      size_t b = p;
      while (p < s.size() && ident_char(s[p])) ++p;
      std::string name(s.substr(b, p - b));
      skip();
      if (s.compare(p, 3, "...") == 0) {
        m.variadic = true;
        named_va = name;
        p += 3;
      } else {
        m.params.push_back(name);
      }
    } else {
      *err = "expected a parameter name in the macro parameter list";
      return false;
    }
    skip();
    if (p < s.size() && s[p] == ')') break;
    if (p >= s.size() || s[p] != ',' || m.variadic) {
      *err = m.variadic ? "expected ')' after '...' in the macro parameter list" : "expected ',' or ')' in the macro parameter list";
      return false;
    }
    ++p;
  }
  ++p;
  if (!named_va.empty()) m.params.push_back("\x01" + named_va);  // renamed below
  return true;
}

}  // namespace

std::optional<Macro> parse_define(std::string_view s, std::string *err) {
  size_t p = 0;
  while (p < s.size() && std::isspace((unsigned char)s[p])) ++p;
  if (p >= s.size() || !ident_start(s[p])) {
    *err = "macro name missing after #define";
    return std::nullopt;
  }
  Macro m;
  size_t b = p;
  while (p < s.size() && ident_char(s[p])) ++p;
  m.name = std::string(s.substr(b, p - b));
  if (m.name == "defined") {
    *err = "'defined' cannot be used as a macro name";
    return std::nullopt;
  }
  if (p < s.size() && s[p] == '(') {
    m.function_like = true;
    ++p;
    if (!parse_params(s, p, m, err)) return std::nullopt;
  }
  std::string_view body = s.substr(std::min(p, s.size()));
  size_t first = body.find_first_not_of(" \t\r\n\f\v");
  size_t last = body.find_last_not_of(" \t\r\n\f\v");
  m.body = first == std::string_view::npos ? "" : std::string(body.substr(first, last - first + 1));
  // GNU named variadic `args...`: the body says args, the expander __VA_ARGS__.
  if (!m.params.empty() && m.params.back()[0] == '\x01') {
    std::string named = m.params.back().substr(1);
    m.params.pop_back();
    std::vector<Tok> toks;
    tokenize(m.body, toks);
    for (Tok &t : toks)
      if (t.kind == TokKind::Ident && t.text == named) t.text = "__VA_ARGS__";
    m.body = spell(toks, false);
  }
  return m;
}

}  // namespace probe::pp

namespace probe {

std::optional<std::string> try_expand_macros(const std::string &text, const MacroTable &macros) {
  std::vector<pp::Tok> toks;
  pp::tokenize(text, toks);
  pp::Budget budget;
  budget.max_work = size_t{2} << 20;
  budget.max_tokens = size_t{256} << 10;
  auto out = pp::expand(std::move(toks), macros, budget);
  if (budget.overflow) return std::nullopt;
  return pp::spell(out, true);
}

std::string expand_macros(const std::string &text, const MacroTable &macros) {
  auto r = try_expand_macros(text, macros);
  return r ? *r : text;
}

std::optional<int64_t> macro_constant(const MacroTable &macros, const std::string &name) {
  auto it = macros.find(name);
  if (it == macros.end() || it->second.function_like) return std::nullopt;
  std::vector<pp::Tok> toks(1);
  toks[0].kind = pp::TokKind::Ident;
  toks[0].text = name;
  pp::Budget budget;
  budget.max_work = size_t{1} << 20;
  budget.max_tokens = size_t{1} << 16;
  auto out = pp::expand(std::move(toks), macros, budget);
  if (budget.overflow || out.empty()) return std::nullopt;
  auto v = pp::evaluate(out, false, nullptr);
  if (!v) return std::nullopt;
  return int64_t(v->bits);
}

}  // namespace probe
