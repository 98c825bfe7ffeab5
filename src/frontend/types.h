// The type system shared by semantic analysis, codegen and the runtime's
// value decoding. Also defines how values are laid out in maps and events.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace probe {

enum class TypeKind {
  None,     // not yet inferred, or an error was reported
  Void,     // statements and calls with no value
  Int,      // integer of size 1/2/4/8, signed or not
  String,   // NUL-terminated bytes of fixed capacity `size`
  Pointer,  // address of `elem` (kernel or user space)
  Record,   // struct from BTF or a tracepoint format; see `record`
  Array,    // `count` elements of `elem`
  Tuple,    // `(a, b, ...)` and multi-key map keys; see `fields`
  Ctx,      // the probe's context pointer (pt_regs, tracepoint args)
  Aggregation,  // a map value of count(), hist()...: see `agg`; never read in expressions
  Ksym,     // a kernel address, printed as its symbol name (func, ksym())
  Kstack,   // a kernel stack id in the stack-trace map, printed as frames
  Buffer,   // buf(p, n): up to `size` raw bytes after a u64 length; printed with \xNN escapes
  Inet,     // ntop(): {u64 family (AF_INET/AF_INET6); u8 addr[16]}, printed as an address
  Timestamp,  // strftime(fmt, ns): u64 ns since boot; `name` holds the strftime format
  Formatted,  // a u64 that user space turns into text when printing; `name` says how
              // (strerror, username, macaddr, cgroup_path[:FILTER]): see runtime/value_format
};

// Where a pointer points: decides bpf_probe_read_kernel vs _user.
enum class AddrSpace { None, Kernel, User };

struct Type;

// Which aggregation a map holds: its name ("count", "lhist") and constant
// parameters (hist's sub-bucket bits; lhist's min, max, step). The compiler
// (builtins/agg/) and the runtime (runtime/agg/) each look the name up in
// their own registry; this is all the two halves share.
struct AggregationRef {
  std::string name;
  std::vector<int64_t> params;

  friend bool operator==(const AggregationRef &, const AggregationRef &) = default;
};

// One member of a record (struct) type.
struct Field {
  std::string name;
  std::shared_ptr<const Type> type;
  uint32_t offset = 0;  // bytes from the start of the record
  uint32_t bitfield_bits = 0;   // 0 when not a bitfield
  uint32_t bitfield_shift = 0;  // bit offset within the loaded unit
};

// A struct's layout, built lazily from BTF or a tracepoint format file.
struct Record {
  std::string name;  // "struct task_struct", "tracepoint:syscalls:sys_enter_openat"
  uint32_t size = 0;
  std::vector<Field> fields;

  // Returns the field called name, or nullptr.
  const Field *find(const std::string &name) const;
};

// A value's static type. Cheap to copy; nested types are shared.
struct Type {
  TypeKind kind = TypeKind::None;
  uint32_t size = 0;  // bytes of the value (string capacity for String)
  bool is_signed = false;
  AddrSpace as = AddrSpace::None;
  std::shared_ptr<const Type> elem;      // Pointer target, Array element
  uint32_t count = 0;                    // Array length
  std::vector<Type> fields;              // Tuple members
  std::shared_ptr<const Record> record;  // Record layout
  std::string name;                      // C spelling for Int/Record ("u32", "struct file")
  AggregationRef agg;                    // Aggregation: which one, with its parameters

  static Type none() { return Type{}; }
  static Type void_() { return make(TypeKind::Void, 0); }
  static Type integer(uint32_t size, bool is_signed);
  static Type u64() { return integer(8, false); }
  static Type i64() { return integer(8, true); }
  static Type string(uint32_t size);
  static Type pointer(Type to, AddrSpace as);
  static Type record_of(std::shared_ptr<const Record> r);
  // A struct known by name only ("struct sockaddr"): laid out from BTF on use.
  static Type named_record(std::string name) {
    Type t = make(TypeKind::Record, 0);
    t.name = std::move(name);
    return t;
  }
  static Type array(Type elem, uint32_t count);
  static Type tuple(std::vector<Type> members);
  static Type ctx() { return make(TypeKind::Ctx, 8); }
  static Type aggregation(AggregationRef a);
  static Type ksym() { return make(TypeKind::Ksym, 8); }
  static Type kstack() { return make(TypeKind::Kstack, 8); }
  // A buffer of up to `capacity` bytes (layout: u64 length, then the bytes).
  static Type buffer(uint32_t capacity) { return make(TypeKind::Buffer, capacity); }
  static Type inet() { return make(TypeKind::Inet, 24); }
  // A time (ns since boot) printed through strftime format fmt (%f: microseconds).
  static Type timestamp(std::string fmt) {
    Type t = make(TypeKind::Timestamp, 8);
    t.name = std::move(fmt);
    return t;
  }

  // A value printed as text made in user space from its u64 (strerror(e),
  // username, macaddr(p), cgroup_path(id)); how is the formatter's name.
  static Type formatted(std::string how) {
    Type t = make(TypeKind::Formatted, 8);
    t.name = std::move(how);
    return t;
  }

  bool is(TypeKind k) const { return kind == k; }
  bool is_int() const { return kind == TypeKind::Int; }
  bool is_aggregation() const { return kind == TypeKind::Aggregation; }
  // Integers, pointers and symbols read as integers in expressions.
  bool is_integral() const {
    return is_int() || kind == TypeKind::Pointer || kind == TypeKind::Ksym || kind == TypeKind::Kstack;
  }
  // Human-readable spelling for diagnostics: "int64", "string[64]", "(int64, string[16])".
  std::string to_string() const;

  friend bool operator==(const Type &a, const Type &b);
  friend bool operator!=(const Type &a, const Type &b) { return !(a == b); }

 private:
  static Type make(TypeKind k, uint32_t size) {
    Type t;
    t.kind = k;
    t.size = size;
    return t;
  }
};

// Bytes a value of type t occupies in maps, ring-buffer events and tuples:
// integers and pointers are widened to 8 bytes, strings are
// rounded up to 8, tuples are their members' storage sizes back to back.
uint32_t storage_size(const Type &t);

// Bytes a pointer of type p moves per element in p + 1 (its pointee's size;
// 1 for void and unsized pointees).
uint32_t pointee_size(const Type &p);

// Byte offset of tuple member i inside the tuple's storage.
uint32_t tuple_offset(const Type &tuple, size_t i);

}  // namespace probe
