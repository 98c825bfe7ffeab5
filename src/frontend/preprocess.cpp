// The preprocessor pass: reads the script line by line, runs its
// directives and blanks them (and skipped conditional sections) in place so
// that every remaining character keeps its line and column. Headers are
// read through the same line engine; their non-directive text (macros
// expanded) is returned for the declaration parser, and their problems
// never fail the script: a bad #if in a system header skips that section.
#include "frontend/preprocess.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "frontend/pp_engine.h"

namespace probe::pp {

namespace {

constexpr int kMaxIncludeDepth = 64;
constexpr size_t kMaxIncludes = 20000;            // files entered in one run
constexpr size_t kMaxFileSize = size_t{16} << 20;  // larger headers are not read
constexpr size_t kMaxHeaderBytes = size_t{128} << 20;

// Scans one physical line for comments and literals; updates in_comment
// (inside a /* */ that continues past the line). True if the line has
// anything but white space and comments. The text outside comments is
// appended to code_out when given (each comment as a blank).
bool scan_line(std::string_view ln, bool &in_comment, std::string *code_out = nullptr) {
  bool code = false;
  size_t i = 0;
  while (i < ln.size()) {
    if (in_comment) {
      size_t e = ln.find("*/", i);
      if (e == std::string_view::npos) return code;
      in_comment = false;
      i = e + 2;
      if (code_out) *code_out += ' ';
      continue;
    }
    char c = ln[i];
    size_t from = i;
    if (c == '/' && i + 1 < ln.size() && ln[i + 1] == '*') {
      in_comment = true;
      i += 2;
      continue;
    } else if (c == '/' && i + 1 < ln.size() && ln[i + 1] == '/') {
      return code;
    } else if (c == '"' || c == '\'') {
      code = true;
      ++i;
      while (i < ln.size() && ln[i] != c) i += ln[i] == '\\' ? 2 : 1;
      i = std::min(i + 1, ln.size());
    } else {
      if (!std::isspace((unsigned char)c)) code = true;
      ++i;
    }
    if (code_out) code_out->append(ln.substr(from, i - from));
  }
  return code;
}

// text with comments replaced by one blank each (literals kept).
std::string strip_comments(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t e = s.find("*/", i + 2);
      i = e == std::string_view::npos ? s.size() : e + 2;
      out += ' ';
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
      break;
    } else if (c == '"' || c == '\'') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != c) j += s[j] == '\\' ? 2 : 1;
      j = std::min(j + 1, s.size());
      out.append(s.substr(i, j - i));
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n\f\v");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n\f\v");
  return std::string(s.substr(b, e - b + 1));
}

bool ident_char(char c) { return std::isalnum((unsigned char)c) || c == '_' || c == '$'; }

// The identifier at the start of s (after blanks), or "".
std::string first_ident(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos || std::isdigit((unsigned char)s[b])) return "";
  size_t e = b;
  while (e < s.size() && ident_char(s[e])) ++e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

Engine::Engine(const PreprocessOptions &opts, Diagnostics &diags, bool expand_headers)
    : opts_(opts), diags_(diags), expand_(expand_headers) {
  // All of glibc's and the UAPI headers a script includes take ~0.2M steps;
  // kernel build headers a few million. 32M bounds a hostile header to seconds.
  budget_.max_work = size_t{32} << 20;
  budget_.max_tokens = size_t{1} << 20;  // per chunk between directives
  chain_ = opts.include_dirs;
  chain_.insert(chain_.end(), opts.system_dirs.begin(), opts.system_dirs.end());
  add_predefined(out_.macros, opts.have_btf);
}

Preprocessed Engine::run(const SourceFile &src) {
  script_name_ = src.name;
  FileCtx root;
  root.is_script = true;
  root.path = src.name;
  root.dir = opts_.script_dir.empty() ? "." : opts_.script_dir;
  for (const std::string &f : opts_.include_files) include_option_file(f, root);
  std::string text;
  text.reserve(src.text.size());
  process(src.text, root, &text);
  out_.text = std::move(text);
  return std::move(out_);
}

void Engine::include_option_file(const std::string &f, const FileCtx &root) {
  FileCtx ctx = root;
  ctx.is_script = false;
  ctx.has_root = false;
  std::optional<Found> found;
  if (is_file(f)) found = Found{f, -1};
  if (!found) found = find(f, false, root, false);
  if (!found) {
    diags_.error("--include file '" + f + "' not found");
    return;
  }
  include_file(*found, ctx, Loc{});
}

