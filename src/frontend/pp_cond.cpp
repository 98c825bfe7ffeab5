// Conditional inclusion: #if/#ifdef/#ifndef/#elif/#elifdef/#elifndef/
// #else/#endif with nesting, `defined`, __has_include and the __has_*
// feature tests, and include-guard detection. A malformed condition is an
// error in the script and a skipped section in a header.
#include <cctype>

#include "frontend/pp_engine.h"

namespace probe::pp {

namespace {

// Names `defined` and #ifdef accept although they are not macros.
bool builtin_defined(const std::string &n) {
  return n == "__has_include" || n == "__has_include_next" || n == "__has_attribute" || n == "__has_builtin" ||
         n == "__has_feature" || n == "__has_extension" || n == "__has_cpp_attribute" || n == "__has_c_attribute" ||
         n == "__has_warning" || n == "__FILE__" || n == "__LINE__";
}

Tok number(bool v) {
  Tok t;
  t.kind = TokKind::Number;
  t.text = v ? "1" : "0";
  t.space = 1;
  return t;
}

std::string first_word(const std::string &s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = b;
  while (e < s.size() && (std::isalnum((unsigned char)s[e]) || s[e] == '_' || s[e] == '$')) ++e;
  return s.substr(b, e - b);
}

// `#if !defined X`, `#if !defined(X)`: the guard name, or "".
std::string negated_defined(const std::string &expr) {
  std::vector<Tok> t;
  tokenize(expr, t);
  if (t.size() == 3 && t[0].is("!") && t[1].text == "defined" && t[2].kind == TokKind::Ident) return t[2].text;
  if (t.size() == 5 && t[0].is("!") && t[1].text == "defined" && t[2].is("(") && t[3].kind == TokKind::Ident && t[4].is(")"))
    return t[3].text;
  return "";
}

}  // namespace

bool Engine::is_defined(const std::string &name) const { return out_.macros.count(name) || builtin_defined(name); }

bool Engine::replace_specials(std::vector<Tok> &toks, const FileCtx &ctx, std::string *err) {
  std::vector<Tok> out;
  out.reserve(toks.size());
  for (size_t i = 0; i < toks.size(); ++i) {
    const Tok &t = toks[i];
    std::string name = t.kind == TokKind::Ident ? t.text : "";
    if (!name.empty() && name != "defined" && name.compare(0, 6, "__has_") != 0) {
      auto m = out_.macros.find(name);  // glibc: #define __glibc_has_include __has_include
      if (m != out_.macros.end() && !m->second.function_like &&
          (m->second.body == "__has_include" || m->second.body == "__has_include_next"))
        name = m->second.body;
    }
    if (name == "defined") {
      bool paren = i + 1 < toks.size() && toks[i + 1].is("(");
      size_t k = i + 1 + paren;
      if (k >= toks.size() || toks[k].kind != TokKind::Ident || (paren && (k + 1 >= toks.size() || !toks[k + 1].is(")")))) {
        *err = "macro name missing after 'defined'";
        return false;
      }
      out.push_back(number(is_defined(toks[k].text)));
      i = k + paren;
    } else if (name == "__has_include" || name == "__has_include_next") {
      if (i + 1 >= toks.size() || !toks[i + 1].is("(")) {
        *err = "expected '(' after " + name;
        return false;
      }
      size_t k = i + 2;
      std::string header;
      bool angled = false;
      if (k < toks.size() && toks[k].kind == TokKind::String && toks[k].text.size() >= 2) {
        header = toks[k].text.substr(1, toks[k].text.size() - 2);
        ++k;
      } else if (k < toks.size() && toks[k].is("<")) {
        angled = true;
        for (++k; k < toks.size() && !toks[k].is(">"); ++k) header += toks[k].text;
        ++k;
      }
      if (header.empty() || k >= toks.size() || !toks[k].is(")")) {
        *err = "expected \"FILE\" or <FILE> in " + name;
        return false;
      }
      bool next = name == "__has_include_next" && !ctx.is_script;
      out.push_back(number(find(header, angled, ctx, next).has_value()));
      i = k;
    } else if (builtin_defined(name) && name.compare(0, 6, "__has_") == 0) {
      // __has_attribute(x) and friends: 0, so headers take their plain paths.
      if (i + 1 >= toks.size() || !toks[i + 1].is("(")) {
        *err = "expected '(' after " + name;
        return false;
      }
      int depth = 0;
      size_t k = i + 1;
      for (; k < toks.size(); ++k) {
        if (toks[k].is("(")) ++depth;
        if (toks[k].is(")") && --depth == 0) break;
      }
      if (k >= toks.size()) {
        *err = "expected ')' after " + name + "(";
        return false;
      }
      out.push_back(number(false));
      i = k;
    } else {
      out.push_back(t);
    }
  }
  toks = std::move(out);
  return true;
}

std::optional<bool> Engine::eval_if(const std::string &expr, const FileCtx &ctx, const Loc &loc) {
  std::vector<Tok> toks;
  tokenize(expr, toks);
  std::string err;
  if (toks.empty()) {
    err = "#if with no expression";
  } else if (replace_specials(toks, ctx, &err)) {
    Budget b;
    b.max_work = size_t{1} << 20;
    b.max_tokens = size_t{1} << 18;
    toks = expand(std::move(toks), out_.macros, b);
    if (b.overflow) {
      err = "macro expansion in #if exceeds the size limit";
    } else if (replace_specials(toks, ctx, &err)) {
      if (auto v = evaluate(toks, true, &err)) return v->bits != 0;
    }
  }
  error(ctx, loc, "invalid #if expression: " + err);
  return std::nullopt;
}

bool Engine::conditional(const std::string &name, const std::string &rest, FileState &st, FileCtx &ctx, const Loc &loc) {
  bool is_if = name == "if" || name == "ifdef" || name == "ifndef";
  bool is_elif = name == "elif" || name == "elifdef" || name == "elifndef";
  if (!is_if && !is_elif && name != "else" && name != "endif") return false;
  // The condition of this line, evaluated only when it matters.
  auto test = [&]() -> bool {
    if (name == "if" || name == "elif") return eval_if(rest, ctx, loc).value_or(false);
    std::string id = first_word(rest);
    if (id.empty()) {
      error(ctx, loc, "macro name missing after #" + name);
      return false;
    }
    return is_defined(id) == (name == "ifdef" || name == "elifdef");
  };
  if (is_if) {
    if (st.guard_state == 0) {
      std::string g = name == "ifndef" ? first_word(rest) : name == "if" ? negated_defined(rest) : "";
      st.guard_state = g.empty() ? -1 : 1;
      st.guard_name = g;
    } else if (st.guard_state == 2) {
      st.guard_state = -1;
    }
    Cond c;
    c.parent_active = active(st);
    c.directive = name;
    c.loc = loc;
    c.active = c.parent_active && test();
    c.taken = c.active || !c.parent_active;
    st.conds.push_back(c);
    return true;
  }
  if (st.conds.empty()) {
    error(ctx, loc, "#" + name + " without #if");
    return true;
  }
  Cond &c = st.conds.back();
  if (name == "endif") {
    st.conds.pop_back();
    if (st.conds.empty() && st.guard_state == 1) st.guard_state = 2;
    return true;
  }
  if (st.conds.size() == 1 && st.guard_state == 1) st.guard_state = -1;  // #else of a guard: not a guard
  if (c.seen_else) {
    error(ctx, loc, "#" + name + " after #else");
    return true;
  }
  if (name == "else") {
    c.seen_else = true;
    c.active = c.parent_active && !c.taken;
    c.taken = true;
    return true;
  }
  if (!c.parent_active || c.taken) {
    c.active = false;
    return true;
  }
  c.active = test();
  c.taken = c.active;
  return true;
}

}  // namespace probe::pp
