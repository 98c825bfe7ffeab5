// Text of the values user space formats itself (Type::formatted): errno
// names, user names, MAC addresses, cgroup paths.
#include "runtime/value_format.h"

#include <dirent.h>
#include <fnmatch.h>
#include <pwd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

namespace probe {

namespace {

// strerror_r's text for e ("Unknown error 200" beyond the table), as bpftrace prints it.
std::string errno_text(int64_t e) {
  char buf[256];
  return strerror_r(static_cast<int>(e), buf, sizeof buf);  // GNU: returns the text
}

// The user's name, or the uid in decimal when it has none (bpftrace's username).
std::string user_name(uint64_t uid) {
  struct passwd pw, *res = nullptr;
  std::vector<char> buf(4096);
  if (getpwuid_r(static_cast<uid_t>(uid), &pw, buf.data(), buf.size(), &res) == 0 && res && res->pw_name)
    return res->pw_name;
  return std::to_string(uid);
}

std::string mac_text(const uint8_t *p) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%02X:%02X:%02X:%02X:%02X:%02X", p[0], p[1], p[2], p[3], p[4], p[5]);
  return buf;
}

// Searches dir (depth-first, bounded) for the directory whose inode is id;
// its path relative to root ("/" for root itself), or empty.
std::string find_inode(const std::string &root, const std::string &rel, uint64_t id, int depth) {
  struct stat st;
  std::string path = root + rel;
  if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return "";
  if (st.st_ino == id) return rel.empty() ? "/" : rel;
  if (depth > 32) return "";
  DIR *d = opendir(path.c_str());
  if (!d) return "";
  std::string found;
  while (dirent *e = readdir(d)) {
    if (e->d_type != DT_DIR || !std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
    found = find_inode(root, rel + "/" + e->d_name, id, depth + 1);
    if (!found.empty()) break;
  }
  closedir(d);
  return found;
}

// Each mounted cgroup hierarchy: ("unified" for cgroup2, else its
// controllers or name=), mount point), cgroup2 first, the rest by name.
std::vector<std::pair<std::string, std::string>> cgroup_mounts() {
  std::vector<std::pair<std::string, std::string>> v1, out;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream pre(line.substr(0, dash)), post(line.substr(dash + 3));
    std::string id, parent, devno, root, mnt, fstype, source, opts;
    pre >> id >> parent >> devno >> root >> mnt;
    post >> fstype >> source >> opts;
    if (fstype == "cgroup2") {
      out.emplace_back("unified", mnt);
    } else if (fstype == "cgroup") {
      std::string name;
      std::istringstream os(opts);
      for (std::string o; std::getline(os, o, ',');) {
        if (o == "rw" || o == "ro" || o.find('=') != std::string::npos) {
          if (o.rfind("name=", 0) == 0) name += (name.empty() ? "" : ",") + o.substr(5);
          continue;
        }
        if (o == "relatime" || o == "noatime" || o == "nosuid" || o == "nodev" || o == "noexec") continue;
        name += (name.empty() ? "" : ",") + o;
      }
      v1.emplace_back(name, mnt);
    }
  }
  std::sort(v1.begin(), v1.end());
  out.insert(out.end(), v1.begin(), v1.end());
  return out;
}

// bpftrace's cgroup_path(id, filter): "NAME:PATH" for each hierarchy whose
// name matches the filter glob and that has a cgroup with this id, joined by ",".
std::string cgroup_text(uint64_t id, const std::string &filter) {
  std::string s;
  for (const auto &[name, mnt] : cgroup_mounts()) {
    if (!filter.empty() && fnmatch(filter.c_str(), name.c_str(), 0) != 0) continue;
    std::string rel = find_inode(mnt, "", id, 0);
    if (rel.empty()) continue;
    s += (s.empty() ? "" : ",") + name + ":" + rel;
  }
  return s;
}

}  // namespace

std::string formatted_text(const std::string &how, const uint8_t *p) {
  uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  if (how == "strerror") return errno_text(static_cast<int64_t>(v));
  if (how == "username") return user_name(v);
  if (how == "macaddr") return mac_text(p);
  if (how.rfind("cgroup_path", 0) == 0) {
    size_t colon = how.find(':');
    return cgroup_text(v, colon == std::string::npos ? "" : how.substr(colon + 1));
  }
  return std::to_string(v);
}

}  // namespace probe