bool Engine::is_file(const std::string &path) {
  auto it = exists_.find(path);
  if (it != exists_.end()) return it->second;
  struct stat st;
  bool ok = stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  exists_.emplace(path, ok);
  return ok;
}

std::optional<Engine::Found> Engine::find(const std::string &name, bool angled, const FileCtx &ctx, bool next) {
  if (!name.empty() && name[0] == '/') {
    if (is_file(name)) return Found{name, -1};
    return std::nullopt;
  }
  size_t start = 0;
  if (next && ctx.chain_index >= 0) {
    start = size_t(ctx.chain_index) + 1;
  } else if (!angled && !next) {
    std::string p = ctx.dir + "/" + name;
    if (is_file(p)) return Found{p, -1};
  }
  for (size_t i = start; i < chain_.size(); ++i) {
    std::string p = chain_[i] + "/" + name;
    if (is_file(p)) return Found{p, int(i)};
  }
  return std::nullopt;
}

std::shared_ptr<const std::string> Engine::read(const std::string &path, std::string *err) {
  auto it = files_.find(path);
  if (it != files_.end()) return it->second;
  std::ifstream in(path, std::ios::binary);
  std::shared_ptr<std::string> text;
  if (in) {
    in.seekg(0, std::ios::end);
    std::streamoff size = in.tellg();
    in.seekg(0);
    if (size >= 0 && size_t(size) <= kMaxFileSize) {
      text = std::make_shared<std::string>(size_t(size), '\0');
      in.read(text->data(), size);
      if (!in) text.reset();
    } else {
      *err = "larger than " + std::to_string(kMaxFileSize >> 20) + " MB";
      return nullptr;
    }
  }
  if (!text) {
    *err = std::strerror(errno ? errno : EIO);
    return nullptr;
  }
  files_.emplace(path, text);
  return text;
}

void Engine::root_error(const FileCtx &ctx, const Loc &loc, const std::string &msg) {
  if (ctx.is_script) {
    diags_.error(loc, msg);
  } else if (ctx.has_root) {
    diags_.error(ctx.root, msg);
  } else {
    diags_.error(msg);
  }
}

void Engine::note(const std::string &n) {
  if (note_set_.insert(n).second) out_.notes.push_back(n);
}

namespace {

// True when name lies in one of the kernel source tree's include
// directories (<linux/...>, <net/...>, <asm/...>): a header BTF stands in for.
bool kernel_header(const std::string &name) {
  static constexpr const char *kDirs[] = {
      "linux", "net", "asm", "asm-generic", "uapi", "trace", "kvm", "crypto", "scsi", "sound", "media",
      "drm", "rdma", "xen", "keys", "acpi", "clocksource", "dt-bindings", "misc", "soc", "target",
      "video", "vdso", "pcmcia", "ras", "math-emu", "kunit", "cxl", "rv", "generated"};
  size_t slash = name.find('/');
  if (slash == std::string::npos) return false;
  std::string top = name.substr(0, slash);
  for (const char *d : kDirs)
    if (top == d) return true;
  return false;
}

}  // namespace

void Engine::missing_header(const std::string &name, bool angled, const FileCtx &ctx, const Loc &loc) {
  std::string spelled = angled ? "<" + name + ">" : "\"" + name + "\"";
  if (angled && opts_.have_btf && kernel_header(name)) {
    note(spelled + " is not installed; its types come from BTF");
    return;
  }
  std::string dirs;
  if (!angled) dirs = ctx.dir;
  for (const std::string &d : chain_) dirs += (dirs.empty() ? "" : ", ") + d;
  std::string msg = "header " + spelled + " not found";
  if (!ctx.is_script) msg += " (included from " + ctx.path + ")";
  root_error(ctx, loc, msg);
  diags_.hint("searched: " + (dirs.empty() ? std::string("no directories") : dirs));
  if (!opts_.have_btf && angled) diags_.hint("without BTF, every <...> header must be installed");
}

