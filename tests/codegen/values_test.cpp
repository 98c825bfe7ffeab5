// Codegen of composite values: per-CPU scratch storage for probes whose
// temporaries exceed the BPF stack, and that small probes never pay for it.
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <stdarg.h>

#include <memory>
#include <string>
#include <vector>

#include "codegen/artifact.h"
#include "driver/compiler.h"

using namespace probe;

namespace {

int quiet_libbpf(enum libbpf_print_level, const char *, va_list) { return 0; }

struct Compiled {
  std::unique_ptr<Config> cfg;
  std::unique_ptr<PassContext> ctx;
  const CompiledProgram &out() const { return ctx->output; }
  std::string errors() const { return ctx->diags.render(ctx->source); }
};

Compiled compile_prog(const std::string &text) {
  Compiled c;
  c.cfg = std::make_unique<Config>();
  c.cfg->dry_run = true;
  c.ctx = compile(*c.cfg, SourceFile{"-e", text});
  return c;
}

// The scratch map of an object (type, entries, value size), or type 0 when it has none.
struct ScratchInfo {
  uint32_t type = 0, max_entries = 0, value_size = 0;
};

ScratchInfo scratch_of(const std::vector<uint8_t> &elf) {
  libbpf_set_print(quiet_libbpf);
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "values_test");
  bpf_object *obj = bpf_object__open_mem(elf.data(), elf.size(), &opts);
  ScratchInfo s;
  if (libbpf_get_error(obj)) return s;
  if (bpf_map *m = bpf_object__find_map_by_name(obj, kScratchMap)) {
    s.type = bpf_map__type(m);
    s.max_entries = bpf_map__max_entries(m);
    s.value_size = bpf_map__value_size(m);
  }
  bpf_object__close(obj);
  return s;
}

// 41 string map values in one probe, as /usr/sbin/capable.bt's BEGIN.
std::string many_assignments() {
  std::string body;
  for (int i = 0; i < 41; i++) body += "@cap[" + std::to_string(i) + "] = \"CAP_NUMBER_" + std::to_string(i) + "_LONGER\"; ";
  return body;
}

TEST(CodegenScratch, SmallProbeHasNoScratchMap) {
  auto c = compile_prog("BEGIN { @a[comm, \"x\"] = count(); printf(\"%s\\n\", comm); }");
  ASSERT_FALSE(c.ctx->diags.has_errors()) << c.errors();
  EXPECT_EQ(scratch_of(c.out().elf).type, 0u);
}

TEST(CodegenScratch, ProbeBeyondTheStackUsesAPerCpuScratchEntry) {
  auto c = compile_prog("BEGIN { " + many_assignments() + "} END { @e = 1; }");
  ASSERT_FALSE(c.ctx->diags.has_errors()) << c.errors();
  ScratchInfo s = scratch_of(c.out().elf);
  EXPECT_EQ(s.type, BPF_MAP_TYPE_PERCPU_ARRAY);
  EXPECT_EQ(s.max_entries, 2u);  // one entry per probe body: they never share bytes
  EXPECT_GT(s.value_size, 0u);
  EXPECT_EQ(s.value_size % 8, 0u);
}

TEST(CodegenScratch, ManyStringKeysCompile) {
  std::string k = "str(arg0), str(arg1), str(arg1 + 2)";
  auto c = compile_prog("rawtracepoint:sys_enter { @a[" + k + "] = count(); @b[" + k +
                        "] = count(); @c[" + k + "] = count(); printf(\"%s %s %s %s %s %s %s %s\\n\", str(arg0), "
                        "str(arg1), str(arg1 + 2), str(arg1 + 3), str(arg1 + 4), str(arg1 + 5), str(arg0), str(arg1)); }");
  if (c.ctx->diags.has_errors() && c.errors().find("tracefs") != std::string::npos) GTEST_SKIP() << c.errors();
  ASSERT_FALSE(c.ctx->diags.has_errors()) << c.errors();
  EXPECT_EQ(scratch_of(c.out().elf).type, BPF_MAP_TYPE_PERCPU_ARRAY);
}

}  // namespace
