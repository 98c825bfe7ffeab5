// Map functions: print(@m[, top[, div]]), clear, zero, delete, has_key, len.
// Printing, clearing and zeroing happen in user space (an event names the
// map); delete, has_key and len run in the kernel.
#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

// Payload of a PrintMap event with top/div: {u64 top; u64 div}.
constexpr uint32_t kPrintMapArgs = 16;

// clear(@m) and zero(@m) take a whole map.
Type whole_map_type(Sema &S, ast::Call &c) {
  auto &arg = *c.args[0];
  if (arg.kind != ast::ExprKind::Map || !ast::as<ast::Map>(arg).keys.empty()) {
    S.diags().error(arg.loc, c.name + "() takes a map, written without keys: " + c.name + "(@name)");
    return Type::none();
  }
  S.map_info(ast::as<ast::Map>(arg));
  return Type::void_();
}

// delete(@m[k]) / has_key(@m, k): one entry. The two-argument form moves k
// into the map expression, so both forms lower alike.
ast::Map *entry_arg(Sema &S, ast::Call &c) {
  auto &arg = *c.args[0];
  if (arg.kind != ast::ExprKind::Map) {
    S.diags().error(arg.loc, c.name + "() takes a map entry: " + c.func->signature);
    return nullptr;
  }
  auto &m = ast::as<ast::Map>(arg);
  if (c.args.size() == 2) {
    if (!m.keys.empty()) {
      S.diags().error(c.args[1]->loc, c.name + "(): the key is given twice");
      S.diags().hint("write " + c.name + "(" + m.name + ", key) or " + c.name + "(" + m.name + "[key])");
      return nullptr;
    }
    m.keys.push_back(std::move(c.args[1]));
    c.args.pop_back();
  }
  S.check_keys(m);
  return &m;
}

Type delete_type(Sema &S, ast::Call &c) { return entry_arg(S, c) ? Type::void_() : Type::none(); }

llvm::Value *delete_lower(Lowering &L, ast::Call &c) {
  auto &m = ast::as<ast::Map>(*c.args[0]);
  if (L.map_spec(m.map_id).array) {  // an array slot cannot be deleted: user space zeroes every CPU's
    L.emit_event(EventKind::ClearMap, m.map_id, 0, [](llvm::Value *) {});
    return nullptr;
  }
  llvm::Value *ret = L.helper(BPF_FUNC_map_delete_elem, L.i64(), {L.map_ptr(m.map_id), L.build_key(m)});
  L.check_helper(ret, BPF_FUNC_map_delete_elem, &c.loc);  // -k: a missing key, as bpftrace
  return nullptr;
}

Type has_key_type(Sema &S, ast::Call &c) {
  if (!entry_arg(S, c)) return Type::none();
  return Type::integer(1, false);
}

llvm::Value *has_key_lower(Lowering &L, ast::Call &c) {
  auto &m = ast::as<ast::Map>(*c.args[0]);
  llvm::Value *p = L.lookup(m.map_id, L.build_key(m));
  return L.b().CreateZExt(L.b().CreateIsNotNull(p), L.i64());
}

// len(@m): entries in a map, counted in the kernel.
Type len_type(Sema &S, ast::Call &c) {
  if (whole_map_type(S, c).kind == TypeKind::None) return Type::none();
  return Type::u64();
}

llvm::Value *len_lower(Lowering &L, ast::Call &c) { return L.map_len(ast::as<ast::Map>(*c.args[0]).map_id); }

// An event naming the map (clear/zero).
template <EventKind K>
llvm::Value *map_event_lower(Lowering &L, ast::Call &c) {
  L.emit_event(K, ast::as<ast::Map>(*c.args[0]).map_id, 0, [](llvm::Value *) {});
  return nullptr;
}

}  // namespace

bool is_aggregation_entry(Sema &S, ast::Map &m) {
  if (m.keys.empty()) return false;
  MapInfo *info = S.map_info(m);
  return info && info->agg;
}

Type print_map_type(Sema &S, ast::Call &c) {
  auto &m = ast::as<ast::Map>(*c.args[0]);
  if (!m.keys.empty()) {
    if (c.args.size() > 1) {
      S.diags().error(c.args[1]->loc, "print() of one map entry takes no top or div");
      S.diags().hint("print the whole map: print(" + m.name + ", top, div)");
      return Type::none();
    }
    S.check_keys(m);
    c.id = -2;
    return Type::void_();
  }
  S.map_info(m);
  for (size_t i = 1; i < c.args.size(); i++) {
    Type t = S.check(*c.args[i]);
    if (t.kind != TypeKind::None && !t.is_int()) {
      S.diags().error(c.args[i]->loc, std::string("print()'s ") + (i == 1 ? "top" : "div") +
                                          " must be an integer, not " + t.to_string());
      return Type::none();
    }
  }
  c.id = -1;
  return Type::void_();
}

llvm::Value *print_map_lower(Lowering &L, ast::Call &c) {
  auto &m = ast::as<ast::Map>(*c.args[0]);
  int id = m.map_id;
  if (c.id == -2) {  // print(@agg[k]): the key travels, user space reads the entry
    uint32_t ksize = L.map_spec(id).key_size;
    llvm::Value *key = L.build_key(m);
    L.emit_event(EventKind::PrintEntry, id, ksize, [&](llvm::Value *payload) { L.copy(payload, key, ksize); });
    return nullptr;
  }
  if (c.args.size() == 1) {
    L.emit_event(EventKind::PrintMap, id, 0, [](llvm::Value *) {});
    return nullptr;
  }
  llvm::Value *top = L.value(*c.args[1]);
  llvm::Value *div = c.args.size() > 2 ? L.value(*c.args[2]) : L.const_i64(1);
  L.emit_event(EventKind::PrintMap, id, kPrintMapArgs, [&](llvm::Value *payload) {
    L.b().CreateStore(top, payload);
    L.b().CreateStore(div, L.gep(payload, 8));
  });
  return nullptr;
}

std::vector<BuiltinFunc> map_funcs() {
  return {
      {"clear", "clear(@map)", 1, 1, whole_map_type, map_event_lower<EventKind::ClearMap>},
      {"zero", "zero(@map)", 1, 1, whole_map_type, map_event_lower<EventKind::ZeroMap>},
      {"delete", "delete(@map[key]) or delete(@map, key)", 1, 2, delete_type, delete_lower},
      {"has_key", "has_key(@map, key)", 1, 2, has_key_type, has_key_lower},
      {"len", "len(@map)", 1, 1, len_type, len_lower},
  };
}

}  // namespace probe
