// Kernel types from BTF through libbpf's btf__* API.
//
// Field conventions (see also btf_types.h):
// - Field.offset is in bytes from the start of the record. Members of
//   anonymous embedded structs/unions are flattened into the parent with
//   their offsets adjusted, as bpftrace does.
// - Bitfields (bitfield_bits > 0): Field.offset is the byte holding the
//   member's first bit (bit_offset / 8) and bitfield_shift is bit_offset % 8,
//   always 0..7. The "load unit" is the little-endian integer made of the
//   ceil((bitfield_shift + bitfield_bits) / 8) bytes starting at offset (at
//   most 8 bytes; reading more bytes into a zeroed u64 is equally correct):
//     value = (unit >> bitfield_shift) & ((1 << bitfield_bits) - 1)
//   sign-extended from bitfield_bits when Field.type is signed. Field.type is
//   the declared integer type (e.g. uint32 for `unsigned int x:1`).
#include "frontend/sema/btf_types.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <fnmatch.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace probe {

namespace {

constexpr const char *kVmlinux = "/sys/kernel/btf/vmlinux";
constexpr int kMaxDepth = 32;

std::string btf_name(const struct btf *b, uint32_t off) {
  const char *n = btf__name_by_offset(b, off);
  return n ? n : "";
}

// Skips const/volatile/restrict/type tags (not typedefs).
uint32_t skip_mods(const struct btf *b, uint32_t id) {
  for (int i = 0; i < kMaxDepth && id; i++) {
    const btf_type *t = btf__type_by_id(b, id);
    if (!t || !(btf_is_mod(t) || btf_is_type_tag(t))) return id;
    id = t->type;
  }
  return id;
}

// Skips modifiers and typedefs.
uint32_t skip_mods_typedefs(const struct btf *b, uint32_t id) {
  for (int i = 0; i < kMaxDepth && id; i++) {
    const btf_type *t = btf__type_by_id(b, id);
    if (!t || !(btf_is_mod(t) || btf_is_type_tag(t) || btf_is_typedef(t))) return id;
    id = t->type;
  }
  return id;
}

std::string strip_prefix(const std::string &s, const std::string &p) {
  return s.rfind(p, 0) == 0 ? s.substr(p.size()) : s;
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

BtfTypes::BtfTypes() = default;
BtfTypes::BtfTypes(std::string path) : path_(std::move(path)) {}
BtfTypes::~BtfTypes() {
  if (btf_) btf__free(btf_);
}

bool BtfTypes::available() { return load(); }

bool BtfTypes::load() {
  if (tried_) return btf_ != nullptr;
  tried_ = true;
  errno = 0;
  btf_ = path_.empty() ? btf__load_vmlinux_btf() : btf__parse(path_.c_str(), nullptr);
  int err = errno;
  // libbpf 1.x returns NULL and sets errno; guard against the legacy ERR_PTR mode too.
  if (btf_ && libbpf_get_error(btf_)) {
    err = -static_cast<int>(libbpf_get_error(btf_));
    btf_ = nullptr;
  }
  if (btf_) return true;
  if (err <= 0) err = ENOENT;
  if (path_.empty())
    error_ = make_error(std::string("kernel BTF not found at ") + kVmlinux, err,
                        "the kernel needs CONFIG_DEBUG_INFO_BTF");
  else
    error_ = make_error("cannot read BTF from '" + path_ + "'", err,
                        "the file must be raw BTF or an ELF file with a .BTF section");
  return false;
}

Type BtfTypes::convert(int type_id, int depth) {
  if (type_id == 0) return Type::void_();
  if (depth > kMaxDepth) return Type::u64();
  const btf_type *t = btf__type_by_id(btf_, type_id);
  if (!t) return Type::none();
  switch (btf_kind(t)) {
    case BTF_KIND_INT: {
      uint8_t enc = btf_int_encoding(t);
      uint32_t size = t->size;
      if (size != 1 && size != 2 && size != 4 && size != 8) size = 8;  // __int128 is read as u64
      std::string n = btf_name(btf_, t->name_off);
      // Plain char is int8, as in bpftrace (the kernel builds with -funsigned-char).
      Type r = Type::integer(size, (enc & BTF_INT_SIGNED) != 0 || n == "char");
      r.name = std::move(n);
      return r;
    }
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64: {
      uint32_t size = t->size;
      if (size != 1 && size != 2 && size != 4 && size != 8) size = 4;
      Type r = Type::integer(size, btf_kflag(t));  // kflag: signed enum values
      std::string n = btf_name(btf_, t->name_off);
      r.name = n.empty() ? "int" : "enum " + n;
      return r;
    }
    case BTF_KIND_FLOAT: {  // no float type: carried as an integer of its size
      Type r = Type::integer(t->size <= 8 ? t->size : 8, false);
      r.name = btf_name(btf_, t->name_off);
      return r;
    }
    case BTF_KIND_PTR: {
      uint32_t target = skip_mods_typedefs(btf_, t->type);
      const btf_type *tt = target ? btf__type_by_id(btf_, target) : nullptr;
      if (tt && btf_is_func_proto(tt)) return Type::u64();  // function pointer
      return Type::pointer(convert(int(t->type), depth + 1), AddrSpace::Kernel);
    }
    case BTF_KIND_ARRAY: {
      const struct btf_array *a = btf_array(t);
      uint32_t elem = skip_mods(btf_, a->type);
      const btf_type *et = btf__type_by_id(btf_, elem);
      if (et && btf_is_int(et) && et->size == 1) {
        std::string n = btf_name(btf_, et->name_off);
        // char[N] is text; unsigned char[N] (u8 addresses, hashes) prints as numbers, as bpftrace.
        if (n == "char" || n == "signed char") return Type::string(a->nelems);
      }
      return Type::array(convert(int(a->type), depth + 1), a->nelems);
    }
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
      std::string kw = btf_is_struct(t) ? "struct " : "union ";
      std::string n = btf_name(btf_, t->name_off);
      if (n.empty()) {
        // Anonymous types cannot be looked up by name later: lay them out now.
        auto rec = std::make_shared<Record>();
        rec->name = kw + "(anonymous " + std::to_string(type_id) + ")";
        rec->size = t->size;
        add_members(*rec, uint32_t(type_id), 0, depth + 1);
        return Type::record_of(std::move(rec));
      }
      Type r;
      r.kind = TypeKind::Record;
      r.size = t->size;
      r.name = kw + n;
      return r;
    }
    case BTF_KIND_FWD: {
      Type r;
      r.kind = TypeKind::Record;
      r.name = std::string(btf_kflag(t) ? "union " : "struct ") + btf_name(btf_, t->name_off);
      return r;
    }
    case BTF_KIND_TYPEDEF: {
      Type r = convert(int(t->type), depth + 1);
      // Integers keep the outermost C spelling ("pid_t", "u64", "size_t").
      if (r.is_int()) r.name = btf_name(btf_, t->name_off);
      return r;
    }
    case BTF_KIND_VOLATILE:
    case BTF_KIND_CONST:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPE_TAG:
      return convert(int(t->type), depth + 1);
    case BTF_KIND_FUNC_PROTO:
    case BTF_KIND_FUNC:
      return Type::u64();
    default:
      return Type::none();
  }
}

void BtfTypes::add_members(Record &rec, uint32_t type_id, uint32_t base_bits, int depth) {
  const btf_type *t = btf__type_by_id(btf_, type_id);
  if (!t || !btf_is_composite(t) || depth > kMaxDepth) return;
  const btf_member *m = btf_members(t);
  for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
    uint32_t bit_off = base_bits + btf_member_bit_offset(t, i);
    uint32_t bits = btf_member_bitfield_size(t, i);
    std::string name = btf_name(btf_, m->name_off);
    if (name.empty()) {
      uint32_t inner = skip_mods_typedefs(btf_, m->type);
      const btf_type *it = btf__type_by_id(btf_, inner);
      if (it && btf_is_composite(it)) add_members(rec, inner, bit_off, depth + 1);
      continue;  // unnamed padding bitfields carry nothing
    }
    Field f;
    f.name = std::move(name);
    f.offset = bit_off / 8;
    Type ft = convert(int(m->type), depth);
    if (bits) {
      f.bitfield_bits = bits;
      f.bitfield_shift = bit_off % 8;
    }
    f.type = std::make_shared<const Type>(std::move(ft));
    rec.fields.push_back(std::move(f));
  }
}

