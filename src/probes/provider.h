// Probe types are providers: each parses and validates its attach points,
// expands wildcards, describes its context for the builtins, names its ELF
// section (libbpf's program type) and attaches the loaded program.
// One file per type in src/probes/.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "codegen/artifact.h"
#include "config.h"
#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "runtime/bpf_link.h"
#include "util/result.h"

struct bpf_program;

namespace probe {

class ProbeProvider;
class BtfTypes;  // frontend/sema/btf_types.h: kernel BTF, loaded on first use

// What providers may consult while expanding attach points.
struct ExpandEnv {
  const Config &cfg;
  BtfTypes &btf;
};

// One concrete program: an expanded attach point of one probe.
struct ExpandedProbe {
  ProbeProgram prog;
  std::shared_ptr<const Record> args;  // typed `args` (tracepoint fields, fentry params), or null
  // fentry/fexit/rawtracepoint: the context is an array of u64 slots;
  // args fields are read as whole slots. retval_slot is fexit's return slot.
  bool u64_slots = false;
  int retval_slot = -1;
  Type retval_type;  // fexit: the function's return type from BTF (None: u64)
  const ProbeProvider *provider = nullptr;
  int probe_index = -1;  // which ast::Probe's body this runs
};

// What a probe's context offers to builtins.
struct ProbeContext {
  bool has_regs = false;     // argN and reg() read pt_regs
  bool has_retval = false;   // retval is readable
  bool has_args = false;     // `args` is a typed record
  bool has_func = false;     // `func` names a function
  AddrSpace space = AddrSpace::Kernel;  // where untyped pointers point
  bool func_ip = false;      // `func` is the probed address (bpf_get_func_ip), named in user space
};

// uaddr("sym"): a symbol of the traced binary. The address is vaddr when
// the binary is not position-independent; else it is relative: at run time
// it is the probed instruction's address (ip) - probe_vaddr + vaddr.
struct UserSymbol {
  uint64_t vaddr = 0;
  uint64_t size = 0;
  bool relative = false;
  uint64_t probe_vaddr = 0;  // link-time address of the probed instruction
};

class ProbeProvider {
 public:
  virtual ~ProbeProvider() = default;
  // uaddr("sym") in program p: the symbol in p's binary (uprobes only).
  virtual Result<UserSymbol> user_symbol(const ProbeProgram &p, const std::string &sym) const {
    return make_error(std::string(name()) + " probes have no binary to look '" + sym + "' up in");
  }
  // Canonical name ("uprobe") and the aliases users may write ("u").
  virtual std::string_view name() const = 0;
  virtual std::vector<std::string_view> aliases() const { return {}; }
  virtual ProbeKind kind() const = 0;
  // Validates `ap` (parts already split) and appends one ExpandedProbe per
  // concrete target; reports problems to diags at ap.loc.
  virtual void expand(const ast::AttachPoint &ap, ExpandEnv &env, Diagnostics &diags,
                      std::vector<ExpandedProbe> &out) const = 0;
  virtual ProbeContext context() const = 0;
  // ELF section name for the program; selects libbpf's program type.
  virtual std::string section(const ProbeProgram &p) const = 0;
  // Configures the opened program before load (attach targets); most need nothing.
  virtual Status prepare(const ProbeProgram &p, bpf_program *prog, const Config &cfg) const {
    return Ok{};
  }
  // Attaches the loaded program; BEGIN/END return no links (the session runs them).
  virtual Result<std::vector<BpfLink>> attach(const ProbeProgram &p, bpf_program *prog,
                                              const Config &cfg) const = 0;
};

// A provider's attach() result for a probe that needs exactly one link.
inline Result<std::vector<BpfLink>> single_link(Result<BpfLink> link) {
  if (!link) return link.error();
  std::vector<BpfLink> links;
  links.push_back(std::move(*link));
  return links;
}

// Looks up a provider by canonical name or alias; nullptr when unknown.
const ProbeProvider *find_provider(std::string_view name);
// All canonical provider names, for "unknown probe type" hints.
std::vector<std::string_view> provider_names();

// Splits "uprobe:/bin/sh:f" into parts at ':' (quotes group, and are removed).
std::vector<std::string> split_attach_point(const std::string &raw);
// True when s contains a glob character (* ? [).
bool has_wildcard(const std::string &s);

}  // namespace probe
