// Passes and the pass manager, below the frontend: sema, codegen and the
// driver build on it, and it includes no driver or CLI code. A pass has one
// entry point (CreateXPass()), says which artifacts it reads and produces,
// and can run alone in a test given a PassContext holding what it reads.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "codegen/artifact.h"
#include "config.h"
#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "probes/provider.h"

namespace probe {

// Artifacts passes exchange; a pass declares which it reads and produces.
enum class Artifact { Source, Preprocessed, Ast, Probes, TypedAst, Module, Object };

// Text for "-d" output and pass-order errors.
const char *to_string(Artifact a);

struct ModuleHolder;  // codegen/module_state.h: the LLVM module between passes
class BtfTypes;       // frontend/sema/btf_types.h
class TypeEnv;        // frontend/sema/type_env.h

// Everything passes share: inputs, the artifacts so far, and diagnostics.
struct PassContext {
  Config config;  // the command line's, then the program's config block (applied after parsing)
  SourceFile source;
  Diagnostics diags;
  std::string preprocessed;                 // Preprocessed: source text, directives blanked
  std::unique_ptr<ast::Program> ast;        // Ast
  std::vector<ExpandedProbe> probes;        // Probes: one per concrete program
  std::vector<MapSpec> maps;                // TypedAst: user maps by map_id
  std::vector<PrintfSpec> printfs;          // TypedAst: printf call sites by id
  std::vector<PrintSpec> prints;            // TypedAst: print() call sites by id
  // TypedAst: scratch variables' final types, per probe index then name.
  std::vector<std::map<std::string, Type>> var_types;
  std::shared_ptr<ModuleHolder> module;     // Module
  CompiledProgram output;                   // Object
  std::set<Artifact> available;

  PassContext(const Config &c, SourceFile src);
  ~PassContext();
  // Kernel BTF, created on first use (parsed only if a pass needs a type).
  BtfTypes &btf();
  // The name environment (script types, macros, headers, BTF), created on first use.
  TypeEnv &env();

 private:
  std::unique_ptr<BtfTypes> btf_;
  std::unique_ptr<TypeEnv> env_;
};

// One stage of the pipeline.
class Pass {
 public:
  virtual ~Pass() = default;
  virtual const char *name() const = 0;
  virtual std::vector<Artifact> reads() const = 0;
  virtual std::vector<Artifact> produces() const = 0;
  // Runs the pass; returns false when it reported errors (the pipeline stops).
  virtual bool run(PassContext &ctx) = 0;
};

// Runs passes in order, checking each one's inputs exist, stopping at the
// first pass that reports errors.
class PassManager {
 public:
  void add(std::unique_ptr<Pass> p) { passes_.push_back(std::move(p)); }
  bool run(PassContext &ctx);

 private:
  std::vector<std::unique_ptr<Pass>> passes_;
};

std::unique_ptr<Pass> CreatePreprocessPass();
std::unique_ptr<Pass> CreateParsePass();
std::unique_ptr<Pass> CreateProbeSpecPass();
std::unique_ptr<Pass> CreateSemanticPass();
std::unique_ptr<Pass> CreateCodegenPass();
std::unique_ptr<Pass> CreateEmitPass();

}  // namespace probe