Result<std::shared_ptr<const Record>> BtfTypes::record(const std::string &name) {
  for (const auto &[n, r] : cache_)
    if (n == name) return r;
  if (!load()) return error_;
  std::string n = trim(name);
  std::vector<int> kinds;
  if (n.rfind("struct ", 0) == 0) {
    n = trim(n.substr(7));
    kinds = {BTF_KIND_STRUCT};
  } else if (n.rfind("union ", 0) == 0) {
    n = trim(n.substr(6));
    kinds = {BTF_KIND_UNION};
  } else {
    kinds = {BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_TYPEDEF};
  }
  int id = -1;
  for (int k : kinds) {
    id = btf__find_by_name_kind(btf_, n.c_str(), k);
    if (id <= 0) continue;
    if (k == BTF_KIND_TYPEDEF) {  // a typedef of a struct: "sigset_t"
      id = int(skip_mods_typedefs(btf_, uint32_t(id)));
      const btf_type *t = btf__type_by_id(btf_, id);
      if (!t || !btf_is_composite(t)) id = -1;
    }
    if (id > 0) break;
  }
  if (id <= 0)
    return make_error("no struct '" + n + "' in kernel BTF", ENOENT,
                      "the name must be spelled as in the kernel sources, e.g. 'struct task_struct'");
  // A typedef-named or already-converted record shares the canonical entry.
  const btf_type *t = btf__type_by_id(btf_, id);
  std::string tname = btf_name(btf_, t->name_off);
  std::string canon = std::string(btf_is_struct(t) ? "struct " : "union ") +
                      (tname.empty() ? "(anonymous " + std::to_string(id) + ")" : tname);
  for (const auto &[cn, r] : cache_)
    if (cn == canon) {
      std::shared_ptr<const Record> found = r;  // emplace_back below invalidates r
      cache_.emplace_back(name, found);
      return found;
    }
  auto rec = std::make_shared<Record>();
  rec->name = canon;
  rec->size = t->size;
  add_members(*rec, uint32_t(id), 0, 0);
  std::shared_ptr<const Record> out = std::move(rec);
  cache_.emplace_back(canon, out);
  if (name != canon) cache_.emplace_back(name, out);
  return out;
}

