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

Status Output::print_map(uint32_t index, uint64_t top, uint64_t div) {
  if (index >= prog_.maps.size() || index >= map_fds_.size() || map_fds_[index] < 0)
    return make_error("print of unknown map #" + std::to_string(index));
  bool keep_zero = index < zeroed_.size() && zeroed_[index];
  auto st = probe::print_map(out_, prog_.maps[index], map_fds_[index], format_, &values_, top, div, keep_zero);
  if (!st) map_read_failed_ = true;
  return st;
}

Status Output::print_entry(uint32_t index, const uint8_t *key, size_t size) {
  if (index >= prog_.maps.size() || index >= map_fds_.size() || map_fds_[index] < 0)
    return make_error("print of unknown map #" + std::to_string(index));
  if (size < prog_.maps[index].key_size) return make_error("truncated print event");
  return probe::print_entry(out_, prog_.maps[index], map_fds_[index], key, format_, &values_);
}

Status Output::clear_map(uint32_t index) {
  if (index >= prog_.maps.size() || index >= map_fds_.size() || map_fds_[index] < 0)
    return make_error("clear of unknown map #" + std::to_string(index));
  zeroed_.resize(prog_.maps.size());
  zeroed_[index] = 0;
  return probe::clear_map(prog_.maps[index], map_fds_[index]);
}

Status Output::zero_map(uint32_t index) {
  if (index >= prog_.maps.size() || index >= map_fds_.size() || map_fds_[index] < 0)
    return make_error("zero of unknown map #" + std::to_string(index));
  zeroed_.resize(prog_.maps.size());
  zeroed_[index] = 1;
  return probe::zero_map(prog_.maps[index], map_fds_[index]);
}

void Output::print_all_maps(bool at_exit) {
  if (at_exit && format_ == OutputFormat::Text) out_.write("\n\n");
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

void Output::helper_error(const HelperErrorSite &site, int64_t rc) {
  if (site.helper == 0) {  // no helper: a division by zero (current bpftrace's warning)
    static const char kMsg[] = "Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result.";
    if (format_ == OutputFormat::Json)
      out_.write("{\"type\": \"runtime_error\", \"msg\": " + json_quote(kMsg) + ", \"line\": " +
                 std::to_string(site.loc.begin.line) + ", \"col\": " + std::to_string(site.loc.begin.column) + "}\n");
    else
      out_.write(site.where + ": WARNING: " + kMsg + "\n" + site.context);
    flush();
    return;
  }
  if (format_ == OutputFormat::Json) {
    out_.write("{\"type\": \"helper_error\", \"helper\": " + json_quote(site.helper_name) +
               ", \"retcode\": " + std::to_string(rc) + ", \"line\": " + std::to_string(site.loc.begin.line) +
               ", \"col\": " + std::to_string(site.loc.begin.column) + "}\n");
    return;
  }
  // bpftrace: "strerror (rc)" for an error code, the bare value otherwise (a lookup's 0).
  std::string what = rc < 0 && rc > -4096 ? errno_text(int(-rc)) + " (" + std::to_string(rc) + ")" : std::to_string(rc);
  out_.write(site.where + ": WARNING: Failed to " + site.helper_name + ": " + what + "\n" + site.context);
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
