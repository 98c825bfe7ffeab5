// Struct and union layout as gcc computes it for x86-64 (System V ABI):
// each member at the next offset that is a multiple of its alignment, the
// record's alignment the largest of its members', its size rounded up to
// it. Bit-fields are allocated from the current bit position and move to
// the next unit of their type only when they would straddle one (never
// when packed); a zero-width bit-field aligns the position to its type;
// unnamed bit-fields do not raise the record's alignment. Fields follow
// the conventions of btf_types.cpp (offset = byte of the first bit,
// bitfield_shift = bit within it), so codegen reads both alike.
#include <algorithm>
#include <set>

#include "frontend/cdecl_parser.h"

namespace probe::cdecl {

namespace {

constexpr uint64_t kMaxRecordBytes = UINT32_MAX;

uint64_t round_up(uint64_t n, uint64_t a) { return a <= 1 ? n : (n + a - 1) / a * a; }

// The alignment a member gets in this record: natural, 1 when packed,
// raised by aligned(N).
uint32_t member_align(const Member &m, const Attrs &record) {
  uint32_t a = (record.packed || m.attrs.packed) ? 1 : m.type.align;
  return std::max(a, m.attrs.aligned);
}

// Appends field f (at byte offset base) to rec, failing on a duplicate name.
bool add_field(Record &rec, std::set<std::string> &names, Field f, uint32_t base) {
  if (!names.insert(f.name).second) return false;
  f.offset += base;
  rec.fields.push_back(std::move(f));
  return true;
}

// Adds member m placed at byte offset off: its field, or an anonymous
// record's fields flattened.
std::optional<LayoutError> place(Record &rec, std::set<std::string> &names, const Member &m, size_t i,
                                 uint32_t off, uint32_t shift) {
  if (m.anonymous) {
    if (m.type.type.record)
      for (const Field &f : m.type.type.record->fields)
        if (!add_field(rec, names, f, off)) return LayoutError{i, "duplicate member '" + f.name + "'"};
    return std::nullopt;
  }
  if (m.name.empty()) return std::nullopt;  // unnamed bit-field: padding only
  Field f;
  f.name = m.name;
  f.type = std::make_shared<const Type>(m.type.type);
  if (m.bitfield) {
    f.bitfield_bits = m.bits;
    f.bitfield_shift = shift;
  }
  if (!add_field(rec, names, std::move(f), off)) return LayoutError{i, "duplicate member '" + m.name + "'"};
  return std::nullopt;
}

}  // namespace

std::optional<LayoutError> layout_record(const std::vector<Member> &members, bool is_union, const Attrs &attrs,
                                         Record &rec, uint32_t &align) {
  std::set<std::string> names;
  uint64_t bitpos = 0;   // struct: next free bit
  uint64_t max_bytes = 0;  // union: largest member
  uint32_t max_align = 1;
  for (size_t i = 0; i < members.size(); i++) {
    const Member &m = members[i];
    if (m.flexible && (is_union || i + 1 != members.size()))
      return LayoutError{i, is_union ? "flexible array member '" + m.name + "' in a union"
                                     : "flexible array member '" + m.name + "' is not the last member"};
    uint32_t a = member_align(m, attrs);
    bool packed = attrs.packed || m.attrs.packed;
    uint64_t start;
    uint64_t bits;
    if (m.bitfield) {
      uint64_t unit = uint64_t(m.type.type.size) * 8;
      if (m.bits == 0) {  // `int :0`: the next bit-field starts a new unit
        if (!is_union) bitpos = round_up(bitpos, uint64_t(m.type.align) * 8);
        continue;
      }
      start = is_union ? 0 : bitpos;
      if (!packed && unit && start / unit != (start + m.bits - 1) / unit) start = round_up(start, unit);
      bits = m.bits;
      if (!m.name.empty()) max_align = std::max(max_align, a);
    } else {
      start = is_union ? 0 : round_up(round_up(bitpos, 8), uint64_t(a) * 8);
      bits = uint64_t(m.type.type.size) * 8;
      max_align = std::max(max_align, a);
    }
    if ((start + bits + 7) / 8 > kMaxRecordBytes)
      return LayoutError{i, std::string(is_union ? "union" : "struct") + " is larger than 4 GiB"};
    if (auto err = place(rec, names, m, i, uint32_t(start / 8), uint32_t(start % 8))) return err;
    if (is_union)
      max_bytes = std::max(max_bytes, (bits + 7) / 8);
    else
      bitpos = start + bits;
  }
  align = std::max(max_align, attrs.aligned);
  uint64_t bytes = is_union ? max_bytes : (bitpos + 7) / 8;
  uint64_t size = round_up(bytes, align);
  if (size > kMaxRecordBytes)
    return LayoutError{members.size(), std::string(is_union ? "union" : "struct") + " is larger than 4 GiB"};
  rec.size = uint32_t(size);
  return std::nullopt;
}

}  // namespace probe::cdecl
