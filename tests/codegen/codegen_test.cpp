// Codegen and emit: whole programs through compile() (dry run), checking the
// BPF ELF object (with libelf, and with libbpf's open, which needs no root
// and loads nothing) and the tables handed to the runtime.
#include <bpf/libbpf.h>
#include <gelf.h>
#include <gtest/gtest.h>
#include <libelf.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <algorithm>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "driver/compiler.h"

using namespace probe;

extern "C" __attribute__((noinline, used)) int codegen_test_target(int a, int b) {
  asm volatile("" ::: "memory");
  return a + b;
}
extern "C" __attribute__((noinline, used)) int codegen_test_target_two(int a) {
  asm volatile("" ::: "memory");
  return a * 2;
}

namespace probe {
void PrintTo(const Type &t, std::ostream *os) { *os << t.to_string(); }
}  // namespace probe

namespace {

std::string self_exe() {
  char *p = realpath("/proc/self/exe", nullptr);
  std::string s = p ? p : "";
  free(p);
  return s;
}

const std::string kUprobe = "uprobe:/proc/self/exe:codegen_test_target";
const std::string kUretprobe = "uretprobe:/proc/self/exe:codegen_test_target";

bool have_tracefs_events() {
  struct stat st;
  return stat("/sys/kernel/tracing/events", &st) == 0 || stat("/sys/kernel/debug/tracing/events", &st) == 0;
}

struct Compiled {
  std::unique_ptr<Config> cfg;
  std::unique_ptr<PassContext> ctx;
  const CompiledProgram &out() const { return ctx->output; }
};

Compiled compile_text(const std::string &text, unsigned ringbuf_size = 1u << 22) {
  Compiled c;
  c.cfg = std::make_unique<Config>();
  c.cfg->dry_run = true;
  c.cfg->self_exe = self_exe();
  c.cfg->ringbuf_size = ringbuf_size;
  c.ctx = compile(*c.cfg, SourceFile{"-e", text});
  return c;
}

Compiled compile_ok(const std::string &text, unsigned ringbuf_size = 1u << 22) {
  Compiled c = compile_text(text, ringbuf_size);
  EXPECT_FALSE(c.ctx->diags.has_errors()) << text << "\n" << c.ctx->diags.render(c.ctx->source);
  EXPECT_TRUE(c.ctx->available.count(Artifact::Object)) << text;
  EXPECT_FALSE(c.out().elf.empty()) << text;
  return c;
}

// --- libelf view of the object ---

struct ElfSection {
  GElf_Shdr hdr;
  std::string data;  // empty for SHT_NOBITS
};

struct ElfView {
  GElf_Ehdr ehdr{};
  int elf_class = ELFCLASSNONE;
  std::map<std::string, ElfSection> sections;
  std::map<std::string, std::string> func_symbols;  // STT_FUNC name -> section name
  bool ok = false;
};

ElfView read_elf(const std::vector<uint8_t> &bytes) {
  ElfView v;
  if (elf_version(EV_CURRENT) == EV_NONE) return v;
  std::vector<char> buf(bytes.begin(), bytes.end());
  Elf *e = elf_memory(buf.data(), buf.size());
  if (!e) return v;
  v.elf_class = gelf_getclass(e);
  size_t shstrndx = 0;
  if (!gelf_getehdr(e, &v.ehdr) || elf_getshdrstrndx(e, &shstrndx) != 0) {
    elf_end(e);
    return v;
  }
  std::vector<std::string> names_by_index(1);
  Elf_Scn *symtab = nullptr;
  GElf_Shdr symtab_hdr{};
  for (Elf_Scn *scn = elf_nextscn(e, nullptr); scn; scn = elf_nextscn(e, scn)) {
    ElfSection s;
    gelf_getshdr(scn, &s.hdr);
    const char *name = elf_strptr(e, shstrndx, s.hdr.sh_name);
    std::string n = name ? name : "";
    if (s.hdr.sh_type != SHT_NOBITS) {
      if (Elf_Data *d = elf_getdata(scn, nullptr); d && d->d_buf)
        s.data.assign(static_cast<const char *>(d->d_buf), d->d_size);
    }
    if (s.hdr.sh_type == SHT_SYMTAB) {
      symtab = scn;
      symtab_hdr = s.hdr;
    }
    names_by_index.push_back(n);
    v.sections[n] = std::move(s);
  }
  if (symtab) {
    Elf_Data *d = elf_getdata(symtab, nullptr);
    size_t count = symtab_hdr.sh_entsize ? symtab_hdr.sh_size / symtab_hdr.sh_entsize : 0;
    for (size_t i = 0; d && i < count; i++) {
      GElf_Sym sym;
      if (!gelf_getsym(d, static_cast<int>(i), &sym)) continue;
      if (GELF_ST_TYPE(sym.st_info) != STT_FUNC) continue;
      const char *name = elf_strptr(e, symtab_hdr.sh_link, sym.st_name);
      std::string sec = sym.st_shndx < names_by_index.size() ? names_by_index[sym.st_shndx] : "?";
      if (name) v.func_symbols[name] = sec;
    }
  }
  elf_end(e);
  v.ok = true;
  return v;
}

// --- libbpf view of the object ---

std::string g_libbpf_log;
int capture_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap) {
  if (level == LIBBPF_DEBUG) return 0;
  char buf[1024];
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  g_libbpf_log += buf;
  return n;
}

