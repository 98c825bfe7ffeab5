#include "runtime/binary_resolver.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "runtime/errors.h"

namespace probe {

namespace {

bool is_file(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string real_path(const std::string &p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) ? std::string(buf) : p;
}

std::string basename_of(const std::string &p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

// Whether file name fname is the library name refers to: exact ("libc.so.6"),
// or name + ".so" with any version suffix, or glibc's old "libc-2.31.so".
bool lib_matches(const std::string &fname, const std::string &name) {
  if (fname == name) return true;
  std::string base = name.rfind("lib", 0) == 0 ? name : "lib" + name;
  if (fname.rfind(base + ".so", 0) == 0) return true;
  return fname.rfind(base + "-", 0) == 0 && fname.find(".so") != std::string::npos;
}

// The library mapped into pid whose file name matches.
std::optional<std::string> from_maps(pid_t pid, const std::string &name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  for (std::string line; std::getline(in, line);) {
    size_t slash = line.find('/');
    if (slash == std::string::npos) continue;
    std::string path = line.substr(slash);
    if (!lib_matches(basename_of(path), name)) continue;
    std::string root = "/proc/" + std::to_string(pid) + "/root";
    return real_path(root) == "/" ? path : root + path;  // containers: through its root
  }
  return std::nullopt;
}

std::optional<std::string> from_ld_cache(const std::string &name) {
  std::ifstream in("/etc/ld.so.cache", std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  for (const auto &p : ld_cache_lookup(ss.str(), name))
    if (is_file(p)) return p;
  return std::nullopt;
}

std::optional<std::string> from_lib_dirs(const std::string &name) {
  static const char *dirs[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
                               "/usr/lib64", "/usr/lib", "/lib"};
  for (const char *d : dirs) {
    DIR *dir = opendir(d);
    if (!dir) continue;
    std::vector<std::string> hits;
    while (dirent *e = readdir(dir))
      if (lib_matches(e->d_name, name)) hits.push_back(std::string(d) + "/" + e->d_name);
    closedir(dir);
    std::sort(hits.begin(), hits.end());
    for (const auto &h : hits)
      if (is_file(h)) return h;
  }
  return std::nullopt;
}

std::optional<std::string> from_path_env(const std::string &name) {
  const char *env = getenv("PATH");
  std::istringstream dirs(env ? env : "/usr/local/bin:/usr/bin:/bin");
  for (std::string d; std::getline(dirs, d, ':');) {
    std::string p = (d.empty() ? "." : d) + "/" + name;
    if (is_file(p) && access(p.c_str(), X_OK) == 0) return p;
  }
  return std::nullopt;
}

bool looks_like_library(const std::string &t) {
  return t.rfind("lib", 0) == 0 || t.find(".so") != std::string::npos;
}

}  // namespace

std::vector<std::string> ld_cache_lookup(const std::string &cache, const std::string &name) {
  static const std::string kMagic = "glibc-ld.so.cache1.1";
  std::vector<std::string> out;
  size_t base = cache.find(kMagic);
  if (base == std::string::npos || cache.size() < base + 48) return out;
  uint32_t nlibs = 0;
  std::memcpy(&nlibs, cache.data() + base + 20, 4);
  constexpr size_t kHeader = 48, kEntry = 24;
  for (uint32_t i = 0; i < nlibs; i++) {
    size_t at = base + kHeader + size_t(i) * kEntry;
    if (at + kEntry > cache.size()) break;
    int32_t flags;
    uint32_t key, value;
    std::memcpy(&flags, cache.data() + at, 4);
    std::memcpy(&key, cache.data() + at + 4, 4);
    std::memcpy(&value, cache.data() + at + 8, 4);
    // key/value are offsets from the start of the new-format header.
    if (base + key >= cache.size() || base + value >= cache.size()) continue;
    std::string soname = cache.c_str() + base + key;
    std::string path = cache.c_str() + base + value;
#if defined(__x86_64__)
    if ((flags & 0xff00) != 0x0300) continue;  // FLAG_X8664_LIB64
#endif
    if (lib_matches(soname, name)) out.push_back(path);
  }
  return out;
}

// "/proc/123/..." (not /proc/self, which is probe itself).
static bool is_proc_pid_path(const std::string &p) {
  if (p.rfind("/proc/", 0) != 0 || p.size() < 7 || !isdigit(static_cast<unsigned char>(p[6]))) return false;
  size_t i = 6;
  while (i < p.size() && isdigit(static_cast<unsigned char>(p[i]))) i++;
  return i < p.size() && p[i] == '/';
}

bool is_kernel_thread(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return false;
  // After "comm)": state ppid pgrp session tty_nr tpgid flags.
  std::istringstream fields(stat.substr(paren + 1));
  std::string f;
  for (int i = 0; i < 7 && fields >> f; i++) {
  }
  constexpr unsigned long kPfKthread = 0x00200000;
  return !f.empty() && (std::strtoul(f.c_str(), nullptr, 10) & kPfKthread);
}

Result<std::string> process_exe(pid_t pid) {
  std::string p = std::to_string(pid);
  if (kill(pid, 0) != 0 && errno == ESRCH) return make_error("no process with pid " + p, ESRCH);
  if (is_kernel_thread(pid)) return std::string();
  std::string link = "/proc/" + p + "/exe";
  char buf[PATH_MAX];
  if (readlink(link.c_str(), buf, sizeof buf) >= 0) return link;
  int err = errno;
  if (err == EACCES || err == EPERM)
    return sys_error("cannot trace pid " + p + " (cannot read " + link + ")", err,
                     "it belongs to another user: run probe as root, e.g. with sudo");
  if (err == ENOENT) return make_error("pid " + p + " has exited", ESRCH);  // a zombie
  return sys_error("cannot read " + link, err);
}

Result<std::string> resolve_binary(const std::string &target, std::optional<pid_t> pid) {
  if (target.empty()) return make_error("empty binary name in uprobe", EINVAL);
  if (pid && is_kernel_thread(*pid))
    return make_error("pid " + std::to_string(*pid) + " is a kernel thread; it has no user-space executable",
                      EINVAL, "uprobes trace user-space code; trace kernel threads with tracepoints or kprobes");
  if (target.find('/') != std::string::npos) {
    // /proc/PID/exe stays as written: the kernel follows the magic link to
    // the right inode even when the path inside a container, or a deleted
    // (upgraded) binary, would name a different or missing file here.
    if (is_file(target)) return is_proc_pid_path(target) ? target : real_path(target);
    return make_error("cannot open '" + target + "': no such file", ENOENT,
                      "give an absolute path, a library name like `libc`, or a program in $PATH");
  }
  std::optional<std::string> hit;
  if (looks_like_library(target)) {
    if (pid) hit = from_maps(*pid, target);
    if (!hit) hit = from_ld_cache(target);
    if (!hit) hit = from_lib_dirs(target);
  } else {
    hit = from_path_env(target);
    if (!hit && pid) hit = from_maps(*pid, target);
    if (!hit) hit = from_ld_cache(target);
    if (!hit) hit = from_lib_dirs(target);
  }
  if (hit) return hit->rfind("/proc/", 0) == 0 ? *hit : real_path(*hit);
  return make_error("cannot find binary or library '" + target + "'", ENOENT,
                    pid ? "it is neither in $PATH nor mapped by pid " + std::to_string(*pid)
                        : "use an absolute path, or a library name known to ldconfig");
}

}  // namespace probe
