#include "codegen/module_state.h"

#include <linux/bpf.h>

#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/IR/Constants.h>
#include <algorithm>

#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/IRBuilder.h>

namespace probe {

ModuleState::ModuleState(const PassContext &ctx) : pass(ctx) {
  module = std::make_unique<llvm::Module>("probe", llctx);
  module->setTargetTriple("bpfel");
  // BPF's layout from the start: IR built against the default layout gets
  // 4-byte i64 alignment, and the backend then splits every 8-byte load and
  // store (including context reads the verifier only allows whole).
  module->setDataLayout("e-m:e-p:64:64-i64:64-i128:128-n32:64-S128");
  module->addModuleFlag(llvm::Module::Warning, "Debug Info Version", llvm::DEBUG_METADATA_VERSION);
  module->addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
  dib = std::make_unique<llvm::DIBuilder>(*module);
  // The program text is embedded so BTF line info (and so verifier logs)
  // can quote the source lines.
  file = dib->createFile(ctx.source.name, ".", std::nullopt, llvm::StringRef(ctx.source.text));
  cu = dib->createCompileUnit(llvm::dwarf::DW_LANG_C, file, "probe", true, "", 0);

  auto *license = new llvm::GlobalVariable(
      *module, llvm::ArrayType::get(llvm::Type::getInt8Ty(llctx), 4), true,
      llvm::GlobalValue::ExternalLinkage, llvm::ConstantDataArray::getString(llctx, "GPL"), "LICENSE");
  license->setSection("license");

  events = map_global(kEventsMap, 2);  // described in finalize(), once its size is known
  lost = define_map(kLostMap, BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4, 8);
  // Hash maps allocate entries on use: preallocating max_entries per CPU is
  // most of the load time. perf-event programs run in NMI context, where
  // the verifier allows only preallocated maps.
  bool nmi = false;
  for (const auto &p : ctx.probes)
    nmi = nmi || p.prog.kind == ProbeKind::Interval || p.prog.kind == ProbeKind::Profile ||
          p.prog.kind == ProbeKind::Software;
  uint32_t flags = nmi ? 0 : BPF_F_NO_PREALLOC;
  for (const auto &m : ctx.maps) {
    if (m.array) {  // key-less aggregation: one preallocated slot per CPU
      user_maps.push_back(define_map(m.bpf_name, BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4, m.value_size));
      continue;
    }
    user_maps.push_back(define_map(m.bpf_name, m.percpu ? BPF_MAP_TYPE_PERCPU_HASH : BPF_MAP_TYPE_HASH,
                                   m.max_entries, m.key_size, m.value_size, flags));
  }
  // Cheap map-full accounting: only the failure path of an update touches it.
  if (!ctx.maps.empty())
    map_full = define_map(kMapFullMap, BPF_MAP_TYPE_PERCPU_ARRAY, static_cast<uint32_t>(ctx.maps.size()), 4, 8);
}

llvm::DIType *ModuleState::byte_type(uint32_t size) {
  if (size == 8) return dib->createBasicType("unsigned long long", 64, llvm::dwarf::DW_ATE_unsigned);
  if (size == 4) return dib->createBasicType("unsigned int", 32, llvm::dwarf::DW_ATE_unsigned);
  auto *u8 = dib->createBasicType("unsigned char", 8, llvm::dwarf::DW_ATE_unsigned_char);
  auto *range = dib->getOrCreateSubrange(0, static_cast<int64_t>(size));
  return dib->createArrayType(uint64_t(size) * 8, 8, u8, dib->getOrCreateArray({range}));
}

llvm::GlobalVariable *ModuleState::define_map(const std::string &name, uint32_t type, uint32_t max_entries,
                                              uint32_t key_size, uint32_t value_size, uint32_t flags) {
  auto *gv = map_global(name, 2 + (key_size ? 1 : 0) + (value_size ? 1 : 0) + (flags ? 1 : 0));
  describe_map(gv, type, max_entries, key_size, value_size, flags);
  return gv;
}

llvm::GlobalVariable *ModuleState::map_global(const std::string &name, size_t n) {
  auto *ptr_ty = llvm::PointerType::get(llctx, 0);
  std::vector<llvm::Type *> fields(n, ptr_ty);
  auto *sty = llvm::StructType::get(llctx, fields);
  auto *gv = new llvm::GlobalVariable(*module, sty, false, llvm::GlobalValue::ExternalLinkage,
                                      llvm::ConstantAggregateZero::get(sty), name);
  gv->setSection(".maps");
  gv->setAlignment(llvm::Align(8));
  return gv;
}

void ModuleState::describe_map(llvm::GlobalVariable *gv, uint32_t type, uint32_t max_entries,
                               uint32_t key_size, uint32_t value_size, uint32_t flags) {
  auto *int_ty = dib->createBasicType("int", 32, llvm::dwarf::DW_ATE_signed);
  std::vector<llvm::Metadata *> members;
  uint64_t offset = 0;
  // __uint(name, value): `int (*name)[value]`.
  auto add_uint = [&](const char *member, uint32_t value) {
    auto *range = dib->getOrCreateSubrange(0, static_cast<int64_t>(value));
    auto *arr = dib->createArrayType(uint64_t(value) * 32, 32, int_ty, dib->getOrCreateArray({range}));
    auto *ptr = dib->createPointerType(arr, 64);
    members.push_back(dib->createMemberType(file, member, file, 0, 64, 64, offset, llvm::DINode::FlagZero, ptr));
    offset += 64;
  };
  // __type(name, T): `T *name`.
  auto add_type = [&](const char *member, uint32_t size) {
    auto *ptr = dib->createPointerType(byte_type(size), 64);
    members.push_back(dib->createMemberType(file, member, file, 0, 64, 64, offset, llvm::DINode::FlagZero, ptr));
    offset += 64;
  };
  add_uint("type", type);
  add_uint("max_entries", max_entries);
  if (key_size) add_type("key", key_size);
  if (value_size) add_type("value", value_size);
  if (flags) add_uint("map_flags", flags);
  auto *sty_di = dib->createStructType(file, "", file, 0, offset, 64, llvm::DINode::FlagZero, nullptr,
                                       dib->getOrCreateArray(members));
  std::string name = gv->getName().str();
  gv->addDebugInfo(dib->createGlobalVariableExpression(cu, name, name, file, 0, sty_di, false));
}

llvm::Function *ModuleState::create_program(const ExpandedProbe &p) {
  auto *i64 = llvm::Type::getInt64Ty(llctx);
  auto *ptr = llvm::PointerType::get(llctx, 0);
  auto *fty = llvm::FunctionType::get(i64, {ptr}, false);
  auto *fn = llvm::Function::Create(fty, llvm::GlobalValue::ExternalLinkage, p.prog.prog_name, *module);
  fn->setSection(p.provider->section(p.prog));
  fn->getArg(0)->setName("ctx");
  auto *long_ty = dib->createBasicType("long", 64, llvm::dwarf::DW_ATE_signed);
  auto *void_ptr = dib->createPointerType(nullptr, 64);
  auto *sty = dib->createSubroutineType(dib->getOrCreateTypeArray({long_ty, void_ptr}));
  unsigned line = static_cast<unsigned>(p.prog.loc.begin.line);
  auto *sp = dib->createFunction(file, p.prog.prog_name, p.prog.prog_name, file, line, sty, line,
                                 llvm::DINode::FlagPrototyped,
                                 llvm::DISubprogram::SPFlagDefinition | llvm::DISubprogram::SPFlagOptimized);
  // The kernel rejects BTF functions with unnamed arguments; a preserved
  // parameter variable gives the BTF FUNC_PROTO its "ctx" name.
  dib->createParameterVariable(sp, "ctx", 1, file, line, void_ptr, true);
  fn->setSubprogram(sp);
  return fn;
}

llvm::GlobalVariable *ModuleState::stack_map() {
  if (!stacks)
    stacks = define_map(kStackMap, BPF_MAP_TYPE_STACK_TRACE, 4096, 4, 8 * kMaxStackDepth);
  return stacks;
}

llvm::GlobalVariable *ModuleState::zeros_map() {
  if (!zeros) {
    uint32_t size = 8;
    for (const auto &m : pass.maps) size = std::max(size, m.value_size);
    zeros = define_map(kZerosMap, BPF_MAP_TYPE_ARRAY, 1, 4, size);
  }
  return zeros;
}

llvm::GlobalVariable *ModuleState::scratch_map(uint32_t bytes) {
  if (!scratch) scratch = map_global(kScratchMap, 4);  // type, max_entries, key, value
  scratch_size = std::max(scratch_size, bytes);
  return scratch;
}

llvm::GlobalVariable *ModuleState::loop_vars_map() {
  if (!loop_vars) {
    uint32_t size = 8;
    for (const auto &vars : pass.var_types) {
      uint32_t total = 0;
      for (const auto &[name, type] : vars) total += std::max<uint32_t>(8, (storage_size(type) + 7) / 8 * 8);
      size = std::max(size, total);
    }
    uint32_t entries = std::max<uint32_t>(1, static_cast<uint32_t>(pass.probes.size()));
    loop_vars = define_map(kLoopVarsMap, BPF_MAP_TYPE_PERCPU_ARRAY, entries, 4, size);
  }
  return loop_vars;
}

llvm::Function *ModuleState::count_callback() {
  if (count_cb) return count_cb;
  auto *i64 = llvm::Type::getInt64Ty(llctx);
  auto *ptr = llvm::PointerType::get(llctx, 0);
  auto *fty = llvm::FunctionType::get(i64, {ptr, ptr, ptr, ptr}, false);
  // A static subprogram (.text): libbpf appends it to each program using it.
  count_cb = llvm::Function::Create(fty, llvm::GlobalValue::InternalLinkage, "count_entries", *module);
  count_cb->addFnAttr(llvm::Attribute::NoInline);
  // The verifier wants BTF for callbacks: long count_entries(void *map, void *key, void *value, void *ctx).
  auto *long_ty = dib->createBasicType("long", 64, llvm::dwarf::DW_ATE_signed);
  auto *void_ptr = dib->createPointerType(nullptr, 64);
  auto *sty = dib->createSubroutineType(dib->getOrCreateTypeArray({long_ty, void_ptr, void_ptr, void_ptr, void_ptr}));
  auto *sp = dib->createFunction(file, "count_entries", "count_entries", file, 0, sty, 0, llvm::DINode::FlagPrototyped,
                                 llvm::DISubprogram::SPFlagDefinition | llvm::DISubprogram::SPFlagLocalToUnit |
                                     llvm::DISubprogram::SPFlagOptimized);
  const char *names[] = {"map", "key", "value", "ctx"};
  for (unsigned i = 0; i < 4; i++) {
    count_cb->getArg(i)->setName(names[i]);
    dib->createParameterVariable(sp, names[i], i + 1, file, 0, void_ptr, true);
  }
  count_cb->setSubprogram(sp);
  auto *bb = llvm::BasicBlock::Create(llctx, "entry", count_cb);
  llvm::IRBuilder<> b(bb);
  b.SetCurrentDebugLocation(llvm::DILocation::get(llctx, 0, 0, sp));
  llvm::Value *n = count_cb->getArg(3);
  b.CreateStore(b.CreateAdd(b.CreateLoad(i64, n), b.getInt64(1)), n);
  b.CreateRet(b.getInt64(0));
  return count_cb;
}

llvm::Function *ModuleState::create_callback(const std::string &name, bool map_callback) {
  auto *i64 = llvm::Type::getInt64Ty(llctx);
  auto *ptr = llvm::PointerType::get(llctx, 0);
  std::vector<llvm::Type *> params = map_callback ? std::vector<llvm::Type *>{ptr, ptr, ptr, ptr}
                                                  : std::vector<llvm::Type *>{i64, ptr};
  auto *fn = llvm::Function::Create(llvm::FunctionType::get(i64, params, false), llvm::GlobalValue::InternalLinkage,
                                    name, *module);
  fn->addFnAttr(llvm::Attribute::NoInline);
  auto *long_ty = dib->createBasicType("long", 64, llvm::dwarf::DW_ATE_signed);
  auto *u64_ty = dib->createBasicType("unsigned long long", 64, llvm::dwarf::DW_ATE_unsigned);
  auto *void_ptr = dib->createPointerType(nullptr, 64);
  std::vector<const char *> names = map_callback ? std::vector<const char *>{"map", "key", "value", "ctx"}
                                                 : std::vector<const char *>{"index", "ctx"};
  std::vector<llvm::Metadata *> types{long_ty};
  for (size_t i = 0; i < names.size(); i++) types.push_back(!map_callback && i == 0 ? static_cast<llvm::DIType *>(u64_ty) : void_ptr);
  auto *sty = dib->createSubroutineType(dib->getOrCreateTypeArray(types));
  auto *sp = dib->createFunction(file, name, name, file, 0, sty, 0, llvm::DINode::FlagPrototyped,
                                 llvm::DISubprogram::SPFlagDefinition | llvm::DISubprogram::SPFlagLocalToUnit |
                                     llvm::DISubprogram::SPFlagOptimized);
  for (unsigned i = 0; i < names.size(); i++) {
    fn->getArg(i)->setName(names[i]);
    dib->createParameterVariable(sp, names[i], i + 1, file, 0, llvm::cast<llvm::DIType>(types[i + 1]), true);
  }
  fn->setSubprogram(sp);
  return fn;
}

void ModuleState::finalize() {
  // Programs that only print from BEGIN/END (drained right after each runs)
  // and aggregate in maps need no more than a small buffer.
  constexpr uint32_t kSmallRingbuf = 64 * 1024;
  ringbuf_size = hot_output ? pass.config.ringbuf_size : kSmallRingbuf;
  describe_map(events, BPF_MAP_TYPE_RINGBUF, ringbuf_size, 0, 0);
  if (scratch)  // one entry per probe body: bodies that interrupt each other never share bytes
    describe_map(scratch, BPF_MAP_TYPE_PERCPU_ARRAY, static_cast<uint32_t>(pass.ast->probes.size()), 4,
                 scratch_size);
  dib->finalize();
}

}  // namespace probe
