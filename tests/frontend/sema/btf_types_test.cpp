// BtfTypes against the running kernel's BTF.
#include "frontend/sema/btf_types.h"

#include <bpf/btf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace probe {
namespace {

constexpr const char *kVmlinux = "/sys/kernel/btf/vmlinux";

#define REQUIRE_BTF()                                                            \
  do {                                                                           \
    if (access(kVmlinux, R_OK) != 0)                                             \
      GTEST_SKIP() << "no kernel BTF at " << kVmlinux << " (CONFIG_DEBUG_INFO_BTF)"; \
  } while (0)

// A member's bit offset, found with libbpf directly (not via BtfTypes).
long raw_bit_offset(const char *strct, const char *member) {
  struct btf *b = btf__parse(kVmlinux, nullptr);
  if (!b) return -1;
  long out = -1;
  int id = btf__find_by_name_kind(b, strct, BTF_KIND_STRUCT);
  const btf_type *t = id > 0 ? btf__type_by_id(b, id) : nullptr;
  for (int i = 0; t && i < btf_vlen(t); i++)
    if (std::strcmp(btf__name_by_offset(b, btf_members(t)[i].name_off), member) == 0)
      out = btf_member_bit_offset(t, i);
  btf__free(b);
  return out;
}

BtfTypes &kernel() {
  static BtfTypes b;
  return b;
}

TEST(BtfTypes, MissingFileIsAnErrorWithHint) {
  BtfTypes b("/nonexistent/btf");
  EXPECT_FALSE(b.available());
  EXPECT_NE(b.error().message.find("/nonexistent/btf"), std::string::npos);
  auto r = b.record("struct task_struct");
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(b.func("vfs_read").ok());
  EXPECT_TRUE(b.funcs_matching("*").empty());
}

TEST(BtfTypes, TaskStruct) {
  REQUIRE_BTF();
  ASSERT_TRUE(kernel().available()) << kernel().error().message;
  auto r = kernel().record("struct task_struct");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Record &rec = **r;
  EXPECT_EQ(rec.name, "struct task_struct");
  EXPECT_GT(rec.size, 1000u);
  const Field *pid = rec.find("pid");
  ASSERT_NE(pid, nullptr);
  EXPECT_EQ(*pid->type, Type::integer(4, true));
  EXPECT_EQ(pid->type->name, "pid_t");
  long bits = raw_bit_offset("task_struct", "pid");
  ASSERT_GT(bits, 0);
  EXPECT_EQ(pid->offset, uint32_t(bits / 8));
  EXPECT_EQ(pid->bitfield_bits, 0u);
  const Field *comm = rec.find("comm");
  ASSERT_NE(comm, nullptr);
  EXPECT_EQ(*comm->type, Type::string(16));
  // Pointers to structs are shallow records.
  const Field *parent = rec.find("real_parent");
  ASSERT_NE(parent, nullptr);
  ASSERT_TRUE(parent->type->is(TypeKind::Pointer));
  EXPECT_EQ(parent->type->as, AddrSpace::Kernel);
  EXPECT_EQ(parent->type->elem->name, "struct task_struct");
  EXPECT_EQ(parent->type->elem->record, nullptr);
  // The cache hands back the same layout, under either spelling.
  auto again = kernel().record("task_struct");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), r->get());
}

TEST(BtfTypes, Bitfields) {
  REQUIRE_BTF();
  auto r = kernel().record("struct task_struct");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Field *f = (*r)->find("sched_reset_on_fork");
  if (!f) GTEST_SKIP() << "this kernel's task_struct has no sched_reset_on_fork";
  EXPECT_EQ(f->bitfield_bits, 1u);
  EXPECT_LT(f->bitfield_shift, 8u);
  long bits = raw_bit_offset("task_struct", "sched_reset_on_fork");
  EXPECT_EQ(uint64_t(f->offset) * 8 + f->bitfield_shift, uint64_t(bits));
  EXPECT_TRUE(f->type->is_int());
  const Field *next = (*r)->find("sched_contributes_to_load");
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->offset * 8 + next->bitfield_shift, f->offset * 8 + f->bitfield_shift + 1);
}