void Engine::include_file(const Found &f, const FileCtx &ctx, const Loc &loc) {
  if (once_.count(f.path)) return;
  auto g = guards_.find(f.path);
  if (g != guards_.end() && out_.macros.count(g->second)) return;
  for (const std::string &p : stack_) {
    if (p == f.path) {
      note("include cycle: " + f.path + " includes itself; skipped");
      return;
    }
  }
  if (ctx.depth + 1 > kMaxIncludeDepth) {
    root_error(ctx, loc, "#include nested deeper than " + std::to_string(kMaxIncludeDepth) + " levels (at " + f.path + ")");
    return;
  }
  if (++includes_ > kMaxIncludes) {
    if (includes_ == kMaxIncludes + 1) root_error(ctx, loc, "too many #include files (over " + std::to_string(kMaxIncludes) + ")");
    stop_ = true;
    return;
  }
  std::string err;
  auto text = read(f.path, &err);
  if (!text) {
    root_error(ctx, loc, "cannot read header " + f.path + ": " + err);
    return;
  }
  FileCtx sub;
  sub.path = f.path;
  sub.dir = dir_of(f.path);
  sub.chain_index = f.chain_index;
  sub.root = ctx.is_script ? loc : ctx.root;
  sub.has_root = ctx.is_script || ctx.has_root;
  sub.depth = ctx.depth + 1;
  stack_.push_back(f.path);
  process(*text, sub, nullptr);
  stack_.pop_back();
}

void Engine::flush(FileState &st, const FileCtx &ctx) {
  if (st.pending.empty()) return;
  std::string text;
  if (expand_ && !budget_.overflow) {
    std::vector<Tok> toks;
    tokenize(st.pending, toks);
    toks = expand(std::move(toks), out_.macros, budget_);
    if (budget_.overflow) {
      root_error(ctx, ctx.root, "macro expansion in " + ctx.path + " exceeds the size limit");
      text.clear();
    } else {
      text = spell(toks, true);
    }
  } else if (!expand_) {
    text = std::move(st.pending);
  }
  st.pending.clear();
  if (text.empty() || header_bytes_ + text.size() > kMaxHeaderBytes) return;
  header_bytes_ += text.size();
  if (!out_.headers.empty() && out_.headers.back().path == ctx.path) {
    out_.headers.back().text += '\n';
    out_.headers.back().text += text;
  } else {
    out_.headers.push_back(HeaderText{ctx.path, std::move(text)});
  }
}

void Engine::process(const std::string &text, FileCtx &ctx, std::string *script_out) {
  FileState st;
  size_t pos = 0;
  int line = 1;
  bool in_comment = false;
  bool spliced = false;
  while (pos < text.size() && !stop_ && !diags_.full()) {
    size_t e = text.find('\n', pos);
    bool has_nl = e != std::string::npos;
    if (!has_nl) e = text.size();
    std::string_view ln(text.data() + pos, e - pos);
    size_t fnb = ln.find_first_not_of(" \t\r\f\v");
    // A line spliced onto the one before (which ended in a backslash) is
    // not a directive, whatever it starts with.
    bool directive = !in_comment && !spliced && fnb != std::string_view::npos && ln[fnb] == '#';
    std::string_view trimmed = ln.substr(0, ln.find_last_not_of('\r') + 1);
    spliced = !directive && !trimmed.empty() && trimmed.back() == '\\';
    if (!directive) {
      size_t mark = st.pending.size();
      bool code = scan_line(ln, in_comment, script_out ? nullptr : &st.pending);
      if (code && st.guard_state != 1) st.guard_state = -1;
      if (script_out) {
        if (active(st)) script_out->append(ln);
        if (has_nl) *script_out += '\n';
      } else if (active(st) && code) {
        st.pending += '\n';
      } else {
        st.pending.resize(mark);
      }
      pos = has_nl ? e + 1 : e;
      ++line;
      continue;
    }
    // A directive: its physical lines run while they end in a backslash
    // or while a /* comment in them is open.
    std::string logical;
    int nlines = 0;
    bool cmt = false;
    size_t p = pos;
    for (;;) {
      size_t pe = text.find('\n', p);
      bool nl = pe != std::string::npos;
      if (!nl) pe = text.size();
      std::string_view phys(text.data() + p, pe - p);
      if (!phys.empty() && phys.back() == '\r') phys.remove_suffix(1);
      ++nlines;
      scan_line(phys, cmt);
      bool cont = !phys.empty() && phys.back() == '\\' && !cmt;
      if (cont) phys.remove_suffix(1);
      logical.append(phys);
      if (cmt) logical += '\n';
      p = nl ? pe + 1 : pe;
      if (script_out && nl) *script_out += '\n';
      if (!nl || (!cont && !cmt)) break;
    }
    Loc loc;
    loc.begin = Position{line, int(fnb) + 1};
    loc.end = Position{line, int(trim(ln).size() + fnb) + 1};
    std::string body = strip_comments(std::string_view(logical).substr(fnb + 1));
    if (script_out && line == 1 && logical.compare(fnb, 2, "#!") == 0) body.clear();  // a #! line
    directive_line(body, st, ctx, loc);
    pos = p;
    line += nlines;
  }
  if (!ctx.is_script) {
    flush(st, ctx);
    if (st.guard_state == 2) guards_[ctx.path] = st.guard_name;
  } else if (!stop_) {
    for (const Cond &c : st.conds) diags_.error(c.loc, "unterminated #" + c.directive + " (no matching #endif)");
  }
}

