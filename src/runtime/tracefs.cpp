#include "runtime/tracefs.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "runtime/errors.h"

namespace probe {

namespace {

bool is_dir(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Reads "key:value;" from a format line (e.g. "offset:24;").
bool field_attr(const std::string &line, const std::string &key, std::string *out) {
  size_t k = line.find(key + ":");
  if (k == std::string::npos) return false;
  size_t b = k + key.size() + 1;
  size_t e = line.find(';', b);
  *out = trim(line.substr(b, e == std::string::npos ? std::string::npos : e - b));
  return true;
}

// The element type a pointer or array of C type `base` refers to.
Type scalar_of(const std::string &base, uint32_t size, bool is_signed) {
  if (base.find("char") != std::string::npos)  // plain char is int8, as in bpftrace
    return Type::integer(1, base.find("unsigned") == std::string::npos);
  Type t = Type::integer(size >= 1 && size <= 8 ? size : 8, is_signed);
  t.name = base;
  return t;
}

// Maps the declaration "TYPE NAME" or "TYPE NAME[N]" to a Field.
Field make_field(const std::string &decl, uint32_t offset, uint32_t size, bool is_signed,
                 bool user_ptrs) {
  Field f;
  f.offset = offset;
  std::string d = trim(decl);
  uint32_t count = 0;
  size_t br = d.find('[');
  std::string dims;
  if (br != std::string::npos && d.back() == ']') {
    dims = d.substr(br + 1, d.size() - br - 2);
    d = trim(d.substr(0, br));
    count = dims.empty() ? 0 : uint32_t(std::strtoul(dims.c_str(), nullptr, 10));
  }
  size_t sp = d.find_last_of(" *");
  f.name = sp == std::string::npos ? d : d.substr(sp + 1);
  std::string ctype = sp == std::string::npos ? "" : trim(d.substr(0, sp + 1));
  Type t;
  if (ctype.find("__data_loc") != std::string::npos) {
    t = Type::integer(4, false);  // (len << 16) | offset of the data in the record
    t.name = "__data_loc " + trim(ctype.substr(ctype.find("__data_loc") + 10));
  } else if (ctype.find('*') != std::string::npos) {
    std::string base = trim(ctype.substr(0, ctype.find('*')));
    std::string tag = base;  // "const struct sockaddr" -> "struct sockaddr"
    for (const char *q : {"const ", "volatile "})
      if (tag.rfind(q, 0) == 0) tag = trim(tag.substr(std::string(q).size()));
    bool one_star = ctype.find('*') == ctype.rfind('*');
    // A pointer to a struct points to that struct: sema lays it out from BTF
    // when a field is read through it (args->uservaddr->sa_family).
    Type elem = (one_star && (tag.rfind("struct ", 0) == 0 || tag.rfind("union ", 0) == 0))
                    ? Type::named_record(tag)
                    : scalar_of(base, 8, false);
    t = Type::pointer(elem, user_ptrs ? AddrSpace::User : AddrSpace::Kernel);
    t.name = ctype;
  } else if (br != std::string::npos && count > 0) {
    if (ctype.find("char") != std::string::npos) {
      t = Type::string(size);
    } else {
      uint32_t esz = size / count;
      t = Type::array(scalar_of(ctype, esz, is_signed), count);
    }
  } else {
    t = Type::integer(size >= 1 && size <= 8 ? size : 8, is_signed);
    t.name = ctype;
  }
  f.type = std::make_shared<const Type>(std::move(t));
  return f;
}

}  // namespace

Result<std::string> tracefs_root() {
  int denied = 0;  // the errno of a tracefs that exists but that we may not read
  std::string denied_path;
  for (const char *p : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
    std::string events = std::string(p) + "/events";
    if (is_dir(events)) {
      if (access(events.c_str(), R_OK | X_OK) == 0) return std::string(p);
      if (!denied) denied = errno, denied_path = p;
    } else if ((errno == EACCES || errno == EPERM) && !denied) {
      denied = errno;  // stat fails inside a directory we may not search (mode 700)
      denied_path = p;
    }
  }
  if (denied)
    return sys_error("cannot read tracefs at " + denied_path, denied,
                     "reading tracepoints needs root: run probe as root, e.g. with sudo");
  // Mounting needs CAP_SYS_ADMIN: as anyone else say what is missing instead.
  const char *target = "/sys/kernel/tracing";
  if (geteuid() != 0)
    return make_error("tracefs is not mounted (no /sys/kernel/tracing/events)", ENOENT,
                      "as root, mount it with `mount -t tracefs nodev /sys/kernel/tracing`");
  if (mount("nodev", target, "tracefs", 0, nullptr) == 0 && is_dir(std::string(target) + "/events"))
    return std::string(target);
  int err = errno;
  return sys_error("tracefs is not mounted and mounting it on /sys/kernel/tracing failed", err,
                   "mount it with `mount -t tracefs nodev /sys/kernel/tracing`");
}

Result<std::shared_ptr<const Record>> parse_tracepoint_format(const std::string &category,
                                                              const std::string &event,
                                                              const std::string &text) {
  auto rec = std::make_shared<Record>();
  rec->name = "tracepoint:" + category + ":" + event;
  bool user_ptrs = category == "syscalls";
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::string decl, off, sz, sgn;
    if (!field_attr(line, "field", &decl) || !field_attr(line, "offset", &off) ||
        !field_attr(line, "size", &sz))
      continue;
    bool is_signed = field_attr(line, "signed", &sgn) && sgn == "1";
    uint32_t offset = uint32_t(std::strtoul(off.c_str(), nullptr, 10));
    uint32_t size = uint32_t(std::strtoul(sz.c_str(), nullptr, 10));
    rec->size = std::max(rec->size, offset + size);
    Field f = make_field(decl, offset, size, is_signed, user_ptrs);
    if (f.name.rfind("common_", 0) == 0) continue;
    rec->fields.push_back(std::move(f));
  }
  if (rec->size == 0)
    return make_error("cannot parse the format of tracepoint:" + category + ":" + event, EINVAL);
  return std::shared_ptr<const Record>(std::move(rec));
}

Result<std::shared_ptr<const Record>> tracepoint_format(const std::string &category,
                                                        const std::string &event) {
  auto root = tracefs_root();
  if (!root) return root.error();
  std::string path = *root + "/events/" + category + "/" + event + "/format";
  std::ifstream in(path);
  if (!in)
    return sys_error("cannot read the format of tracepoint:" + category + ":" + event + " (" +
                         path + ")",
                     ENOENT, "no such tracepoint; list them with `probe -l 'tracepoint:*'`");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_tracepoint_format(category, event, ss.str());
}

Result<std::vector<std::pair<std::string, std::string>>> list_tracepoints(
    const std::string &category_glob, const std::string &name_glob) {
  auto root = tracefs_root();
  if (!root) return root.error();
  std::vector<std::pair<std::string, std::string>> out;
  auto consider = [&](const std::string &cat, const std::string &name) {
    if (fnmatch(category_glob.c_str(), cat.c_str(), 0) == 0 &&
        fnmatch(name_glob.c_str(), name.c_str(), 0) == 0)
      out.emplace_back(cat, name);
  };
  std::ifstream in(*root + "/available_events");
  if (in) {
    for (std::string line; std::getline(in, line);) {
      size_t c = line.find(':');
      if (c != std::string::npos) consider(line.substr(0, c), line.substr(c + 1));
    }
  } else {
    std::string events = *root + "/events";
    DIR *d = opendir(events.c_str());
    if (!d) return sys_error("cannot list " + events, errno);
    while (dirent *c = readdir(d)) {
      std::string cat = c->d_name;
      if (cat[0] == '.' || !is_dir(events + "/" + cat)) continue;
      if (DIR *e = opendir((events + "/" + cat).c_str())) {
        while (dirent *n = readdir(e))
          if (n->d_name[0] != '.' && is_dir(events + "/" + cat + "/" + n->d_name))
            consider(cat, n->d_name);
        closedir(e);
      }
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace probe