TEST(BtfTypes, NestedRecordsAndAnonymousMembers) {
  REQUIRE_BTF();
  auto file = kernel().record("struct file");
  ASSERT_TRUE(file.ok()) << file.error().message;
  const Field *path = (*file)->find("f_path");
  ASSERT_NE(path, nullptr);
  EXPECT_TRUE(path->type->is(TypeKind::Record));
  EXPECT_EQ(path->type->name, "struct path");
  EXPECT_EQ(path->type->record, nullptr);
  EXPECT_EQ(path->type->size, 16u);
  auto p = kernel().record(path->type->name);
  ASSERT_TRUE(p.ok());
  EXPECT_NE((*p)->find("dentry"), nullptr);
  // struct sk_buff keeps `len` inside nested anonymous unions/structs: flattened.
  auto skb = kernel().record("struct sk_buff");
  ASSERT_TRUE(skb.ok());
  const Field *len = (*skb)->find("len");
  ASSERT_NE(len, nullptr);
  EXPECT_LT(len->offset, (*skb)->size);
  EXPECT_NE((*skb)->find("next"), nullptr);  // from an anonymous union of structs
}

TEST(BtfTypes, Filename) {
  REQUIRE_BTF();
  auto r = kernel().record("filename");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Field *name = (*r)->find("name");
  ASSERT_NE(name, nullptr);
  ASSERT_TRUE(name->type->is(TypeKind::Pointer));
  EXPECT_EQ(name->type->as, AddrSpace::Kernel);
  EXPECT_EQ(*name->type->elem, Type::integer(1, true));
}

TEST(BtfTypes, UnknownStruct) {
  REQUIRE_BTF();
  auto r = kernel().record("struct no_such_struct_xyz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "no struct 'no_such_struct_xyz' in kernel BTF");
}

TEST(BtfTypes, Func) {
  REQUIRE_BTF();
  auto f = kernel().func("do_unlinkat");
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_GE(f->params.size(), 2u);
  EXPECT_EQ(f->params[0].first, "dfd");
  EXPECT_EQ(f->params[0].second, Type::integer(4, true));
  EXPECT_EQ(f->params[1].first, "name");
  ASSERT_TRUE(f->params[1].second.is(TypeKind::Pointer));
  EXPECT_EQ(f->params[1].second.elem->name, "struct filename");
  EXPECT_EQ(f->ret, Type::integer(4, true));

  auto v = kernel().func("vfs_read");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->ret.name, "ssize_t");
  auto bad = kernel().func("no_such_function_xyz");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "no function 'no_such_function_xyz' in kernel BTF");
  EXPECT_NE(bad.error().hint.find("probe -l 'fentry:*no_such_function_xyz*'"), std::string::npos);
}

TEST(BtfTypes, FuncsMatching) {
  REQUIRE_BTF();
  auto v = kernel().funcs_matching("vfs_rea*");
  EXPECT_NE(std::find(v.begin(), v.end(), "vfs_read"), v.end());
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
  for (const auto &n : v) EXPECT_EQ(n.rfind("vfs_rea", 0), 0u) << n;
}

TEST(BtfTypes, TypeByName) {
  REQUIRE_BTF();
  auto i = kernel().type("int");
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(*i, Type::integer(4, true));
  auto u = kernel().type("u64");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(*u, Type::integer(8, false));
  auto f = kernel().type("struct file *");
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->is(TypeKind::Pointer));
  EXPECT_EQ(f->elem->name, "struct file");
  ASSERT_NE(f->elem->record, nullptr);
  EXPECT_FALSE(kernel().type("no_such_type_xyz").ok());
}

TEST(BtfTypes, RawTracepoint) {
  REQUIRE_BTF();
  auto r = kernel().raw_tracepoint("sched_switch");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_GE(r->params.size(), 3u);
  EXPECT_EQ(r->params[0].first, "preempt");
  EXPECT_EQ(r->params[1].first, "prev");
  EXPECT_EQ(r->params[2].first, "next");
  ASSERT_TRUE(r->params[1].second.is(TypeKind::Pointer));
  EXPECT_EQ(r->params[1].second.elem->name, "struct task_struct");
  // sched_wakeup is a DEFINE_EVENT of class sched_wakeup_template.
  auto w = kernel().raw_tracepoint("sched_wakeup");
  ASSERT_TRUE(w.ok()) << w.error().message;
  ASSERT_EQ(w->params.size(), 1u);
  EXPECT_EQ(w->params[0].first, "p");
  auto names = kernel().raw_tracepoints_matching("sched_sw*");
  EXPECT_NE(std::find(names.begin(), names.end(), "sched_switch"), names.end());
  EXPECT_FALSE(kernel().raw_tracepoint("no_such_tp_xyz").ok());
}

}  // namespace
}  // namespace probe
