#include "runtime/elf_symbols.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <unordered_map>

#include "runtime/errors.h"

namespace probe {

namespace {

// An open ELF file; closes both the Elf handle and the fd.
class ElfFile {
 public:
  ~ElfFile() {
    if (elf_) elf_end(elf_);
    if (fd_ >= 0) close(fd_);
  }
  Status open(const std::string &path) {
    if (elf_version(EV_CURRENT) == EV_NONE) return make_error("libelf is out of date");
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return sys_error("cannot open '" + path + "'", errno);
    elf_ = elf_begin(fd_, ELF_C_READ_MMAP, nullptr);
    if (!elf_ || elf_kind(elf_) != ELF_K_ELF)
      return make_error("'" + path + "' is not an ELF file", ENOEXEC,
                        "uprobes attach to executables and shared libraries");
    return Ok{};
  }
  Elf *get() const { return elf_; }

 private:
  int fd_ = -1;
  Elf *elf_ = nullptr;
};

struct FuncSym {
  std::string name;
  uint64_t vaddr;
  bool ifunc = false;        // a resolver that runs once at load, not the function
  bool non_default = false;  // an old symbol version ("f@V"; .gnu.version hidden bit)
};

// The .gnu.version entries parallel to .dynsym, or null.
Elf_Data *versym_data(Elf *elf) {
  for (Elf_Scn *scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_GNU_versym) return elf_getdata(scn, nullptr);
  }
  return nullptr;
}

bool is_func(const GElf_Sym &s) {
  int type = GELF_ST_TYPE(s.st_info);
  return (type == STT_FUNC || type == STT_GNU_IFUNC) && s.st_shndx != SHN_UNDEF && s.st_value != 0;
}

// Function symbols of the first section of type sh_type; *found says whether it exists.
std::vector<FuncSym> read_symbols(Elf *elf, Elf64_Word sh_type, bool *found) {
  std::vector<FuncSym> out;
  *found = false;
  for (Elf_Scn *scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || sh.sh_type != sh_type || sh.sh_entsize == 0) continue;
    *found = true;
    Elf_Data *data = elf_getdata(scn, nullptr);
    if (!data) continue;
    Elf_Data *versyms = sh_type == SHT_DYNSYM ? versym_data(elf) : nullptr;
    size_t n = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; i < n; i++) {
      GElf_Sym s;
      if (!gelf_getsym(data, int(i), &s) || !is_func(s)) continue;
      const char *name = elf_strptr(elf, sh.sh_link, s.st_name);
      if (!name || !*name) continue;
      FuncSym f{name, s.st_value};
      size_t at = f.name.find('@');  // versioned names: "malloc@@GLIBC_2.2.5"
      if (at != std::string::npos) {
        f.non_default = f.name.compare(at, 2, "@@") != 0;
        f.name.resize(at);
      }
      GElf_Versym vs;
      if (versyms && gelf_getversym(versyms, int(i), &vs) && (vs & 0x8000)) f.non_default = true;
      f.ifunc = GELF_ST_TYPE(s.st_info) == STT_GNU_IFUNC;
      out.push_back(std::move(f));
    }
  }
  return out;
}

// Converts a virtual address to a file offset through the PT_LOAD headers.
std::optional<uint64_t> vaddr_to_offset(Elf *elf, uint64_t vaddr) {
  size_t n = 0;
  if (elf_getphdrnum(elf, &n) != 0) return std::nullopt;
  for (size_t i = 0; i < n; i++) {
    GElf_Phdr ph;
    if (!gelf_getphdr(elf, int(i), &ph) || ph.p_type != PT_LOAD) continue;
    if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_memsz)
      return vaddr - ph.p_vaddr + ph.p_offset;
  }
  return std::nullopt;
}

Error not_found(const std::string &path, const std::string &what, bool stripped) {
  std::string hint = "list them with `probe -l 'uprobe:" + path + ":*'`";
  if (stripped) hint += "; the binary is stripped (no .symtab), so only exported functions are visible";
  return make_error(what + " not found in " + path, ENOENT, hint);
}

}  // namespace

namespace {

// Both symbol tables of one file, read once, with each name's preferred
// entry: the first one, unless a later one is the default version (the
// version callers bind to).
struct SymbolTables {
  std::vector<FuncSym> tables[2];  // .symtab, then .dynsym: the lookup order
  bool has_symtab = false, has_dynsym = false;
  std::unordered_map<std::string, const FuncSym *> best[2];

  void load(Elf *elf) {
    tables[0] = read_symbols(elf, SHT_SYMTAB, &has_symtab);
    tables[1] = read_symbols(elf, SHT_DYNSYM, &has_dynsym);
    for (int t = 0; t < 2; t++)
      for (const auto &s : tables[t]) {
        const FuncSym *&pick = best[t][s.name];
        if (!pick || (pick->non_default && !s.non_default)) pick = &s;
      }
  }

