// Module -> Object: LLVM's O2 pipeline for bpfel, then the ELF object in
// memory. Also serves -d ir / -d asm.
#include <cstdio>
#include <mutex>

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Analysis/TargetTransformInfo.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar.h>
#include <llvm/Transforms/Scalar/GVN.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Transforms/Utils/Cloning.h>

#include "codegen/module_state.h"

extern "C" {
void LLVMInitializeBPFTargetInfo();
void LLVMInitializeBPFTarget();
void LLVMInitializeBPFTargetMC();
void LLVMInitializeBPFAsmPrinter();
}

namespace probe {

namespace {

// The BPF target, initialised once per process.
std::unique_ptr<llvm::TargetMachine> make_target_machine(std::string *err) {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeBPFTargetInfo();
    LLVMInitializeBPFTarget();
    LLVMInitializeBPFTargetMC();
    LLVMInitializeBPFAsmPrinter();
  });
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget("bpfel", *err);
  if (!target) return nullptr;
  llvm::TargetOptions opts;
  // v3: 32-bit jumps and ALU; every kernel we target (>= 5.1) has them.
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      "bpfel", "v3", "", opts, std::nullopt, std::nullopt, llvm::CodeGenOptLevel::Less));
}

// The passes that matter for straight-line probe bodies, run per function.
// Deliberately not PassBuilder's O2: its pass registry drags every LLVM
// optimisation (IPO, vectorizers, OpenMP...) into the binary, which costs
// start-up time and resident memory while adding nothing for BPF probes.
void optimize(llvm::Module &m, llvm::TargetMachine &tm) {
  llvm::legacy::FunctionPassManager fpm(&m);
  fpm.add(llvm::createTargetTransformInfoWrapperPass(tm.getTargetIRAnalysis()));
  fpm.add(llvm::createSROAPass());
  fpm.add(llvm::createEarlyCSEPass(true));
  fpm.add(llvm::createInstructionCombiningPass());
  fpm.add(llvm::createCFGSimplificationPass());
  fpm.add(llvm::createGVNPass());
  fpm.add(llvm::createInstructionCombiningPass());
  fpm.add(llvm::createDeadCodeEliminationPass());
  fpm.add(llvm::createCFGSimplificationPass());
  fpm.doInitialization();
  for (auto &f : m)
    if (!f.isDeclaration()) fpm.run(f);
  fpm.doFinalization();
}

bool emit(llvm::Module &m, llvm::TargetMachine &tm, llvm::CodeGenFileType type, llvm::SmallVectorImpl<char> &out) {
  llvm::raw_svector_ostream os(out);
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr, type)) return false;
  pm.run(m);
  return true;
}

class EmitPass : public Pass {
 public:
  const char *name() const override { return "emit"; }
  std::vector<Artifact> reads() const override { return {Artifact::Module}; }
  std::vector<Artifact> produces() const override { return {Artifact::Object}; }

  bool run(PassContext &ctx) override {
    llvm::Module &m = *ctx.module->state->module;
    std::string err;
    auto tm = make_target_machine(&err);
    if (!tm) {
      ctx.diags.error("BPF target unavailable in this LLVM: " + err);
      return false;
    }
    m.setDataLayout(tm->createDataLayout());
    std::string verify_msg;
    llvm::raw_string_ostream vs(verify_msg);
    if (llvm::verifyModule(m, &vs)) {
      std::fprintf(stderr, "probe: internal error: invalid IR generated:\n%s\n", verify_msg.c_str());
      m.print(llvm::errs(), nullptr);
      std::abort();
    }
    optimize(m, *tm);
    if (ctx.config.dump_ir) m.print(llvm::outs(), nullptr);
    if (ctx.config.dump_asm) {
      auto clone = llvm::CloneModule(m);
      llvm::SmallVector<char, 0> text;
      if (emit(*clone, *tm, llvm::CodeGenFileType::AssemblyFile, text))
        llvm::outs() << llvm::StringRef(text.data(), text.size());
    }
    llvm::outs().flush();
    llvm::SmallVector<char, 0> obj;
    if (!emit(m, *tm, llvm::CodeGenFileType::ObjectFile, obj)) {
      ctx.diags.error("LLVM cannot emit a BPF object");
      return false;
    }
    CompiledProgram &out = ctx.output;
    out.elf.assign(obj.begin(), obj.end());
    out.maps = ctx.maps;
    out.printfs = ctx.printfs;
    out.prints = ctx.prints;
    out.ringbuf_size = ctx.module->state->ringbuf_size;
    out.uses_stacks = ctx.module->state->stacks != nullptr;
    for (const auto &p : ctx.probes) out.probes.push_back(p.prog);
    return true;
  }
};

}  // namespace

std::unique_ptr<Pass> CreateEmitPass() { return std::make_unique<EmitPass>(); }

}  // namespace probe
