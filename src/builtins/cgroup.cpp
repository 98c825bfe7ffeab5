// Cgroups: the cgroup variable (the current task's cgroup v2 id),
// cgroupid("/sys/fs/cgroup/...") (a path's id at compile time, through
// name_to_handle_at as bpftrace does) and cgroup_path(id[, filter]) (the id
// named as paths in user space when printed).
#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

// A string literal argument's text; reports and returns false otherwise.
bool literal(Sema &S, ast::Call &c, size_t i, const char *what, std::string *out) {
  if (c.args[i]->kind != ast::ExprKind::String) {
    S.diags().error(c.args[i]->loc, c.name + "() takes " + what + " as a string literal");
    return false;
  }
  S.check(*c.args[i]);
  *out = ast::as<ast::String>(*c.args[i]).value;
  return true;
}

// The cgroup id of path (the kernfs inode's 8-byte file handle), or -errno.
int64_t cgroup_id_of(const std::string &path, uint64_t *id) {
  struct {
    file_handle fh;
    uint64_t cgid;
  } h{};
  h.fh.handle_bytes = sizeof(uint64_t);
  int mount_id = 0;
  if (name_to_handle_at(AT_FDCWD, path.c_str(), &h.fh, &mount_id, 0) != 0) return -errno;
  std::memcpy(id, h.fh.f_handle, sizeof *id);
  return 0;
}

Type cgroupid_type(Sema &S, ast::Call &c) {
  std::string path;
  if (!literal(S, c, 0, "a cgroup's path", &path)) return Type::none();
  uint64_t id = 0;
  if (int64_t rc = cgroup_id_of(path, &id); rc < 0) {
    S.diags().error(c.args[0]->loc, "cgroupid(): cannot get the cgroup id of \"" + path + "\": " +
                                        std::strerror(int(-rc)));
    S.diags().hint(rc == -EOVERFLOW ? "the path is not in a cgroup v2 file system (e.g. /sys/fs/cgroup/unified/...)"
                                    : "give the path of a cgroup directory, e.g. /sys/fs/cgroup/system.slice");
    return Type::none();
  }
  return Type::u64();
}

llvm::Value *cgroupid_lower(Lowering &L, ast::Call &c) {
  uint64_t id = 0;
  (void)cgroup_id_of(ast::as<ast::String>(*c.args[0]).value, &id);  // sema resolved it
  return L.const_i64(id);
}

// cgroup_path(id[, "filter"]): the filter (a glob on hierarchy names) is
// part of the type, so the runtime knows it when printing.
Type cgroup_path_type(Sema &S, ast::Call &c) {
  Type t = S.check(*c.args[0]);
  if (t.kind == TypeKind::None) return t;
  if (!t.is_int()) {
    S.diags().error(c.args[0]->loc, "cgroup_path() takes a cgroup id (e.g. cgroup), not " + t.to_string());
    return Type::none();
  }
  std::string filter;
  if (c.args.size() == 2 && !literal(S, c, 1, "its filter", &filter)) return Type::none();
  return Type::formatted(filter.empty() ? "cgroup_path" : "cgroup_path:" + filter);
}

void cgroup_path_lower_into(Lowering &L, ast::Call &c, llvm::Value *dst) {
  L.store_i64(L.value(*c.args[0]), dst);
}

}  // namespace

std::vector<BuiltinVar> cgroup_vars() {
  return {
      {"cgroup", "the current task's cgroup (v2) id", [](Sema &, ast::Identifier &) { return Type::u64(); },
       [](Lowering &L, ast::Identifier &) { return L.helper(BPF_FUNC_get_current_cgroup_id, L.i64(), {}); }},
  };
}

std::vector<BuiltinFunc> cgroup_funcs() {
  BuiltinFunc path{"cgroup_path", "cgroup_path(id[, \"filter\"])", 1, 2, cgroup_path_type};
  path.lower_into = cgroup_path_lower_into;
  return {
      {"cgroupid", "cgroupid(\"/sys/fs/cgroup/...\")", 1, 1, cgroupid_type, cgroupid_lower},
      path,
  };
}

}  // namespace probe
