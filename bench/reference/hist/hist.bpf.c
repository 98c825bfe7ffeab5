// The hand-written floor for `tracepoint:syscalls:sys_enter_umask { @ = hist(args->mask); }`:
// what a careful libbpf author writes. One per-CPU array slot holding all 66 buckets (the
// verifier inlines a per-CPU array lookup: no helper call, no hashing), a branch-light log2,
// one increment. Bucket semantics are bpftrace's: 0 = negative, 1 = zero, 2 + floor(log2 v)
// for v >= 1 (so [1], [2, 4), [4, 8), ..., up to bucket 65 for [2^63, ...)).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
char LICENSE[] SEC("license") = "GPL";

#define NBUCKETS 66
struct buckets { __u64 b[NBUCKETS]; };
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct buckets); } hist SEC(".maps");
// The same histogram in a per-CPU hash keyed by a u64 (what a keyed map `@[k] = hist(x)` needs):
// shown to separate the cost of the map kind from the cost of the log2.
struct { __uint(type, BPF_MAP_TYPE_PERCPU_HASH); __uint(max_entries, 1); __uint(map_flags, BPF_F_NO_PREALLOC); __type(key, __u64); __type(value, struct buckets); } hist_h SEC(".maps");

static __always_inline __u64 log2_bucket(__s64 v) {
  if (v < 0) return 0;
  if (v == 0) return 1;
  __u64 n = v;
  __u64 r = 0, s;
  s = (n > 0xFFFFFFFFull) << 5; n >>= s; r |= s;
  s = (n > 0xFFFF) << 4; n >>= s; r |= s;
  s = (n > 0xFF) << 3; n >>= s; r |= s;
  s = (n > 0xF) << 2; n >>= s; r |= s;
  s = (n > 0x3) << 1; n >>= s; r |= s;
  r |= n >> 1;
  return r + 2;
}

// args->mask is declared `int` in the tracepoint's format: bpftrace reads it as a signed int.
SEC("tracepoint/syscalls/sys_enter_umask") int hist_array(struct trace_event_raw_sys_enter *ctx) {
  __u32 zero = 0;
  struct buckets *h = bpf_map_lookup_elem(&hist, &zero);
  if (!h) return 0;
  __u64 b = log2_bucket((int)ctx->args[0]);
  if (b < NBUCKETS) h->b[b]++;  // per-CPU slot: no other writer, a plain increment
  return 0;
}

SEC("tracepoint/syscalls/sys_enter_umask") int hist_hash(struct trace_event_raw_sys_enter *ctx) {
  __u64 key = 0;
  struct buckets *h = bpf_map_lookup_elem(&hist_h, &key);
  if (!h) {
    static const struct buckets empty;
    bpf_map_update_elem(&hist_h, &key, &empty, BPF_NOEXIST);
    h = bpf_map_lookup_elem(&hist_h, &key);
    if (!h) return 0;
  }
  __u64 b = log2_bucket((int)ctx->args[0]);
  if (b < NBUCKETS) h->b[b]++;
  return 0;
}
