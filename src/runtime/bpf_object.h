// RAII owner of a libbpf bpf_object opened from the compiler's in-memory ELF,
// with verifier-log capture so rejected programs can be reported clearly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "util/result.h"

struct bpf_object;
struct bpf_program;

namespace probe {

// Why bpf_object__load failed: the verifier rejected a program (full_log
// set), or the kernel refused a program or map for another reason (no log:
// resources, policy), or it refused BPF altogether (no names).
struct LoadFailure {
  std::string prog_name;  // ELF name of the rejected program ("" if none identified)
  std::string summary;    // last meaningful verifier lines, e.g. "R1 invalid mem access 'scalar'"
  std::string full_log;   // the whole verifier log
  std::string map_name;   // ELF name of the map the kernel would not create ("" if none)
  std::string map_detail; // that map's type and size, e.g. "percpu_hash, 4096 entries of 8+8 bytes"
};

// Routes libbpf's messages through Logger (Debug level only); idempotent.
void install_libbpf_logger();

// Extracts a LoadFailure from captured libbpf output (exposed for tests).
LoadFailure parse_load_log(const std::string &libbpf_output);

// An opened (and later loaded) BPF object; move-only, closed on destruction.
class BpfObject {
 public:
  // Opens the ELF image; name becomes the object name shown by bpftool.
  static Result<BpfObject> open_mem(const std::vector<uint8_t> &elf, const std::string &name);

  BpfObject(BpfObject &&o) noexcept;
  BpfObject &operator=(BpfObject &&o) noexcept;
  BpfObject(const BpfObject &) = delete;
  BpfObject &operator=(const BpfObject &) = delete;
  ~BpfObject();

  // Creates maps and loads programs; on verifier rejection fills *fail.
  Status load(LoadFailure *fail);
  // The program with this ELF function name, or nullptr.
  bpf_program *find_program(const std::string &name) const;
  // The fd of the map with this name, or -1.
  int map_fd(const std::string &name) const;
  // "percpu_hash, 4096 entries of 8+8 bytes" / "ringbuf, 4 MiB" for error messages; "" if unknown.
  std::string map_detail(const std::string &name) const;
  bpf_object *get() const { return obj_; }

 private:
  BpfObject() = default;
  bpf_object *obj_ = nullptr;
  // libbpf keeps pointing into the ELF image until load; owned here.
  std::unique_ptr<std::vector<uint8_t>> image_;
};

}  // namespace probe
