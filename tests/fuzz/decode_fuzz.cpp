// Fuzz target: the user-space half of the event path: ring-buffer records
// dispatched to printf/print rendering (text and JSON), map entries reduced,
// sorted and printed, printf formats with arbitrary specifiers, and values of
// arbitrary (well-formed) types.
//
// Input: byte 0 picks the mode (below), byte 1 a program / option bits, the
// rest is mode data:
//   0  records for program P: [u16 size][record bytes]...
//   1  map entries for program P's maps: key bytes, per-CPU values...
//   2  a printf format (up to NUL), argument types, then the payload
//   3  a value type built from bytes, then the value bytes
// Programs are compiled once at start-up (dry run, fixed BTF).
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "driver/compiler.h"
#include "frontend/printf_format.h"
#include "fuzz_common.h"
#include "runtime/event_loop.h"
#include "runtime/map_printer.h"
#include "runtime/output.h"
#include "runtime/value_format.h"
#include "util/log.h"

using namespace probe;

namespace {

// Call sites covering every value kind the compiler emits.
const char *const kPrograms[] = {
    R"(BEGIN { printf("%d %i %u %x %X %o|%c|%p|%5d|%-5d|%05d|%8s|%-8s|%s\n", -5, 42, 7, 255, 255, 8, 65, 4096, 1, 2, 3, "ab", "cd", comm); })",
    R"(BEGIN { printf("%ld %lld %lu %llu %lx %llX %hhd %hd\n", -9, 9, 4, 4, 4, 3, (int8)-1, (int16)-2); print((int8)-1); print((uint16)65535); print((int32)-7); print(comm); })",
    R"(BEGIN { print((1, "a", (2, "bc"))); $t = (pid, comm, nsecs); print($t); printf("%s %s\n", str($1), probe); })",
    R"(BEGIN { @c[pid, comm] = count(); @s[1] = sum(5); @mn[(int8)1] = min(3); @mx["k"] = max(4); @av = avg(2); @p[1, 2] = (3, "s"); @x = -1; @str[comm] = "v"; })",
    R"(BEGIN { @h[comm] = hist(pid); @k = hist(pid, 3); @l[1] = lhist(pid, 0, 100, 7); @st = stats(pid); @u = sum((uint64)pid); @ptr = curtask; })",
    R"(kprobe:vfs_read { @[kstack] = count(); @f[func] = count(); print(ksym(arg0)); printf("%s %s\n", ksym(arg1), func); print(kstack); })",
    R"(BEGIN { print(curtask->comm); print(curtask->cpus_mask); @m[curtask->comm] = curtask->pid; printf("%s %d %p\n", curtask->comm, curtask->se.on_rq, curtask->mm); })",
    R"(tracepoint:syscalls:sys_enter_openat { printf("%s %d %s\n", str(args->filename), args->flags, comm); @[str(args->filename)] = count(); })",
    R"(fentry:vfs_read { @[args->file->f_path.dentry->d_name.name] = sum(args->count); print(args->file->f_pos); } fexit:vfs_read { @r = avg(retval); @h[retval > 0] = count(); })",
};

struct Compiled {
  std::unique_ptr<PassContext> ctx;
  const CompiledProgram *prog = nullptr;
};

std::vector<Compiled> &programs() {
  static std::vector<Compiled> progs = [] {
    static const Config cfg = [] {
      Config c = fuzz::config();
      c.params = {"42", "param"};
      return c;
    }();
    std::vector<Compiled> v;
    for (const char *p : kPrograms) {
      Compiled c;
      c.ctx = compile(cfg, SourceFile{"decode.bt", p});
      if (c.ctx->diags.has_errors()) {
        std::fprintf(stderr, "decode_fuzz: program skipped:\n%s", c.ctx->diags.render(c.ctx->source).c_str());
        continue;
      }
      c.prog = &c.ctx->output;
      v.push_back(std::move(c));
    }
    if (v.empty()) std::abort();
    return v;
  }();
  return progs;
}

// Reads fuzz bytes in order; past the end everything is zero.
struct Reader {
  const uint8_t *p;
  size_t n;
  uint8_t u8() { return n ? (n--, *p++) : 0; }
  uint16_t u16() { return uint16_t(u8() | (u8() << 8)); }
  std::vector<uint8_t> bytes(size_t k) {
    std::vector<uint8_t> v(k, 0);
    size_t take = std::min(k, n);
    if (take) std::memcpy(v.data(), p, take);
    p += take;
    n -= take;
    return v;
  }
};

ValueContext value_context() {
  ValueContext vc;
  vc.ksym = [](uint64_t a) { return a & 1 ? std::string("sym+0x10") : std::string(); };
  vc.kstack = [](int64_t id) {
    std::vector<std::string> f;
    for (int64_t i = 0; i < (id & 3); i++) f.push_back("frame\"\xff" + std::to_string(i));
    return f;
  };
  return vc;
}

// /dev/null, opened once for the whole fuzzing run.
int devnull() {
  static int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (fd < 0) std::abort();
  return fd;
}

void records(const CompiledProgram &prog, bool json, Reader &r) {
  Output out(devnull(), json ? OutputFormat::Json : OutputFormat::Text, prog, {});
  out.set_value_context(value_context());
  auto loop = EventLoop::create(-1, -1, prog, out);
  if (!loop) std::abort();
  while (r.n) {
    auto rec = r.bytes(r.u16() % 2048);
    if (rec.size() >= sizeof(EventHeader)) {
      uint32_t kind;
      std::memcpy(&kind, rec.data(), 4);
      // Map commands need the kernel's maps (mode 1 covers the printing).
      kind &= 7;
      if (kind == 3 || kind == 5 || kind == 6) continue;
      std::memcpy(rec.data(), &kind, 4);
    }
    loop->handle_record(rec.data(), rec.size());
    if (loop->exit_requested() && (r.u8() & 1)) loop->accept_after_exit();
  }
  out.flush();
}

void maps(const CompiledProgram &prog, bool json, Reader &r) {
  if (prog.maps.empty()) return;
  const MapSpec &spec = prog.maps[r.u8() % prog.maps.size()];
  int ncpus = 1 + r.u8() % 4;
  size_t slot = (spec.value_size + 7) / 8 * 8;
  std::vector<MapEntry> entries;
  for (int i = 0; i < 64 && r.n; i++) {
    MapEntry e;
    e.key = r.bytes(spec.key_size);
    if (spec.percpu) {
      auto raw = r.bytes(slot * ncpus);
      e.value = reduce_percpu(spec, raw.data(), ncpus);
    } else {
      e.value = r.bytes(spec.value_size);
    }
    entries.push_back(std::move(e));
  }
  sort_entries(spec, entries);
  ValueContext vc = value_context();
  uint64_t top = r.u8() % 4, div = r.u8() % 3;  // print(@m, top, div); div 0 must not trap
  (void)(json ? format_map_json(spec, entries, &vc, top, div) : format_map_text(spec, entries, &vc, top, div));
  (void)(json ? format_map_text(spec, entries, nullptr) : format_map_json(spec, entries, nullptr));
}

// A well-formed value type, as the compiler could produce it.
Type make_type(Reader &r, int depth) {
  static const uint32_t kInt[] = {1, 2, 4, 8};
  uint8_t b = r.u8();
  switch (depth > 2 ? b % 8 : b % 11) {
    case 0: case 1: return Type::integer(kInt[(b >> 4) & 3], b & 0x40);
    case 2: return Type::string(1 + r.u8() % 128);
    case 3: return Type::pointer(Type::u64(), b & 0x10 ? AddrSpace::User : AddrSpace::Kernel);
    case 4: return Type::ksym();
    case 5: return Type::kstack();
    case 6: return Type::u64();
    case 7: return Type::ctx();
    case 8: case 9: {
      std::vector<Type> members(1 + r.u8() % 4);
      for (auto &m : members) m = make_type(r, depth + 1);
      return Type::tuple(std::move(members));
    }
    default: {
      // C arrays (from BTF): of integers, pointers or arrays.
      Type elem = (b & 0x10) ? Type::integer(kInt[(b >> 5) & 3], b & 0x80)
                             : Type::pointer(Type::u64(), AddrSpace::Kernel);
      if ((b & 0x20) && depth < 2) elem = Type::array(elem, 1 + r.u8() % 4);
      return Type::array(elem, 1 + r.u8() % 16);
    }
  }
}

void value(Reader &r, bool json) {
  Type t = make_type(r, 0);
  auto data = r.bytes(storage_size(t));
  ValueContext vc = value_context();
  (void)format_value(t, data.data(), json ? &vc : nullptr);
  (void)format_value_json(t, data.data(), json ? nullptr : &vc);
  if (t.is_integral()) (void)read_int_value(t, data.data());
}

void printf_formats(Reader &r) {
  std::string fmt;
  while (r.n && fmt.size() < 256) {
    char c = char(r.u8());
    if (!c) break;
    fmt += c;
  }
  auto specs = parse_printf_format(fmt);
  if (!specs || specs->size() > 8) return;
  std::vector<Type> types;
  std::vector<uint32_t> offsets;
  uint32_t off = 0;
  for (const auto &s : *specs) {
    Type t = make_type(r, 1);
    std::string why;
    if (!format_accepts(s.conv, t, &why)) return;
    types.push_back(t);
    offsets.push_back(off);
    off += storage_size(t);
  }
  auto payload = r.bytes(off);
  auto render = [](const Type &t, const uint8_t *p) { return format_value(t, p); };
  std::string a = format_printf(fmt, types, payload.data(), offsets, render);
  std::string b;
  format_printf_compiled(b, compile_printf_format(fmt), types, payload.data(), offsets, render);
  // The pre-parsed fast path must print exactly what the reference does.
  if (a != b) {
    std::fprintf(stderr, "printf paths differ for format \"%s\":\n  [%s]\n  [%s]\n", fmt.c_str(), a.c_str(), b.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  Logger::get().set_level(LogLevel::Error);  // "truncated event" warnings are expected here
  programs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  Reader r{data + 2, size - 2};
  auto &progs = programs();
  const CompiledProgram &prog = *progs[(data[1] & 0x7f) % progs.size()].prog;
  bool json = data[1] & 0x80;
  switch (data[0] % 4) {
    case 0: records(prog, json, r); break;
    case 1: maps(prog, json, r); break;
    case 2: printf_formats(r); break;
    default: value(r, json); break;
  }
  return 0;
}
