// What every preprocessing run starts from: the predefined macros of an
// x86-64 Linux GCC 12 (so glibc and UAPI headers take their x86-64/glibc
// paths) and the system include directories found on this machine.
#include <sys/stat.h>
#include <sys/utsname.h>

#include <algorithm>
#include <dirent.h>

#include "frontend/pp_internal.h"
#include "frontend/preprocess.h"

namespace probe::pp {

std::string dir_of(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

void add_predefined(MacroTable &macros, bool have_btf) {
  static constexpr const char *kDefs[][2] = {
      {"__x86_64__", "1"},
      {"__x86_64", "1"},
      {"__amd64__", "1"},
      {"__amd64", "1"},
      {"__linux__", "1"},
      {"__linux", "1"},
      {"linux", "1"},
      {"__gnu_linux__", "1"},
      {"__unix__", "1"},
      {"__unix", "1"},
      {"unix", "1"},
      {"__ELF__", "1"},
      {"__LP64__", "1"},
      {"_LP64", "1"},
      {"__CHAR_BIT__", "8"},
      {"__SIZEOF_SHORT__", "2"},
      {"__SIZEOF_INT__", "4"},
      {"__SIZEOF_LONG__", "8"},
      {"__SIZEOF_LONG_LONG__", "8"},
      {"__SIZEOF_POINTER__", "8"},
      {"__SIZEOF_SIZE_T__", "8"},
      {"__SIZEOF_PTRDIFF_T__", "8"},
      {"__SIZEOF_WCHAR_T__", "4"},
      {"__SIZEOF_WINT_T__", "4"},
      {"__SIZEOF_INT128__", "16"},
      {"__SIZEOF_FLOAT__", "4"},
      {"__SIZEOF_DOUBLE__", "8"},
      {"__SIZEOF_LONG_DOUBLE__", "16"},
      {"__GNUC__", "12"},
      {"__GNUC_MINOR__", "2"},
      {"__GNUC_PATCHLEVEL__", "0"},
      {"__GNUC_STDC_INLINE__", "1"},
      {"__STDC__", "1"},
      {"__STDC_VERSION__", "201710L"},
      {"__STDC_HOSTED__", "1"},
      {"__ORDER_LITTLE_ENDIAN__", "1234"},
      {"__ORDER_BIG_ENDIAN__", "4321"},
      {"__ORDER_PDP_ENDIAN__", "3412"},
      {"__BYTE_ORDER__", "__ORDER_LITTLE_ENDIAN__"},
      {"__FLOAT_WORD_ORDER__", "__ORDER_LITTLE_ENDIAN__"},
      {"__BIGGEST_ALIGNMENT__", "16"},
      {"__SCHAR_MAX__", "0x7f"},
      {"__SHRT_MAX__", "0x7fff"},
      {"__INT_MAX__", "0x7fffffff"},
      {"__LONG_MAX__", "0x7fffffffffffffffL"},
      {"__LONG_LONG_MAX__", "0x7fffffffffffffffLL"},
      {"__WCHAR_MAX__", "0x7fffffff"},
      {"__WCHAR_MIN__", "(-__WCHAR_MAX__ - 1)"},
      {"__WINT_MAX__", "0xffffffffU"},
      {"__WINT_MIN__", "0U"},
      {"__PTRDIFF_MAX__", "0x7fffffffffffffffL"},
      {"__SIZE_MAX__", "0xffffffffffffffffUL"},
      {"__INTMAX_MAX__", "0x7fffffffffffffffL"},
      {"__UINTMAX_MAX__", "0xffffffffffffffffUL"},
      {"__INTPTR_MAX__", "0x7fffffffffffffffL"},
      {"__UINTPTR_MAX__", "0xffffffffffffffffUL"},
      {"__SIZE_TYPE__", "long unsigned int"},
      {"__PTRDIFF_TYPE__", "long int"},
      {"__WCHAR_TYPE__", "int"},
      {"__WINT_TYPE__", "unsigned int"},
      {"__INTMAX_TYPE__", "long int"},
      {"__UINTMAX_TYPE__", "long unsigned int"},
      {"__CHAR16_TYPE__", "short unsigned int"},
      {"__CHAR32_TYPE__", "unsigned int"},
      {"__INT8_TYPE__", "signed char"},
      {"__INT16_TYPE__", "short int"},
      {"__INT32_TYPE__", "int"},
      {"__INT64_TYPE__", "long int"},
      {"__UINT8_TYPE__", "unsigned char"},
      {"__UINT16_TYPE__", "short unsigned int"},
      {"__UINT32_TYPE__", "unsigned int"},
      {"__UINT64_TYPE__", "long unsigned int"},
      {"__INTPTR_TYPE__", "long int"},
      {"__UINTPTR_TYPE__", "long unsigned int"},
      {"__USER_LABEL_PREFIX__", ""},
      {"__REGISTER_PREFIX__", ""},
      {"__VERSION__", "\"12.2.0\""},
      {"__ATOMIC_RELAXED", "0"},
      {"__ATOMIC_SEQ_CST", "5"},
      {"__ATOMIC_ACQUIRE", "2"},
      {"__ATOMIC_RELEASE", "3"},
      {"__ATOMIC_ACQ_REL", "4"},
      {"__ATOMIC_CONSUME", "1"},
      {"__GCC_HAVE_SYNC_COMPARE_AND_SWAP_4", "1"},
      {"__GCC_HAVE_SYNC_COMPARE_AND_SWAP_8", "1"},
      {"__SSE__", "1"},
      {"__SSE2__", "1"},
      {"__MMX__", "1"},
      {"__k8", "1"},
      {"__k8__", "1"},
      {"__code_model_small__", "1"},
      {"__SEG_FS", "1"},
      {"__SEG_GS", "1"},
      {"__CET__", "3"},
  };
  for (const auto &d : kDefs) {
    Macro m;
    m.name = d[0];
    m.body = d[1];
    m.file = "<built-in>";
    macros[m.name] = std::move(m);
  }
  if (have_btf) {
    Macro m;
    m.name = "BPFTRACE_HAVE_BTF";
    m.body = "1";
    m.file = "<built-in>";
    macros[m.name] = std::move(m);
  }
}

}  // namespace probe::pp

namespace probe {

namespace {

bool is_dir(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Entries of dir whose names start with prefix, sorted.
std::vector<std::string> entries(const std::string &dir, const std::string &prefix) {
  std::vector<std::string> r;
  DIR *d = opendir(dir.c_str());
  if (!d) return r;
  while (struct dirent *e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != ".." && n.compare(0, prefix.size(), prefix) == 0) r.push_back(n);
  }
  closedir(d);
  std::sort(r.begin(), r.end());
  return r;
}

// The kernel headers of the running kernel: a build tree's include dirs.
void add_kernel_dirs(const std::string &build, std::vector<std::string> &dirs) {
  for (const char *sub : {"/arch/x86/include", "/arch/x86/include/generated", "/include",
                          "/arch/x86/include/uapi", "/arch/x86/include/generated/uapi", "/include/uapi",
                          "/include/generated/uapi"}) {
    std::string d = build + sub;
    if (is_dir(d)) dirs.push_back(d);
  }
}

}  // namespace

std::vector<std::string> default_system_include_dirs() {
  std::vector<std::string> dirs;
  struct utsname u;
  bool have_uname = uname(&u) == 0;
  std::string machine = have_uname ? u.machine : "x86_64";
  if (is_dir("/usr/local/include")) dirs.push_back("/usr/local/include");
  // The multiarch directory: /usr/include/<machine>-linux-gnu, or any
  // /usr/include/<machine>-* that exists.
  std::string multi = "/usr/include/" + machine + "-linux-gnu";
  if (is_dir(multi)) {
    dirs.push_back(multi);
  } else {
    for (const std::string &e : entries("/usr/include", machine + "-"))
      if (is_dir("/usr/include/" + e)) {
        dirs.push_back("/usr/include/" + e);
        break;
      }
  }
  if (is_dir("/usr/include")) dirs.push_back("/usr/include");
  if (have_uname) {
    std::string release = u.release;
    std::string build = "/lib/modules/" + release + "/build";
    if (is_dir(build + "/include")) {
      add_kernel_dirs(build, dirs);
    } else if (is_dir("/usr/src/linux-headers-" + release + "/include")) {
      add_kernel_dirs("/usr/src/linux-headers-" + release, dirs);
    }
  }
  // The compiler's own headers (stddef.h, stdarg.h) come last: libc headers
  // include them, and /usr/include does not have them.
  std::string gcc = "/usr/lib/gcc/" + machine + "-linux-gnu";
  std::vector<std::string> versions = entries(gcc, "");
  std::sort(versions.begin(), versions.end(), [](const std::string &a, const std::string &b) {
    return std::atoi(a.c_str()) < std::atoi(b.c_str());
  });
  if (!versions.empty() && is_dir(gcc + "/" + versions.back() + "/include"))
    dirs.push_back(gcc + "/" + versions.back() + "/include");
  return dirs;
}

}  // namespace probe
