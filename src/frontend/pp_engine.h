// The preprocessor's engine, shared by preprocess() and SystemConstants:
// one run over a script and the headers it includes, with the macro table,
// the include search, caches (file contents, include guards, #pragma once)
// and the limits that keep hostile input bounded. Private to the frontend.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "frontend/pp_internal.h"
#include "frontend/preprocess.h"

namespace probe::pp {

// One file being read: the script or a header.
struct FileCtx {
  std::string path;      // the header's path, or the script's name
  std::string dir;       // where its "..." includes are searched first
  int chain_index = -1;  // index in the search chain it was found at (#include_next)
  bool is_script = false;
  Loc root;              // the script #include line that led here
  bool has_root = false;
  int depth = 0;         // include nesting
};

// One open #if/#ifdef/#ifndef group.
struct Cond {
  bool parent_active = true;  // the enclosing group is active
  bool active = false;        // the current branch is kept
  bool taken = false;         // some branch was (or is) kept
  bool seen_else = false;
  std::string directive;      // "if", "ifdef", "ifndef" for messages
  Loc loc;
};

// The per-file state of the line engine.
struct FileState {
  std::vector<Cond> conds;
  std::string pending;  // header text not yet expanded
  // Include-guard detection: 0 before the first directive, 1 inside
  // `#ifndef G`, 2 after its #endif, -1 not a guarded file.
  int guard_state = 0;
  std::string guard_name;
};

// One preprocessing run.
class Engine {
 public:
  Engine(const PreprocessOptions &opts, Diagnostics &diags, bool expand_headers);
  // Preprocesses src (after the --include files) and returns the result.
  Preprocessed run(const SourceFile &src);

 private:
  // A header found on the search path, and where (for #include_next).
  struct Found {
    std::string path;
    int chain_index;
  };

  // Enters a --include FILE before the script.
  void include_option_file(const std::string &f, const FileCtx &root);
  // True if path is a regular file (cached: headers are probed often).
  bool is_file(const std::string &path);
  // Searches name the way #include "..."/<...>/#include_next does from ctx.
  std::optional<Found> find(const std::string &name, bool angled, const FileCtx &ctx, bool next);
  // A file's contents, read once per run; null (err says why) if unreadable.
  std::shared_ptr<const std::string> read(const std::string &path, std::string *err);
  // An error at the script line that led to ctx (headers have no location of their own).
  void root_error(const FileCtx &ctx, const Loc &loc, const std::string &msg);
  // A directive error: reported in the script, a -v note in a header.
  void error(const FileCtx &ctx, const Loc &loc, const std::string &msg);
  // Adds a -v note once.
  void note(const std::string &n);
  // A header that is not installed: a note with BTF for <...>, else an error.
  void missing_header(const std::string &name, bool angled, const FileCtx &ctx, const Loc &loc);
  // Reads a found header (unless #pragma once, its guard or a cycle says not to).
  void include_file(const Found &f, const FileCtx &ctx, const Loc &loc);
  // Runs an #include/#include_next line.
  void include(const std::string &rest, const FileCtx &ctx, const Loc &loc, bool next);
  // Runs a #define line.
  void define(const std::string &rest, const FileCtx &ctx, const Loc &loc);
  // Expands a header's pending text and appends it to the header texts.
  void flush(FileState &st, const FileCtx &ctx);
  // The line engine: reads text (the script, blanked into script_out, or a header).
  void process(const std::string &text, FileCtx &ctx, std::string *script_out);
  // Runs one directive (body is what follows '#', comments removed).
  void directive_line(const std::string &body, FileState &st, FileCtx &ctx, const Loc &loc);
  // Handles a conditional directive; false if name is not one.
  bool conditional(const std::string &name, const std::string &rest, FileState &st, FileCtx &ctx, const Loc &loc);
  // Evaluates an #if/#elif expression; nullopt (and an error for the
  // script) if it is malformed.
  std::optional<bool> eval_if(const std::string &expr, const FileCtx &ctx, const Loc &loc);
  // Replaces `defined X` and `__has_include(...)` and friends by 0 or 1.
  bool replace_specials(std::vector<Tok> &toks, const FileCtx &ctx, std::string *err);
  // True for a macro, or for __has_include and friends.
  bool is_defined(const std::string &name) const;
  // True when the current conditional group is kept.
  static bool active(const FileState &st) { return st.conds.empty() || st.conds.back().active; }

  const PreprocessOptions &opts_;
  Diagnostics &diags_;
  bool expand_;
  Preprocessed out_;
  std::string script_name_;
  std::vector<std::string> chain_;  // include_dirs, then system_dirs
  std::map<std::string, std::shared_ptr<const std::string>> files_;
  std::map<std::string, bool> exists_;
  std::set<std::string> once_;                 // #pragma once files
  std::map<std::string, std::string> guards_;  // file -> its include-guard macro
  std::vector<std::string> stack_;             // files being read
  std::set<std::string> note_set_;
  Budget budget_;  // shared by the expansion of every header's text
  size_t includes_ = 0;      // headers entered so far
  size_t header_bytes_ = 0;  // header text returned so far
  bool stop_ = false;        // a run-wide limit was hit: read no further
};

}  // namespace probe::pp
