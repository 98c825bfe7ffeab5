#include "runtime/bpf_object.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <sstream>

#include "runtime/errors.h"
#include "runtime/privileges.h"
#include "util/log.h"

namespace probe {

namespace {

// While a load runs, libbpf's output is also appended here.
thread_local std::string *g_capture = nullptr;

int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  char buf[1024];
  int n = std::vsnprintf(buf, sizeof buf, fmt, copy);
  va_end(copy);
  std::string text;
  if (n >= 0 && size_t(n) < sizeof buf) {
    text.assign(buf, n);
  } else if (n >= 0) {
    text.resize(n);
    std::vsnprintf(text.data(), n + 1, fmt, ap);
  }
  if (g_capture && level != LIBBPF_DEBUG) *g_capture += text;
  if (Logger::get().enabled(LogLevel::Debug)) {
    // libbpf's messages carry their own "libbpf: " prefix and newline.
    std::string line = text;
    while (!line.empty() && line.back() == '\n') line.pop_back();
    if (line.rfind("libbpf: ", 0) == 0) line.erase(0, 8);
    PROBE_LOG(Debug, "libbpf: %s", line.c_str());
  }
  return 0;
}

// Verifier lines that carry statistics rather than the reason for rejection.
bool is_noise(const std::string &line) {
  static const char *prefixes[] = {"processed ", "verification time", "stack depth",
                                   "max_states_per_insn", "mark_read"};
  if (line.find_first_not_of(" \t") == std::string::npos) return true;
  for (const char *p : prefixes)
    if (line.rfind(p, 0) == 0) return true;
  return false;
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

void install_libbpf_logger() {
  static std::once_flag once;
  std::call_once(once, [] { libbpf_set_print(libbpf_print); });
}

LoadFailure parse_load_log(const std::string &out) {
  LoadFailure f;
  static const std::string kFailed = "': BPF program load failed";
  size_t pos = out.find(kFailed);
  if (pos != std::string::npos) {
    size_t start = out.rfind("prog '", pos);
    if (start != std::string::npos) f.prog_name = out.substr(start + 6, pos - start - 6);
  }
  static const std::string kMapFailed = "': failed to create";
  size_t mpos = out.find(kMapFailed);
  if (mpos != std::string::npos) {
    size_t start = out.rfind("map '", mpos);
    if (start != std::string::npos) f.map_name = out.substr(start + 5, mpos - start - 5);
  }
  static const std::string kBegin = "-- BEGIN PROG LOAD LOG --";
  static const std::string kEnd = "-- END PROG LOAD LOG --";
  size_t b = out.find(kBegin);
  if (b != std::string::npos) {
    b += kBegin.size();
    if (b < out.size() && out[b] == '\n') b++;
    size_t e = out.find(kEnd, b);
    f.full_log = out.substr(b, e == std::string::npos ? std::string::npos : e - b);
  }
  const std::string &src = f.full_log.empty() ? out : f.full_log;
  std::vector<std::string> lines;
  std::istringstream in(src);
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (line.rfind("libbpf: ", 0) == 0) line = line.substr(8);
    if (!is_noise(line) && line.find(kEnd) == std::string::npos) lines.push_back(line);
  }
  if (!lines.empty()) f.summary = lines.back();
  return f;
}

Result<BpfObject> BpfObject::open_mem(const std::vector<uint8_t> &elf, const std::string &name) {
  install_libbpf_logger();
  BpfObject o;
  o.image_ = std::make_unique<std::vector<uint8_t>>(elf);
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name.c_str());
  std::string captured;
  g_capture = &captured;
  o.obj_ = bpf_object__open_mem(o.image_->data(), o.image_->size(), &opts);
  g_capture = nullptr;
  if (!o.obj_) {
    int err = errno;
    return sys_error("cannot open the compiled BPF object '" + name + "'", err,
                     trim(captured).empty() ? "" : "libbpf said: " + trim(captured));
  }
  return o;
}

BpfObject::BpfObject(BpfObject &&o) noexcept : obj_(o.obj_), image_(std::move(o.image_)) {
  o.obj_ = nullptr;
}

BpfObject &BpfObject::operator=(BpfObject &&o) noexcept {
  if (this != &o) {
    if (obj_) bpf_object__close(obj_);
    obj_ = o.obj_;
    image_ = std::move(o.image_);
    o.obj_ = nullptr;
  }
  return *this;
}

BpfObject::~BpfObject() {
  if (obj_) bpf_object__close(obj_);
}

Status BpfObject::load(LoadFailure *fail) {
  std::string captured;
  g_capture = &captured;
  int rc = bpf_object__load(obj_);
  g_capture = nullptr;
  if (rc == 0) return Ok{};
  int err = rc < 0 ? -rc : errno;
  LoadFailure f = parse_load_log(captured);
  if (!f.map_name.empty()) f.map_detail = map_detail(f.map_name);
  // A log of statistics only ("processed 25 insns") means the verifier
  // passed and the kernel failed afterwards (EMFILE for the program's fd).
  if (f.full_log.empty() || f.summary.empty()) f.full_log.clear(), f.summary.clear();
  if (fail) *fail = f;
  if (!f.full_log.empty())
    return sys_error("the BPF verifier rejected program '" + f.prog_name + "'", err, f.summary);
  // No verifier log: the kernel refused for want of resources or privileges, or by policy.
  std::string what = "the kernel refuses to load BPF programs";  // libbpf's trivial test program failed
  if (!f.map_name.empty()) what = "cannot create BPF map '" + f.map_name + "' (" + f.map_detail + ")";
  else if (!f.prog_name.empty()) what = "cannot load BPF program '" + f.prog_name + "'";
  else if (captured.find("probe_loading") == std::string::npos) what = "cannot load the BPF object";
  if (err == EPERM || err == EACCES) return denied_error(what, err);
  return sys_error(what, err, resource_hint(err));
}

std::string BpfObject::map_detail(const std::string &name) const {
  bpf_map *m = obj_ ? bpf_object__find_map_by_name(obj_, name.c_str()) : nullptr;
  if (!m) return "";
  const char *type = libbpf_bpf_map_type_str(bpf_map__type(m));
  std::string t = type ? type : "map";
  uint32_t n = bpf_map__max_entries(m);
  if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF)
    return t + ", " + (n >= (1u << 20) ? std::to_string(n >> 20) + " MiB" : std::to_string(n >> 10) + " KiB");
  return t + ", " + std::to_string(n) + " entries of " + std::to_string(bpf_map__key_size(m)) + "+" +
         std::to_string(bpf_map__value_size(m)) + " bytes";
}

bpf_program *BpfObject::find_program(const std::string &name) const {
  return obj_ ? bpf_object__find_program_by_name(obj_, name.c_str()) : nullptr;
}

int BpfObject::map_fd(const std::string &name) const {
  if (!obj_) return -1;
  return bpf_object__find_map_fd_by_name(obj_, name.c_str());
}

}  // namespace probe