Result<Type> BtfTypes::type(const std::string &name) {
  if (!load()) return error_;
  std::string n = trim(name);
  int ptrs = 0;
  while (!n.empty() && n.back() == '*') {
    ptrs++;
    n = trim(n.substr(0, n.size() - 1));
  }
  for (const char *q : {"const ", "volatile "}) n = trim(strip_prefix(n, q));
  Type base;
  if (n == "void") {
    base = Type::void_();
  } else if (n.rfind("struct ", 0) == 0 || n.rfind("union ", 0) == 0) {
    auto r = record(n);
    if (!r) return r.error();
    base = Type::record_of(*r);
  } else if (n.rfind("enum ", 0) == 0) {
    std::string en = trim(n.substr(5));
    int id = btf__find_by_name_kind(btf_, en.c_str(), BTF_KIND_ENUM);
    if (id <= 0) id = btf__find_by_name_kind(btf_, en.c_str(), BTF_KIND_ENUM64);
    if (id <= 0) return make_error("no enum '" + en + "' in kernel BTF", ENOENT);
    base = convert(id, 0);
  } else {
    int id = -1;
    for (int k : {BTF_KIND_TYPEDEF, BTF_KIND_INT, BTF_KIND_STRUCT, BTF_KIND_UNION}) {
      id = btf__find_by_name_kind(btf_, n.c_str(), k);
      if (id > 0) break;
    }
    if (id <= 0) return make_error("no type '" + n + "' in kernel BTF", ENOENT);
    base = convert(id, 0);
    if (base.is(TypeKind::Record) && !base.record) {
      auto r = record(base.name);
      if (r) base = Type::record_of(*r);
    }
  }
  for (int i = 0; i < ptrs; i++) base = Type::pointer(std::move(base), AddrSpace::Kernel);
  return base;
}

