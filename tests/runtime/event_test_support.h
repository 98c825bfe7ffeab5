// Helpers shared by the runtime tests that feed ring-buffer records to an
// Output / EventLoop and read back what it wrote.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "codegen/artifact.h"
#include "runtime/output.h"

namespace probe::test {

// Everything out wrote to f (the Output writes to fileno(f)).
inline std::string read_all(Output &out, std::FILE *f) {
  out.flush();
  std::rewind(f);
  std::string s;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

// One ring-buffer record: the header, then the payload.
inline std::vector<uint8_t> record(EventKind k, uint32_t id, std::vector<uint8_t> payload = {}) {
  EventHeader h{uint32_t(k), id};
  const uint8_t *hb = reinterpret_cast<const uint8_t *>(&h);
  std::vector<uint8_t> r(hb, hb + sizeof h);
  r.insert(r.end(), payload.begin(), payload.end());
  return r;
}

}  // namespace probe::test