struct BpfObj {
  bpf_object *obj = nullptr;
  BpfObj(const std::vector<uint8_t> &elf) {
    libbpf_set_print(capture_libbpf);
    g_libbpf_log.clear();
    LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "probe_test");
    obj = bpf_object__open_mem(elf.data(), elf.size(), &opts);
    if (libbpf_get_error(obj)) obj = nullptr;
  }
  ~BpfObj() {
    if (obj) bpf_object__close(obj);
  }
  BpfObj(const BpfObj &) = delete;
  BpfObj &operator=(const BpfObj &) = delete;

  bpf_map *map(const std::string &name) const { return bpf_object__find_map_by_name(obj, name.c_str()); }
  bpf_program *prog(const std::string &name) const {
    return bpf_object__find_program_by_name(obj, name.c_str());
  }
  std::vector<std::string> prog_names() const {
    std::vector<std::string> out;
    bpf_program *p;
    bpf_object__for_each_program(p, obj) out.push_back(bpf_program__name(p));
    return out;
  }
  std::vector<std::string> map_names() const {
    std::vector<std::string> out;
    bpf_map *m;
    bpf_object__for_each_map(m, obj) out.push_back(bpf_map__name(m));
    return out;
  }
};

const MapSpec *find_map(const CompiledProgram &p, const std::string &name) {
  for (const auto &m : p.maps)
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------
// The ELF object

TEST(CodegenElf, HeaderIsBpfElf64) {
  auto c = compile_ok("BEGIN { printf(\"hello\\n\"); }");
  ElfView v = read_elf(c.out().elf);
  ASSERT_TRUE(v.ok) << elf_errmsg(-1);
  EXPECT_EQ(v.elf_class, ELFCLASS64);
  EXPECT_EQ(v.ehdr.e_ident[EI_DATA], ELFDATA2LSB);
  EXPECT_EQ(v.ehdr.e_machine, EM_BPF);
  EXPECT_EQ(v.ehdr.e_type, ET_REL);
}

TEST(CodegenElf, LicenseBtfAndMapsSections) {
  auto c = compile_ok("BEGIN { @x = 1; }");
  ElfView v = read_elf(c.out().elf);
  ASSERT_TRUE(v.ok);
  ASSERT_TRUE(v.sections.count("license"));
  EXPECT_EQ(v.sections["license"].data, std::string("GPL\0", 4));
  ASSERT_TRUE(v.sections.count(".BTF"));
  EXPECT_GT(v.sections[".BTF"].data.size(), 24u);
  // BTF magic 0xeB9F, little endian.
  EXPECT_EQ(static_cast<uint8_t>(v.sections[".BTF"].data[0]), 0x9f);
  EXPECT_EQ(static_cast<uint8_t>(v.sections[".BTF"].data[1]), 0xeb);
  EXPECT_TRUE(v.sections.count(".BTF.ext"));
  EXPECT_TRUE(v.sections.count(".maps"));
}

TEST(CodegenElf, ProgramSectionsAndSymbols) {
  auto c = compile_ok("BEGIN { @b = 1; } " + kUprobe + " { @u[arg0] = count(); } " + kUretprobe +
                      " { @r = retval; } END { print(@b); }");
  ElfView v = read_elf(c.out().elf);
  ASSERT_TRUE(v.ok);
  EXPECT_TRUE(v.sections.count("raw_tp"));
  EXPECT_TRUE(v.sections.count("uprobe"));
  EXPECT_TRUE(v.sections.count("uretprobe"));
  EXPECT_EQ(v.sections["uprobe"].hdr.sh_flags & SHF_EXECINSTR, static_cast<GElf_Xword>(SHF_EXECINSTR));
  EXPECT_GT(v.sections["uprobe"].hdr.sh_size, 0u);
  // Program symbols are named after the probe and its index.
  EXPECT_EQ(v.func_symbols["BEGIN_0"], "raw_tp");
  EXPECT_EQ(v.func_symbols["codegen_test_target_1"], "uprobe");
  EXPECT_EQ(v.func_symbols["codegen_test_target_2"], "uretprobe");
  EXPECT_EQ(v.func_symbols["END_3"], "raw_tp");
  EXPECT_EQ(v.func_symbols.size(), 4u);
}

TEST(CodegenElf, LibbpfOpensProgramsWithTypes) {
  auto c = compile_ok("BEGIN { printf(\"b\\n\"); } " + kUprobe + " { printf(\"%d\\n\", arg0); } " + kUretprobe +
                      " { printf(\"%d\\n\", retval); } END { exit(); }");
  BpfObj o(c.out().elf);
  ASSERT_NE(o.obj, nullptr) << g_libbpf_log;
  EXPECT_EQ(o.prog_names(), (std::vector<std::string>{"BEGIN_0", "END_3", "codegen_test_target_1",
                                                       "codegen_test_target_2"}))
      << "libbpf orders programs by section";
  struct Expect {
    const char *name, *section;
    bpf_prog_type type;
  };
  for (const Expect &e : {Expect{"BEGIN_0", "raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT},
                          Expect{"END_3", "raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT},
                          Expect{"codegen_test_target_1", "uprobe", BPF_PROG_TYPE_KPROBE},
                          Expect{"codegen_test_target_2", "uretprobe", BPF_PROG_TYPE_KPROBE}}) {
    bpf_program *p = o.prog(e.name);
    ASSERT_NE(p, nullptr) << e.name;
    EXPECT_STREQ(bpf_program__section_name(p), e.section) << e.name;
    EXPECT_EQ(bpf_program__type(p), e.type) << e.name;
    EXPECT_GT(bpf_program__insn_cnt(p), 1u) << e.name;
  }
}

TEST(CodegenElf, FixedMaps) {
  // Output only from BEGIN/END: a small ring buffer (it is resident memory).
  auto c = compile_ok("BEGIN { printf(\"x\\n\"); }", 1u << 20);
  BpfObj o(c.out().elf);
  ASSERT_NE(o.obj, nullptr) << g_libbpf_log;
  bpf_map *ev = o.map(kEventsMap);
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(bpf_map__type(ev), BPF_MAP_TYPE_RINGBUF);
  EXPECT_EQ(bpf_map__max_entries(ev), 64u * 1024);
  EXPECT_EQ(c.out().ringbuf_size, 64u * 1024);
  // Per-event output: the configured size.
  auto hot = compile_ok(kUprobe + " { printf(\"x\\n\"); }", 1u << 20);
  BpfObj ho(hot.out().elf);
  ASSERT_NE(ho.obj, nullptr) << g_libbpf_log;
  EXPECT_EQ(bpf_map__max_entries(ho.map(kEventsMap)), 1u << 20);
  EXPECT_EQ(hot.out().ringbuf_size, 1u << 20);
  bpf_map *lost = o.map(kLostMap);
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ(bpf_map__type(lost), BPF_MAP_TYPE_PERCPU_ARRAY);
  EXPECT_EQ(bpf_map__max_entries(lost), 1u);
  EXPECT_EQ(bpf_map__key_size(lost), 4u);
  EXPECT_EQ(bpf_map__value_size(lost), 8u);
  EXPECT_EQ(o.map_names(), (std::vector<std::string>{"events", "lost_events"}));
  EXPECT_TRUE(c.out().maps.empty());
}

TEST(CodegenElf, UserMapsTypesAndSizes) {
  auto c = compile_ok(kUprobe +
                      " { @calls[pid] = count(); @last = arg0; @names[comm] = comm; @pair[pid, comm] = 1;"
                      " @lo = min(arg1); @mean[arg0] = avg(arg1); @total = sum(arg1); }");
  const CompiledProgram &out = c.out();
  ASSERT_EQ(out.maps.size(), 7u);
  BpfObj o(out.elf);
  ASSERT_NE(o.obj, nullptr) << g_libbpf_log;
  struct Expect {
    const char *name;
    bpf_map_type type;
    uint32_t key_size, value_size;
    const char *agg;  // "" for plain values
  };
  for (const Expect &e : {
           Expect{"@calls", BPF_MAP_TYPE_PERCPU_HASH, 8, 8, "count"},
           Expect{"@last", BPF_MAP_TYPE_HASH, 8, 8, ""},
           Expect{"@names", BPF_MAP_TYPE_HASH, 16, 16, ""},
           Expect{"@pair", BPF_MAP_TYPE_HASH, 24, 8, ""},
           Expect{"@lo", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 16, "min"},  // key-less: one inlined array slot
           Expect{"@mean", BPF_MAP_TYPE_PERCPU_HASH, 8, 16, "avg"},
           Expect{"@total", BPF_MAP_TYPE_PERCPU_HASH, 8, 8, "sum"},
       }) {
    const MapSpec *spec = find_map(out, e.name);
    ASSERT_NE(spec, nullptr) << e.name;
    EXPECT_EQ(spec->key_size, e.key_size) << e.name;
    EXPECT_EQ(spec->value_size, e.value_size) << e.name;
    EXPECT_EQ(spec->agg.name, e.agg) << e.name;
    EXPECT_EQ(spec->percpu, e.type == BPF_MAP_TYPE_PERCPU_HASH || e.type == BPF_MAP_TYPE_PERCPU_ARRAY) << e.name;
    EXPECT_EQ(spec->array, e.type == BPF_MAP_TYPE_PERCPU_ARRAY) << e.name;
    EXPECT_LE(spec->bpf_name.size(), 15u) << e.name;
    bpf_map *m = o.map(spec->bpf_name);
    ASSERT_NE(m, nullptr) << e.name << " as " << spec->bpf_name;
    EXPECT_EQ(bpf_map__type(m), e.type) << e.name;
    EXPECT_EQ(bpf_map__key_size(m), e.key_size) << e.name;
    EXPECT_EQ(bpf_map__value_size(m), e.value_size) << e.name;
    EXPECT_EQ(bpf_map__max_entries(m), spec->max_entries) << e.name;
  }
  const MapSpec *pair = find_map(out, "@pair");
  EXPECT_EQ(pair->key.to_string(), "(uint64, string[16])");
  EXPECT_FALSE(pair->scalar);
  EXPECT_TRUE(find_map(out, "@last")->scalar);
  EXPECT_EQ(find_map(out, "@last")->key, Type::u64());
  EXPECT_EQ(find_map(out, "@names")->value, Type::string(16));
}

TEST(CodegenElf, LongMapNamesAreTruncatedForBpf) {
  auto c = compile_ok("BEGIN { @a_very_long_map_name_indeed = 1; }");
  ASSERT_EQ(c.out().maps.size(), 1u);
  EXPECT_EQ(c.out().maps[0].bpf_name, "m0_a_very_long_");
  BpfObj o(c.out().elf);
  ASSERT_NE(o.obj, nullptr) << g_libbpf_log;
  EXPECT_NE(o.map("m0_a_very_long_"), nullptr);
}

TEST(CodegenElf, TracepointProgram) {
  if (!have_tracefs_events()) GTEST_SKIP() << "no /sys/kernel/tracing/events or /sys/kernel/debug/tracing/events";
  auto c = compile_text(
      "tracepoint:syscalls:sys_enter_openat { printf(\"%s %d\\n\", str(args.filename), args.flags); }");
  if (c.ctx->diags.has_errors()) GTEST_SKIP() << "tracepoint unavailable: " << c.ctx->diags.render(c.ctx->source);
  ElfView v = read_elf(c.out().elf);
  ASSERT_TRUE(v.ok);
  EXPECT_TRUE(v.sections.count("tracepoint/syscalls/sys_enter_openat"));
  EXPECT_EQ(v.func_symbols["sys_enter_openat_0"], "tracepoint/syscalls/sys_enter_openat");
  BpfObj o(c.out().elf);
  ASSERT_NE(o.obj, nullptr) << g_libbpf_log;
  bpf_program *p = o.prog("sys_enter_openat_0");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(bpf_program__type(p), BPF_PROG_TYPE_TRACEPOINT);
  ASSERT_EQ(c.out().probes.size(), 1u);
  const ProbeProgram &pp = c.out().probes[0];
  EXPECT_EQ(pp.kind, ProbeKind::Tracepoint);
  EXPECT_EQ(pp.display, "tracepoint:syscalls:sys_enter_openat");
  EXPECT_EQ(pp.path, "syscalls");
  EXPECT_EQ(pp.func, "sys_enter_openat");
  ASSERT_EQ(c.out().printfs.size(), 1u);
  EXPECT_EQ(c.out().printfs[0].args[0], Type::string(64));
  EXPECT_EQ(c.out().printfs[0].offsets, (std::vector<uint32_t>{0, 64}));
}

TEST(CodegenElf, WildcardUprobeMakesOneProgramPerMatch) {
  auto c = compile_ok("uprobe:/proc/self/exe:codegen_test_target* { @[func] = count(); }");
  ASSERT_EQ(c.out().probes.size(), 2u);
  BpfObj o(c.out().elf);
  ASSERT_NE(o.obj, nullptr) << g_libbpf_log;
  std::vector<std::string> funcs;
  for (const auto &p : c.out().probes) {
    funcs.push_back(p.func);
    EXPECT_NE(o.prog(p.prog_name), nullptr) << p.prog_name;
    EXPECT_EQ(p.display, "uprobe:" + self_exe() + ":" + p.func);
  }
  std::sort(funcs.begin(), funcs.end());
  EXPECT_EQ(funcs, (std::vector<std::string>{"codegen_test_target", "codegen_test_target_two"}));
  EXPECT_EQ(find_map(c.out(), "@")->key, Type::string(sizeof("codegen_test_target_two")));
}

TEST(CodegenElf, OutputIsDeterministic) {
  const std::string prog = kUprobe + " { @[comm] = count(); printf(\"%d %s\\n\", arg0, comm); }";
  auto a = compile_ok(prog);
  auto b = compile_ok(prog);
  EXPECT_EQ(a.out().elf, b.out().elf);
}

// ---------------------------------------------------------------------------
// The tables for the runtime

TEST(CodegenTables, Probes) {
  auto c = compile_ok("BEGIN { exit(); } " + kUprobe + " { exit(); } " + kUretprobe + " { exit(); } END { }");
  const auto &probes = c.out().probes;
  ASSERT_EQ(probes.size(), 4u);
  EXPECT_EQ(probes[0].kind, ProbeKind::Begin);
  EXPECT_EQ(probes[0].display, "BEGIN");
  EXPECT_EQ(probes[0].prog_name, "BEGIN_0");
  EXPECT_EQ(probes[1].kind, ProbeKind::Uprobe);
  EXPECT_EQ(probes[1].display, "uprobe:" + self_exe() + ":codegen_test_target");
  EXPECT_EQ(probes[1].path, self_exe());
  EXPECT_EQ(probes[1].func, "codegen_test_target");
  EXPECT_GT(probes[1].offset, 0u);
  EXPECT_EQ(probes[1].loc.begin.line, 1);
  EXPECT_EQ(probes[1].loc.begin.column, 19);
  EXPECT_EQ(probes[2].kind, ProbeKind::Uretprobe);
  EXPECT_EQ(probes[2].display, "uretprobe:" + self_exe() + ":codegen_test_target");
  EXPECT_EQ(probes[2].offset, probes[1].offset);
  EXPECT_EQ(probes[3].kind, ProbeKind::End);
  EXPECT_EQ(probes[3].display, "END");
  EXPECT_EQ(probes[3].prog_name, "END_3");
}

TEST(CodegenTables, Printfs) {
  auto c = compile_ok(kUprobe + " { printf(\"%s pid=%d a=%x\\n\", comm, pid, arg0); printf(\"plain\\n\"); }");
  const auto &pf = c.out().printfs;
  ASSERT_EQ(pf.size(), 2u);
  EXPECT_EQ(pf[0].format, "%s pid=%d a=%x\n");
  ASSERT_EQ(pf[0].args.size(), 3u);
  EXPECT_EQ(pf[0].args[0], Type::string(16));
  EXPECT_EQ(pf[0].args[1], Type::u64());
  EXPECT_EQ(pf[0].args[2], Type::u64());
  EXPECT_EQ(pf[0].offsets, (std::vector<uint32_t>{0, 16, 24}));
  EXPECT_EQ(pf[0].payload_size, 32u);
  EXPECT_EQ(pf[1].format, "plain\n");
  EXPECT_TRUE(pf[1].args.empty());
  EXPECT_EQ(pf[1].payload_size, 0u);
}

TEST(CodegenTables, Prints) {
  auto c = compile_ok("BEGIN { @m = 1; print(comm); print(@m); print((1, \"ab\")); }");
  const auto &pr = c.out().prints;
  ASSERT_EQ(pr.size(), 2u);  // print(@m) is a map print, not a value print
  EXPECT_EQ(pr[0].type, Type::string(16));
  EXPECT_EQ(pr[1].type.to_string(), "(int64, string[3])");
}

TEST(CodegenTables, ErrorsProduceNoObject) {
  auto c = compile_text("BEGIN { printf(\"%d\\n\"); }");
  EXPECT_TRUE(c.ctx->diags.has_errors());
  EXPECT_TRUE(c.out().elf.empty());
  EXPECT_TRUE(c.out().probes.empty());
  EXPECT_FALSE(c.ctx->available.count(Artifact::Module));
  EXPECT_FALSE(c.ctx->available.count(Artifact::Object));
}

TEST(CodegenTables, ControlFlowCompiles) {
  // Loops, unroll, ternaries, string compares and map ops all lower to a
  // loadable-looking object (libbpf accepts it).
  auto c = compile_ok(kUprobe +
                      " /comm == \"codegen_tests\"/ { $i = 0; while ($i < 4) { $i++; if ($i == 3) { break; } }"
                      " unroll(3) { @n++; } $s = arg0 > 1 ? \"big\" : \"small\"; @w[$s, $i] = sum(arg1);"
                      " if (str(arg0) == \"x\") { clear(@n); } else { zero(@w); } print(@w); }");
  BpfObj o(c.out().elf);
  ASSERT_NE(o.obj, nullptr) << g_libbpf_log;
  EXPECT_EQ(find_map(c.out(), "@w")->key.to_string(), "(string[6], int64)");
}

// ---------------------------------------------------------------------------
// PassManager

TEST(CodegenPassManager, RefusesPassWithoutItsInput) {
  Config cfg;
  PassContext ctx(cfg, SourceFile{"-e", "BEGIN { }"});
  PassManager pm;
  pm.add(CreateSemanticPass());
  EXPECT_FALSE(pm.run(ctx));
  ASSERT_EQ(ctx.diags.all().size(), 1u);
  const Diagnostic &d = ctx.diags.all()[0];
  EXPECT_EQ(d.severity, Severity::Error);
  EXPECT_FALSE(d.has_loc);
  EXPECT_EQ(d.message, "internal: pass 'semantic' needs ast which no earlier pass produced");
  EXPECT_EQ(ctx.diags.render(ctx.source),
            "-e: error: internal: pass 'semantic' needs ast which no earlier pass produced\n");
  EXPECT_EQ(ctx.available, (std::set<Artifact>{Artifact::Source}));
}

TEST(CodegenPassManager, RefusesCodegenAndEmitOutOfOrder) {
  Config cfg;
  {
    PassContext ctx(cfg, SourceFile{"-e", "BEGIN { }"});
    PassManager pm;
    pm.add(CreateParsePass());
    pm.add(CreateProbeSpecPass());
    pm.add(CreateCodegenPass());
    EXPECT_FALSE(pm.run(ctx));
    ASSERT_EQ(ctx.diags.all().size(), 1u);
    EXPECT_EQ(ctx.diags.all()[0].message,
              "internal: pass 'codegen' needs typed-ast which no earlier pass produced");
    EXPECT_TRUE(ctx.available.count(Artifact::Probes));
    EXPECT_EQ(ctx.module, nullptr);
  }
  {
    PassContext ctx(cfg, SourceFile{"-e", "BEGIN { }"});
    PassManager pm;
    pm.add(CreateEmitPass());
    EXPECT_FALSE(pm.run(ctx));
    ASSERT_EQ(ctx.diags.all().size(), 1u);
    EXPECT_EQ(ctx.diags.all()[0].message,
              "internal: pass 'emit' needs llvm-module which no earlier pass produced");
    EXPECT_TRUE(ctx.output.elf.empty());
  }
}

TEST(CodegenPassManager, FullPipelineProducesEveryArtifact) {
  auto c = compile_ok("BEGIN { exit(); }");
  EXPECT_EQ(c.ctx->available, (std::set<Artifact>{Artifact::Source, Artifact::Preprocessed, Artifact::Ast, Artifact::Probes,
                                                   Artifact::TypedAst, Artifact::Module, Artifact::Object}));
}

TEST(CodegenPassManager, PassesDeclareArtifacts) {
  EXPECT_EQ(CreateCodegenPass()->reads(), (std::vector<Artifact>{Artifact::TypedAst, Artifact::Probes}));
  EXPECT_EQ(CreateCodegenPass()->produces(), (std::vector<Artifact>{Artifact::Module}));
  EXPECT_EQ(CreateEmitPass()->reads(), (std::vector<Artifact>{Artifact::Module}));
  EXPECT_EQ(CreateEmitPass()->produces(), (std::vector<Artifact>{Artifact::Object}));
  EXPECT_STREQ(to_string(Artifact::Module), "llvm-module");
  EXPECT_STREQ(to_string(Artifact::Object), "bpf-object");
}