bool BtfTypes::is_typedef(const std::string &name) {
  return load() && btf__find_by_name_kind(btf_, name.c_str(), BTF_KIND_TYPEDEF) > 0;
}

std::optional<int64_t> BtfTypes::enum_value(const std::string &name) {
  if (!load()) return std::nullopt;
  if (!enums_indexed_) {
    enums_indexed_ = true;
    uint32_t n = btf__type_cnt(btf_);
    for (uint32_t id = 1; id < n; id++) {
      const btf_type *t = btf__type_by_id(btf_, id);
      if (btf_is_enum(t)) {
        const struct btf_enum *e = btf_enum(t);
        bool is_signed = btf_kflag(t);
        for (uint16_t i = 0; i < btf_vlen(t); i++) {
          int64_t v = is_signed ? int64_t(e[i].val) : int64_t(uint32_t(e[i].val));
          enums_.emplace(btf_name(btf_, e[i].name_off), v);
        }
      } else if (btf_is_enum64(t)) {
        const struct btf_enum64 *e = btf_enum64(t);
        for (uint16_t i = 0; i < btf_vlen(t); i++)
          enums_.emplace(btf_name(btf_, e[i].name_off), int64_t(btf_enum64_value(&e[i])));
      }
    }
  }
  auto it = enums_.find(name);
  if (it == enums_.end()) return std::nullopt;
  return it->second;
}

Result<FuncProto> BtfTypes::func(const std::string &name) {
  if (!load()) return error_;
  int id = btf__find_by_name_kind(btf_, name.c_str(), BTF_KIND_FUNC);
  const btf_type *f = id > 0 ? btf__type_by_id(btf_, id) : nullptr;
  const btf_type *proto = f ? btf__type_by_id(btf_, f->type) : nullptr;
  if (!proto || !btf_is_func_proto(proto))
    return make_error("no function '" + name + "' in kernel BTF", ENOENT,
                      "list them with `probe -l 'fentry:*" + name + "*'`");
  FuncProto fp;
  fp.name = name;
  fp.ret = convert(int(proto->type), 0);
  const btf_param *p = btf_params(proto);
  for (uint16_t i = 0; i < btf_vlen(proto); i++, p++) {
    if (p->type == 0) break;  // `...`
    std::string pn = btf_name(btf_, p->name_off);
    if (pn.empty()) pn = "arg" + std::to_string(i);
    fp.params.emplace_back(std::move(pn), convert(int(p->type), 0));
  }
  return fp;
}

