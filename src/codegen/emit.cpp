// Module -> Object: LLVM's O2 pipeline for bpfel, then the ELF object in
// memory. Also serves -d ir / -d asm.
#include <algorithm>
#include <cstdio>
#include <mutex>

#include <llvm/IR/DiagnosticInfo.h>
#include <llvm/IR/DiagnosticPrinter.h>
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

// LLVM's own errors (the BPF backend's "stack limit exceeded", "memset is
// not supported"): LLVM prints them raw and calls exit(1) unless a handler
// takes them; this one turns them into located diagnostics.
struct LlvmErrors {
  Diagnostics &diags;
  bool seen = false;  // the backend repeats an error for every instruction
};

void on_llvm_diagnostic(const llvm::DiagnosticInfo *info, void *context) {
  const llvm::DiagnosticInfo &di = *info;
  auto &sink = *static_cast<LlvmErrors *>(context);
  if (di.getSeverity() != llvm::DS_Error || sink.seen) return;  // warnings, remarks, repeats
  sink.seen = true;
  Diagnostics &diags = sink.diags;
  std::string text;
  llvm::raw_string_ostream os(text);
  Loc loc;
  bool located = false;
  if (auto *u = llvm::dyn_cast<llvm::DiagnosticInfoUnsupported>(&di)) {
    os << u->getMessage();
    llvm::DiagnosticLocation dl = u->getLocation();
    if (dl.isValid() && dl.getLine() > 0) {
      loc.begin = Position{static_cast<int>(dl.getLine()), static_cast<int>(std::max(1u, dl.getColumn()))};
      loc.end = Position{loc.begin.line, loc.begin.column + 1};
      located = true;
    }
  } else {
    llvm::DiagnosticPrinterRawOStream printer(os);
    di.print(printer);
  }
  os.flush();
  std::string msg = "the BPF backend cannot compile this probe: " + text;
  std::string hint;
  if (text.find("stack limit") != std::string::npos) {
    msg = "this probe needs more than the 512 bytes of BPF stack";
    hint = "use fewer or shorter strings, tuples and map keys in one probe (e.g. str(ptr, 32)), or split it";
  } else if (text.find("memset") != std::string::npos || text.find("memcpy") != std::string::npos) {
    msg = "this probe copies a value too large for the BPF stack";
    hint = "use fewer or shorter strings and tuples";
  }
  if (located)
    diags.error(loc, msg);
  else
    diags.error(msg);
  if (!hint.empty()) diags.hint(hint);
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
    LlvmErrors llvm_errors{ctx.diags};
    m.getContext().setDiagnosticHandlerCallBack(on_llvm_diagnostic, &llvm_errors);
    struct Unset {  // the context outlives llvm_errors
      llvm::LLVMContext &c;
      ~Unset() { c.setDiagnosticHandlerCallBack(nullptr, nullptr); }
    } unset{m.getContext()};
    optimize(m, *tm);
    if (ctx.config.dump_ir || ctx.config.dump_asm) {
      llvm::raw_string_ostream listing(ctx.output.listing);
      if (ctx.config.dump_ir) m.print(listing, nullptr);
      if (ctx.config.dump_asm) {
        auto clone = llvm::CloneModule(m);
        llvm::SmallVector<char, 0> text;
        if (emit(*clone, *tm, llvm::CodeGenFileType::AssemblyFile, text))
          listing << llvm::StringRef(text.data(), text.size());
      }
    }
    llvm::SmallVector<char, 0> obj;
    if (!emit(m, *tm, llvm::CodeGenFileType::ObjectFile, obj)) {
      ctx.diags.error("LLVM cannot emit a BPF object");
      return false;
    }
    if (ctx.diags.has_errors()) return false;
    CompiledProgram &out = ctx.output;
    out.elf.assign(obj.begin(), obj.end());
    out.maps = ctx.maps;
    out.printfs = ctx.printfs;
    out.prints = ctx.prints;
    out.ringbuf_size = ctx.module->state->ringbuf_size;
    out.uses_stacks = ctx.module->state->stacks != nullptr;
    out.helper_errors = ctx.module->state->helper_errors;
    out.counts_map_full = ctx.module->state->map_full != nullptr;
    for (const auto &p : ctx.probes) out.probes.push_back(p.prog);
    return true;
  }
};

}  // namespace

std::unique_ptr<Pass> CreateEmitPass() { return std::make_unique<EmitPass>(); }

}  // namespace probe
