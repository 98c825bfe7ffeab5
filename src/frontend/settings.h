// The settings a program's `config = { key = value; ... }` block and the
// BPFTRACE_* environment variables set (bpftrace's config variables). One
// table serves both, so they accept the same names and values.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config.h"
#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace probe {

// The canonical (lower-case) name of a setting written as `max_strlen`,
// `MAX_STRLEN` or `BPFTRACE_MAX_STRLEN` (and 0.17's spellings such as
// BPFTRACE_STRLEN); "" when there is no such setting.
std::string canonical_setting(const std::string &key);
// Every setting's canonical name, for hints.
std::vector<std::string> setting_names();
// Sets a setting from its text; "" or what is wrong with the value ("a number of bytes from 1 to 1024").
std::string apply_setting(Config &cfg, const std::string &name, const std::string &value);
// Reads the BPFTRACE_* variables through getenv; the first bad value is an
// error "BPFTRACE_X must be ..., not 'v'". Records which settings were set.
std::string read_env_settings(Config &cfg, const std::function<const char *(const char *)> &getenv);
// Applies a program's config block to cfg: unknown keys and bad values are
// located errors; settings the environment gave are kept (the environment wins).
void apply_config_block(const std::vector<ast::ConfigEntry> &entries, Config &cfg, Diagnostics &diags);

}  // namespace probe