std::vector<std::string> BtfTypes::funcs_matching(const std::string &glob) {
  std::vector<std::string> out;
  if (!load()) return out;
  uint32_t n = btf__type_cnt(btf_);
  for (uint32_t id = 1; id < n; id++) {
    const btf_type *t = btf__type_by_id(btf_, id);
    if (!t || !btf_is_func(t)) continue;
    const char *nm = btf__name_by_offset(btf_, t->name_off);
    if (nm && *nm && fnmatch(glob.c_str(), nm, 0) == 0) out.emplace_back(nm);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<FuncProto> BtfTypes::raw_tracepoint(const std::string &name) {
  if (!load()) return error_;
  std::string tname = "btf_trace_" + name;
  int id = btf__find_by_name_kind(btf_, tname.c_str(), BTF_KIND_TYPEDEF);
  const btf_type *t = id > 0 ? btf__type_by_id(btf_, id) : nullptr;
  const btf_type *ptr = t ? btf__type_by_id(btf_, t->type) : nullptr;
  const btf_type *proto = ptr && btf_is_ptr(ptr) ? btf__type_by_id(btf_, ptr->type) : nullptr;
  if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) < 1)
    return make_error("no raw tracepoint '" + name + "' in kernel BTF", ENOENT,
                      "list them with `probe -l 'rawtracepoint:*" + name + "*'`");
  // The typedef's prototype has no parameter names; the event class's
  // __bpf_trace_CLASS function has the same parameter types, with names.
  std::vector<uint32_t> types;
  const btf_param *p = btf_params(proto);
  for (uint16_t i = 0; i < btf_vlen(proto); i++) types.push_back(p[i].type);
  const btf_type *named = nullptr;
  auto same_types = [&](const btf_type *fn) {
    const btf_type *fp = fn ? btf__type_by_id(btf_, fn->type) : nullptr;
    if (!fp || !btf_is_func_proto(fp) || btf_vlen(fp) != types.size()) return (const btf_type *)nullptr;
    const btf_param *q = btf_params(fp);
    for (size_t i = 1; i < types.size(); i++)
      if (q[i].type != types[i]) return (const btf_type *)nullptr;
    return fp;
  };
  int fid = btf__find_by_name_kind(btf_, ("__bpf_trace_" + name).c_str(), BTF_KIND_FUNC);
  if (fid > 0) named = same_types(btf__type_by_id(btf_, fid));
  if (!named) {
    // DEFINE_EVENT(class, name): find class candidates with these types and
    // prefer the one whose name shares the longest prefix with `name`.
    size_t best = 0;
    uint32_t n = btf__type_cnt(btf_);
    for (uint32_t i = 1; i < n; i++) {
      const btf_type *fn = btf__type_by_id(btf_, i);
      if (!fn || !btf_is_func(fn)) continue;
      std::string fname = btf_name(btf_, fn->name_off);
      if (fname.rfind("__bpf_trace_", 0) != 0) continue;
      const btf_type *fp = same_types(fn);
      if (!fp) continue;
      std::string cls = fname.substr(12);
      size_t common = 0;
      while (common < cls.size() && common < name.size() && cls[common] == name[common]) common++;
      if (!named || common > best) {
        named = fp;
        best = common;
      }
    }
  }
  FuncProto fp;
  fp.name = name;
  fp.ret = Type::void_();
  const btf_param *np = named ? btf_params(named) : nullptr;
  for (size_t i = 1; i < types.size(); i++) {
    if (types[i] == 0) break;
    std::string pn = np ? btf_name(btf_, np[i].name_off) : "";
    if (pn.empty()) pn = "arg" + std::to_string(i - 1);
    fp.params.emplace_back(std::move(pn), convert(int(types[i]), 0));
  }
  return fp;
}

std::vector<std::string> BtfTypes::raw_tracepoints_matching(const std::string &glob) {
  std::vector<std::string> out;
  if (!load()) return out;
  uint32_t n = btf__type_cnt(btf_);
  for (uint32_t id = 1; id < n; id++) {
    const btf_type *t = btf__type_by_id(btf_, id);
    if (!t || !btf_is_typedef(t)) continue;
    const char *nm = btf__name_by_offset(btf_, t->name_off);
    if (!nm || std::strncmp(nm, "btf_trace_", 10) != 0) continue;
    if (fnmatch(glob.c_str(), nm + 10, 0) == 0) out.emplace_back(nm + 10);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace probe
