#include "runtime/output.h"

#include <string>

#include "frontend/printf_format.h"
#include "runtime/errors.h"
#include "runtime/map_printer.h"
#include "runtime/value_format.h"
#include "util/log.h"

namespace probe {

Output::Output(int out_fd, OutputFormat format, const CompiledProgram &prog, std::vector<int> map_fds)
    : out_(out_fd), format_(format), prog_(prog), map_fds_(std::move(map_fds)) {
  for (const auto &p : prog.printfs) formats_.push_back(compile_printf_format(p.format));
}

bool Output::render_format(const PrintfSpec &spec, const uint8_t *payload, size_t size, std::string *out) {
  for (size_t i = 0; i < spec.args.size() && i < spec.offsets.size(); i++) {
    if (spec.offsets[i] + storage_size(spec.args[i]) > size) {
      PROBE_LOG(Warning, "truncated printf event (%zu bytes) dropped", size);
      return false;
    }
  }
  // Call sites from this program use their pre-parsed format.
  const PrintfSpec *first = prog_.printfs.data();
  size_t index = (&spec >= first && &spec < first + prog_.printfs.size()) ? size_t(&spec - first) : SIZE_MAX;
  out->clear();
  auto render = [this](const Type &t, const uint8_t *p) { return format_value(t, p, &values_); };
  if (index < formats_.size())
    format_printf_compiled(*out, formats_[index], spec.args, payload, spec.offsets, render);
  else
    *out = format_printf(spec.format, spec.args, payload, spec.offsets, render);
  return true;
}

void Output::write_typed(const char *type, const std::string &text) {
  if (format_ == OutputFormat::Json)
    out_.write(std::string("{\"type\": \"") + type + "\", \"data\": " + json_quote(text) + "}\n");
  else
    out_.write(text);
}

void Output::printf_event(const PrintfSpec &spec, const uint8_t *payload, size_t size) {
  if (!render_format(spec, payload, size, &line_)) return;
  write_typed("printf", line_);
}

void Output::print_event(const PrintSpec &spec, const uint8_t *payload, size_t size) {
  if (storage_size(spec.type) > size) {
    PROBE_LOG(Warning, "truncated print event (%zu bytes) dropped", size);
    return;
  }
  std::string text = format_ == OutputFormat::Json
                         ? "{\"type\": \"value\", \"data\": " + format_value_json(spec.type, payload, &values_) + "}\n"
                         : format_value(spec.type, payload, &values_) + "\n";
  out_.write(text);
}

Status Output::print_map(uint32_t index) {
  if (index >= prog_.maps.size() || index >= map_fds_.size() || map_fds_[index] < 0)
    return make_error("print of unknown map #" + std::to_string(index));
  auto st = probe::print_map(out_, prog_.maps[index], map_fds_[index], format_, &values_);
  if (!st) map_read_failed_ = true;
  return st;
}

Status Output::clear_map(uint32_t index) {
  if (index >= prog_.maps.size() || index >= map_fds_.size() || map_fds_[index] < 0)
    return make_error("clear of unknown map #" + std::to_string(index));
  return probe::clear_map(prog_.maps[index], map_fds_[index]);
}

Status Output::zero_map(uint32_t index) {
  if (index >= prog_.maps.size() || index >= map_fds_.size() || map_fds_[index] < 0)
    return make_error("zero of unknown map #" + std::to_string(index));
  return probe::zero_map(prog_.maps[index], map_fds_[index]);
}

void Output::print_all_maps() {
  if (format_ == OutputFormat::Text) out_.write("\n\n");
  for (uint32_t i = 0; i < prog_.maps.size() && !out_.error(); i++) {
    auto st = print_map(i);
    if (!st) report_error(stderr, st.error());
  }
  flush();
}

void Output::attached_probes(size_t n) {
  if (format_ == OutputFormat::Json)
    out_.write("{\"type\": \"attached_probes\", \"data\": {\"probes\": " + std::to_string(n) + "}}\n");
  else
    out_.write("Attaching " + std::to_string(n) + " probe" + (n == 1 ? "" : "s") + "...\n");
  flush();
}

void Output::lost_events(uint64_t n) {
  if (format_ == OutputFormat::Json) {
    out_.write("{\"type\": \"lost_events\", \"data\": {\"events\": " + std::to_string(n) + "}}\n");
    flush();
  } else {
    std::fprintf(stderr, "Lost %llu events\n", (unsigned long long)n);
  }
}

}  // namespace probe
