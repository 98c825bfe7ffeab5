#include "frontend/types.h"

#include "util/result.h"

namespace probe {

const Field *Record::find(const std::string &n) const {
  for (const auto &f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

Type Type::integer(uint32_t size, bool is_signed) {
  Type t = make(TypeKind::Int, size);
  t.is_signed = is_signed;
  return t;
}

Type Type::string(uint32_t size) { return make(TypeKind::String, size); }

Type Type::pointer(Type to, AddrSpace as) {
  Type t = make(TypeKind::Pointer, 8);
  t.elem = std::make_shared<const Type>(std::move(to));
  t.as = as;
  return t;
}

Type Type::record_of(std::shared_ptr<const Record> r) {
  Type t = make(TypeKind::Record, r->size);
  t.name = r->name;
  t.record = std::move(r);
  return t;
}

Type Type::array(Type elem, uint32_t count) {
  Type t = make(TypeKind::Array, elem.size * count);
  t.elem = std::make_shared<const Type>(std::move(elem));
  t.count = count;
  return t;
}

Type Type::tuple(std::vector<Type> members) {
  Type t = make(TypeKind::Tuple, 0);
  t.fields = std::move(members);
  t.size = storage_size(t);
  return t;
}

Type Type::aggregation(AggregationRef a) {
  Type t = make(TypeKind::Aggregation, 0);
  t.agg = std::move(a);
  return t;
}

std::string Type::to_string() const {
  switch (kind) {
    case TypeKind::None: return "none";
    case TypeKind::Void: return "void";
    case TypeKind::Int:
      return (is_signed ? "int" : "uint") + std::to_string(size * 8);
    case TypeKind::String: return "string[" + std::to_string(size) + "]";
    case TypeKind::Pointer: return (elem ? elem->to_string() : "void") + " *";
    case TypeKind::Record: return name;
    case TypeKind::Array:
      return elem->to_string() + "[" + std::to_string(count) + "]";
    case TypeKind::Tuple: {
      std::string s = "(";
      for (size_t i = 0; i < fields.size(); i++) s += (i ? ", " : "") + fields[i].to_string();
      return s + ")";
    }
    case TypeKind::Ctx: return "ctx";
    case TypeKind::Aggregation: return agg.name + "_t";
    case TypeKind::Ksym: return "ksym";
    case TypeKind::Kstack: return "kstack";
    case TypeKind::Buffer: return "buffer[" + std::to_string(size) + "]";
    case TypeKind::Inet: return "inet";
    case TypeKind::Timestamp: return "timestamp[" + name + "]";
    case TypeKind::Formatted: return name.substr(0, name.find(':')) + "_t";
  }
  return "?";
}

bool operator==(const Type &a, const Type &b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case TypeKind::Int: return a.size == b.size && a.is_signed == b.is_signed;
    case TypeKind::String: return a.size == b.size;
    case TypeKind::Pointer:
      return (a.elem && b.elem) ? *a.elem == *b.elem : a.elem == b.elem;
    case TypeKind::Record: return a.name == b.name;
    case TypeKind::Array: return a.count == b.count && *a.elem == *b.elem;
    case TypeKind::Tuple: return a.fields == b.fields;
    case TypeKind::Aggregation: return a.agg == b.agg;
    case TypeKind::Buffer: return a.size == b.size;
    case TypeKind::Timestamp: return a.name == b.name;
    case TypeKind::Formatted: return a.name == b.name;
    default: return true;
  }
}

static uint32_t round8(uint32_t n) { return (n + 7) & ~7u; }

uint32_t storage_size(const Type &t) {
  switch (t.kind) {
    case TypeKind::Int:
    case TypeKind::Pointer:
    case TypeKind::Ctx:
    case TypeKind::Ksym:
    case TypeKind::Kstack:
    case TypeKind::Timestamp:
    case TypeKind::Formatted:
      return 8;
    case TypeKind::Buffer:
      return 8 + round8(t.size);
    case TypeKind::String:
    case TypeKind::Record:
    case TypeKind::Array:
    case TypeKind::Inet:
      return round8(t.size);
    case TypeKind::Tuple: {
      uint32_t n = 0;
      for (const auto &f : t.fields) n += storage_size(f);
      return n;
    }
    case TypeKind::None:
    case TypeKind::Void:
    case TypeKind::Aggregation:  // its layout is the aggregation's (MapSpec::value_size)
      return 0;
  }
  return 0;
}

uint32_t pointee_size(const Type &p) {
  if (!p.elem || p.elem->is(TypeKind::Void) || p.elem->size == 0) return 1;
  return p.elem->size;
}

uint32_t tuple_offset(const Type &tuple, size_t i) {
  PROBE_ASSERT(tuple.kind == TypeKind::Tuple && i < tuple.fields.size());
  uint32_t off = 0;
  for (size_t j = 0; j < i; j++) off += storage_size(tuple.fields[j]);
  return off;
}

}  // namespace probe
