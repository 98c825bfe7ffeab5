#include "driver/list.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "probes/provider.h"
#include "runtime/elf_symbols.h"
#include "runtime/errors.h"
#include "runtime/ksyms.h"
#include "runtime/tracefs.h"

namespace probe {

namespace {

bool glob_match(const std::string &glob, const std::string &s) {
  return fnmatch(glob.c_str(), s.c_str(), 0) == 0;
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

void emit(const std::string &line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

void emit_lines(const std::vector<std::string> &lines) {
  for (const auto &l : lines) emit(l);
}

// The part of a "type:a:b" pattern after "type:" ("*" when absent).
std::string rest_of(const std::string &pat) {
  size_t c = pat.find(':');
  return c == std::string::npos ? "*" : pat.substr(c + 1);
}

// Each list_* returns 0, or 1 after reporting an error (the exit status).
int list_tracepoints_matching(const std::string &pat, bool verbose) {
  std::string cat = "*", name = "*";
  auto parts = split_attach_point(pat);
  if (parts.size() == 3 && parts[0] == "tracepoint") {
    cat = parts[1];
    name = parts[2];
  }
  auto tps = list_tracepoints(cat, name);
  if (!tps) {
    report_error(stderr, tps.error());
    return 1;
  }
  auto root = verbose ? tracefs_root() : Result<std::string>(std::string());
  for (const auto &[c, n] : *tps) {
    std::string ap = "tracepoint:" + c + ":" + n;
    if (!glob_match(pat, ap)) continue;
    emit(ap);
    if (!verbose || !root) continue;
    std::ifstream in(*root + "/events/" + c + "/" + n + "/format");
    std::stringstream ss;
    ss << in.rdbuf();
    emit_lines(tracepoint_field_lines(ss.str()));
  }
  return 0;
}

int list_rawtracepoints(const std::string &pat, bool verbose, BtfTypes &btf) {
  if (!btf.available()) {
    if (pat.rfind("rawtracepoint:", 0) != 0) return 0;  // only when asked for by name
    report_error(stderr, btf.error());
    return 1;
  }
  for (const auto &n : btf.raw_tracepoints_matching("*")) {
    std::string ap = "rawtracepoint:" + n;
    if (!glob_match(pat, ap)) continue;
    emit(ap);
    if (!verbose) continue;
    if (auto p = btf.raw_tracepoint(n)) emit_lines(proto_lines(*p, false));
  }
  return 0;
}

// Traceable, not denied kernel functions matching the glob after "TYPE:".
Result<std::vector<std::string>> kernel_funcs(const std::string &pat) {
  std::string fglob = rest_of(pat);
  if (fglob.find(':') != std::string::npos) fglob = "*";  // filtered by the whole pattern later
  auto all = traceable_functions(fglob);
  if (!all) return all.error();
  std::vector<std::string> out;
  for (auto &f : *all)
    if (!kprobe_denied(f, nullptr)) out.push_back(std::move(f));
  return out;
}

int list_kprobes(const std::string &type, const std::string &pat) {
  auto fns = kernel_funcs(pat);
  if (!fns) {
    report_error(stderr, fns.error());
    return 1;
  }
  for (const auto &f : *fns) {
    std::string ap = type + ":" + f;
    if (glob_match(pat, ap)) emit(ap);
  }
  return 0;
}

int list_fentry(const std::string &type, const std::string &pat, bool verbose, BtfTypes &btf) {
  if (!btf.available()) {
    // Only complain when fentry was asked for by name.
    if (pat.rfind(type + ":", 0) != 0) return 0;
    report_error(stderr, btf.error());
    return 1;
  }
  std::string fglob = rest_of(pat);
  if (fglob.find(':') != std::string::npos) fglob = "*";
  auto traceable = kernel_funcs(pat);  // may fail (no tracefs, no kallsyms): then BTF alone
  for (const auto &f : btf.funcs_matching(fglob)) {
    if (traceable ? !std::binary_search(traceable->begin(), traceable->end(), f)
                  : kprobe_denied(f, nullptr))
      continue;
    std::string ap = type + ":" + f;
    if (!glob_match(pat, ap)) continue;
    emit(ap);
    if (!verbose) continue;
    if (auto p = btf.func(f)) emit_lines(proto_lines(*p, true));
  }
  return 0;
}

void list_software(const std::string &pat) {
  for (const auto &[name, alias] : software_event_names()) {
    std::string ap = "software:" + name + ":";
    if (glob_match(pat, ap)) {
      emit(ap);
    } else if (!alias.empty()) {
      std::string al = "software:" + alias + ":";
      if (glob_match(pat, al)) emit(al);
    }
  }
}

int list_uprobes(const std::string &type, const std::string &pat, const Config &cfg) {
  auto parts = split_attach_point(pat);
  if (parts.size() < 2 || parts[1].empty() || has_wildcard(parts[1])) {
    std::fprintf(stderr, "probe: error: listing %ss needs a binary: `probe -l '%s:/bin/bash:*'`\n",
                 type.c_str(), type.c_str());
    return 1;
  }
  std::string glob = parts.size() >= 3 && !parts[2].empty() ? parts[2] : "*";
  auto path = resolve_binary(parts[1], cfg.pid);
  if (!path) {
    report_error(stderr, path.error());
    return 1;
  }
  auto syms = match_symbols(*path, glob);
  if (!syms) {
    report_error(stderr, syms.error());
    return 1;
  }
  for (const auto &s : *syms) emit(type + ":" + parts[1] + ":" + s);
  return 0;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>> &software_event_names() {
  static const std::vector<std::pair<std::string, std::string>> events = {
      {"cpu-clock", "cpu"},     {"task-clock", ""},       {"page-faults", "faults"},
      {"context-switches", "cs"}, {"cpu-migrations", ""},  {"minor-faults", ""},
      {"major-faults", ""},     {"alignment-faults", ""}, {"emulation-faults", ""},
      {"dummy", ""},            {"bpf-output", ""},
  };
  return events;
}

std::string c_type_name(const Type &t) {
  switch (t.kind) {
    case TypeKind::Void: return "void";
    case TypeKind::Int: return t.name.empty() ? t.to_string() : t.name;
    case TypeKind::Pointer: {
      std::string e = t.elem ? c_type_name(*t.elem) : "void";
      return e + (!e.empty() && e.back() == '*' ? "*" : " *");
    }
    case TypeKind::Record: return t.name;
    case TypeKind::String: return "char[" + std::to_string(t.size) + "]";
    case TypeKind::Array:
      return (t.elem ? c_type_name(*t.elem) : "void") + "[" + std::to_string(t.count) + "]";
    default: return t.to_string();
  }
}

std::vector<std::string> proto_lines(const FuncProto &p, bool with_retval) {
  std::vector<std::string> out;
  for (const auto &[name, type] : p.params) out.push_back("    " + c_type_name(type) + " " + name);
  if (with_retval && !p.ret.is(TypeKind::Void)) out.push_back("    " + c_type_name(p.ret) + " retval");
  return out;
}

std::vector<std::string> tracepoint_field_lines(const std::string &format_text) {
  std::vector<std::string> out;
  std::istringstream in(format_text);
  for (std::string line; std::getline(in, line);) {
    size_t f = line.find("field:");
    if (f == std::string::npos) continue;
    size_t e = line.find(';', f);
    std::string decl = trim(line.substr(f + 6, e == std::string::npos ? std::string::npos : e - f - 6));
    std::string d = decl.substr(0, decl.find('['));
    size_t sp = d.find_last_of(" *");
    std::string name = trim(sp == std::string::npos ? d : d.substr(sp + 1));
    if (name.rfind("common_", 0) == 0) continue;
    out.push_back("    " + decl);
  }
  return out;
}

std::string canonical_pattern(const std::string &pattern) {
  size_t c = pattern.find(':');
  if (c == std::string::npos) return pattern;
  std::string type = pattern.substr(0, c);
  if (has_wildcard(type)) return pattern;
  const ProbeProvider *p = find_provider(type);
  return p ? std::string(p->name()) + pattern.substr(c) : pattern;
}

int list_probes(const std::string &pattern, bool verbose, const Config &cfg) {
  std::string pat = pattern.empty() ? "*" : pattern;
  if (pat.find(':') == std::string::npos) pat = "*:" + pat;  // 'vfs_read' = any type
  pat = canonical_pattern(pat);
  std::string type = pat.substr(0, pat.find(':'));
  BtfTypes btf;
  int rc = 0;
  if (!has_wildcard(type)) {
    const ProbeProvider *p = find_provider(type);
    if (!p) {
      std::fprintf(stderr, "probe: error: unknown probe type '%s'\n", type.c_str());
      return 1;
    }
    if (type == "tracepoint") rc = list_tracepoints_matching(pat, verbose);
    else if (type == "rawtracepoint") rc = list_rawtracepoints(pat, verbose, btf);
    else if (type == "kprobe" || type == "kretprobe") rc = list_kprobes(type, pat);
    else if (type == "fentry" || type == "fexit") rc = list_fentry(type, pat, verbose, btf);
    else if (type == "software") list_software(pat);
    else if (type == "uprobe" || type == "uretprobe") rc = list_uprobes(type, pat, cfg);
    // BEGIN, END, interval, profile: nothing to list.
  } else {
    // Every part runs; any that failed (and said so) makes the status 1.
    if (glob_match(type, "tracepoint")) rc |= list_tracepoints_matching(pat, verbose);
    if (glob_match(type, "rawtracepoint")) rc |= list_rawtracepoints(pat, verbose, btf);
    if (glob_match(type, "kprobe")) rc |= list_kprobes("kprobe", pat);
    if (glob_match(type, "software")) list_software(pat);
    if (glob_match(type, "fentry")) rc |= list_fentry("fentry", pat, verbose, btf);
  }
  std::fflush(stdout);
  return rc;
}

}  // namespace probe