void Engine::directive_line(const std::string &body, FileState &st, FileCtx &ctx, const Loc &loc) {
  size_t b = body.find_first_not_of(" \t");
  if (b == std::string::npos) return;  // `#` alone
  size_t e = b;
  while (e < body.size() && ident_char(body[e])) ++e;
  std::string name = body.substr(b, e - b);
  std::string rest = body.substr(e);
  if (name.empty() || std::isdigit((unsigned char)name[0])) return;  // `# 12 "file"` line markers
  if (conditional(name, rest, st, ctx, loc)) return;
  if (st.guard_state == 2 || st.guard_state == 0) st.guard_state = -1;
  if (!active(st)) return;
  if (name == "define" || name == "undef") {
    if (!ctx.is_script) flush(st, ctx);
    if (name == "define") {
      define(rest, ctx, loc);
    } else {
      std::string n = first_ident(rest);
      if (n.empty()) error(ctx, loc, "macro name missing after #undef");
      out_.macros.erase(n);
    }
  } else if (name == "include" || name == "include_next" || name == "import") {
    if (!ctx.is_script) flush(st, ctx);
    include(rest, ctx, loc, name == "include_next");
  } else if (name == "error") {
    error(ctx, loc, "#error " + trim(rest));
  } else if (name == "warning") {
    if (ctx.is_script) diags_.warning(loc, "#warning " + trim(rest));
  } else if (name == "pragma") {
    if (first_ident(rest) == "once" && !ctx.is_script) once_.insert(ctx.path);
  } else if (name == "line" || name == "ident" || name == "sccs" || name == "assert" || name == "unassert") {
    // ignored
  } else {
    error(ctx, loc, "unknown preprocessor directive '#" + name + "'");
  }
}

void Engine::error(const FileCtx &ctx, const Loc &loc, const std::string &msg) {
  if (ctx.is_script) {
    diags_.error(loc, msg);
  } else if (opts_.verbose && out_.notes.size() < 100) {  // headers are read tolerantly
    note(ctx.path + ":" + std::to_string(loc.begin.line) + ": ignored: " + msg);
  }
}

void Engine::define(const std::string &rest, const FileCtx &ctx, const Loc &loc) {
  std::string err;
  auto m = parse_define(rest, &err);
  if (!m) {
    error(ctx, loc, err);
    return;
  }
  m->file = ctx.is_script ? script_name_ : ctx.path;
  m->loc = loc;
  std::string name = m->name;
  out_.macros[name] = std::move(*m);
}

void Engine::include(const std::string &rest, const FileCtx &ctx, const Loc &loc, bool next) {
  std::string spec = trim(rest);
  if (!spec.empty() && spec[0] != '"' && spec[0] != '<') {
    std::vector<Tok> toks;
    tokenize(spec, toks);
    Budget b;
    b.max_work = size_t{1} << 20;
    spec = trim(spell(expand(std::move(toks), out_.macros, b), false));
    if (!spec.empty() && spec[0] == '<') {  // `< linux / x . h >` spelled back: drop the blanks
      std::string s;
      for (char c : spec)
        if (c != ' ') s += c;
      spec = s;
    }
  }
  char close = spec.empty() ? 0 : spec[0] == '"' ? '"' : spec[0] == '<' ? '>' : 0;
  size_t end = close ? spec.find(close, 1) : std::string::npos;
  if (end == std::string::npos || end == 1) {
    error(ctx, loc, "#include expects \"FILE\" or <FILE>");
    return;
  }
  std::string name = spec.substr(1, end - 1);
  bool angled = close == '>';
  auto found = find(name, angled, ctx, next && !ctx.is_script);
  if (!found) {
    missing_header(name, angled, ctx, loc);
    return;
  }
  include_file(*found, ctx, loc);
}

}  // namespace probe::pp

namespace probe {

Preprocessed preprocess(const SourceFile &src, const PreprocessOptions &opts, Diagnostics &diags) {
  pp::Engine engine(opts, diags, true);
  return engine.run(src);
}

}  // namespace probe