  const FuncSym *find(const std::string &sym) const {
    for (const auto &b : best) {
      auto it = b.find(sym);
      if (it != b.end()) return it->second;
    }
    return nullptr;
  }
};

Result<uint64_t> offset_of(Elf *elf, const SymbolTables &st, const std::string &path, const std::string &sym) {
  const FuncSym *s = st.find(sym);
  if (!s) return not_found(path, "function '" + sym + "'", !st.has_symtab);
  if (s->ifunc) {
    // Are the implementations it chooses from visible to probe?
    bool impl = false;
    std::string pat = "*" + sym + "*";
    for (const auto &table : st.tables)
      for (const auto &o : table) impl = impl || (!o.ifunc && fnmatch(pat.c_str(), o.name.c_str(), 0) == 0);
    return make_error("'" + sym + "' in " + path + " is an IFUNC resolver: it runs once when the program is loaded, "
                      "not on each call", EINVAL,
                      impl ? "probe the implementation it selects instead; list them with `probe -l 'uprobe:" + path +
                                 ":" + pat + "'`"
                           : "its implementations are not in " + path + "'s symbol table (stripped); probe a "
                             "caller instead, or a copy of the library with symbols");
  }
  auto off = vaddr_to_offset(elf, s->vaddr);
  if (!off)
    return make_error("function '" + sym + "' in " + path + " is outside every loadable segment", ENOEXEC);
  return *off;
}

}  // namespace

Result<std::vector<uint64_t>> symbol_file_offsets(const std::string &path, const std::vector<std::string> &syms) {
  ElfFile f;
  if (auto st = f.open(path); !st) return st.error();
  SymbolTables tables;
  tables.load(f.get());
  std::vector<uint64_t> offsets;
  offsets.reserve(syms.size());
  for (const auto &sym : syms) {
    auto off = offset_of(f.get(), tables, path, sym);
    if (!off) return off.error();
    offsets.push_back(*off);
  }
  return offsets;
}

Result<uint64_t> symbol_file_offset(const std::string &path, const std::string &sym) {
  auto offs = symbol_file_offsets(path, {sym});
  if (!offs) return offs.error();
  return offs->front();
}

Result<std::vector<std::string>> match_symbols(const std::string &path, const std::string &glob) {
  ElfFile f;
  if (auto st = f.open(path); !st) return st.error();
  SymbolTables tables;
  tables.load(f.get());
  std::vector<std::string> names;
  for (const auto &b : tables.best)
    for (const auto &[name, sym] : b)
      // IFUNC resolvers never run per call: a wildcard leaves them out. Judge
      // the entry a probe would bind to (find()), not any version: libc's
      // memcpy@GLIBC_2.2.5 is a function, its default memcpy@@GLIBC_2.14 a resolver.
      if (fnmatch(glob.c_str(), name.c_str(), 0) == 0 && !tables.find(name)->ifunc) names.push_back(name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace probe

namespace probe {

Result<SymbolInfo> symbol_info(const std::string &path, const std::string &sym) {
  ElfFile f;
  if (auto st = f.open(path); !st) return st.error();
  GElf_Ehdr eh;
  if (!gelf_getehdr(f.get(), &eh)) return make_error("'" + path + "' has no ELF header");
  bool has_symtab = false;
  for (Elf64_Word type : {Elf64_Word(SHT_SYMTAB), Elf64_Word(SHT_DYNSYM)}) {
    for (Elf_Scn *scn = elf_nextscn(f.get(), nullptr); scn; scn = elf_nextscn(f.get(), scn)) {
      GElf_Shdr sh;
      if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || sh.sh_entsize == 0) continue;
      has_symtab = has_symtab || type == SHT_SYMTAB;
      Elf_Data *data = elf_getdata(scn, nullptr);
      size_t n = data ? sh.sh_size / sh.sh_entsize : 0;
      for (size_t i = 0; i < n; i++) {
        GElf_Sym s;
        if (!gelf_getsym(data, int(i), &s) || s.st_shndx == SHN_UNDEF || s.st_value == 0) continue;
        int t = GELF_ST_TYPE(s.st_info);
        if (t != STT_OBJECT && t != STT_FUNC && t != STT_GNU_IFUNC && t != STT_TLS && t != STT_NOTYPE) continue;
        const char *name = elf_strptr(f.get(), sh.sh_link, s.st_name);
        if (!name) continue;
        std::string_view nm(name);
        if (nm.substr(0, nm.find('@')) != sym) continue;
        return SymbolInfo{s.st_value, s.st_size, eh.e_type == ET_DYN, t == STT_TLS};
      }
    }
  }
  return not_found(path, "symbol '" + sym + "'", !has_symtab);
}

}  // namespace probe
