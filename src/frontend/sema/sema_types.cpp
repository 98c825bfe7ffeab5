// Types named in the program: casts' targets, sizeof and offsetof, all
// resolved through the name environment (frontend/sema/type_env.h).
#include <cctype>

#include "frontend/sema/sema.h"

namespace probe {

bool looks_like_constant(const std::string &name) {
  bool upper = false;
  for (char c : name) {
    if (std::islower(static_cast<unsigned char>(c))) return false;
    if (std::isupper(static_cast<unsigned char>(c))) upper = true;
  }
  return upper;
}

Type Sema::resolve_type_spec(const ast::TypeSpec &spec, AddrSpace as) {
  Type t = parse_int_type_name(spec.name);
  if (t.kind == TypeKind::None) {
    auto r = env().type(spec.name);
    if (!r) {
      bool tagged = spec.name.rfind("struct ", 0) == 0 || spec.name.rfind("union ", 0) == 0 ||
                    spec.name.rfind("enum ", 0) == 0;
      if (tagged) {
        diags().error(spec.loc, r.error());  // "no struct 'x' in kernel BTF", or why BTF is missing
      } else {
        diags().error(spec.loc, "unknown type '" + spec.name + "'");
        diags().hint("define it in the script (`typedef ...;`) or #include its header");
      }
      return Type::none();
    }
    t = *r;
  }
  if (t.is(TypeKind::Record) && !t.record && spec.pointer_depth == 0) {
    auto rec = resolve_record(t, spec.loc);
    if (!rec) return Type::none();
    t = Type::record_of(rec);
  }
  for (int i = 0; i < spec.pointer_depth; i++) t = Type::pointer(t, as);
  return t;
}

uint64_t Sema::size_of(const Type &t, const Loc &loc) {
  switch (t.kind) {
    case TypeKind::Record: {
      auto rec = resolve_record(t, loc);
      return rec ? rec->size : 0;
    }
    case TypeKind::Array: return uint64_t(t.count) * size_of(*t.elem, loc);
    case TypeKind::Tuple: return storage_size(t);
    case TypeKind::Void: return 1;  // GNU C's sizeof(void)
    case TypeKind::None: return 0;
    default: return t.size;
  }
}

Type Sema::check_type_query(ast::TypeQuery &q) {
  Type t;
  if (q.has_type) {
    t = resolve_type_spec(q.target, AddrSpace::Kernel);
  } else {
    t = check(*q.expr);
  }
  if (t.kind == TypeKind::None) return t;
  if (!q.is_offsetof) {
    q.value = size_of(t, q.loc);
    return Type::u64();
  }
  uint64_t off = 0;
  std::string where = q.target.name;
  for (const auto &f : q.fields) {
    if (!t.is(TypeKind::Record)) {
      diags().error(q.loc, "offsetof: '" + where + "' is not a struct or union, it has no field '" + f + "'");
      return Type::none();
    }
    auto rec = resolve_record(t, q.loc);
    if (!rec) return Type::none();
    const Field *field = rec->find(f);
    if (!field) {
      diags().error(q.loc, "offsetof: " + t.name + " has no field '" + f + "'");
      return Type::none();
    }
    if (field->bitfield_bits) {
      diags().error(q.loc, "offsetof: '" + f + "' is a bit-field");
      return Type::none();
    }
    off += field->offset;
    t = *field->type;
    where = f;
  }
  q.value = off;
  return Type::u64();
}

}  // namespace probe
