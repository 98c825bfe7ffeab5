#include "driver/cli.h"

#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>

#include "driver/compiler.h"
#include "driver/list.h"
#include "driver/program_source.h"
#include "frontend/settings.h"
#include "runtime/binary_resolver.h"
#include "runtime/errors.h"
#include "runtime/process.h"
#include "runtime/session.h"
#include "util/log.h"

namespace probe {

namespace {

constexpr const char *kVersion = "probe 0.1.0";

const char *kUsage =
    "USAGE:\n"
    "    probe [options] FILENAME [ARGS...]\n"
    "    probe [options] -e 'program' [ARGS...]\n"
    "    probe [options] - [ARGS...]        (program from standard input)\n"
    "    probe -l [PATTERN]                 list probes (-lv: with arguments)\n"
    "\n"
    "OPTIONS:\n"
    "    -e PROGRAM       the program to run\n"
    "    -l [PATTERN]     list attach points matching PATTERN, e.g. 'tracepoint:syscalls:*'\n"
    "    -c CMD           run CMD; probes are attached before it starts; exit when it exits\n"
    "    -p PID           trace process PID; exit when it exits\n"
    "    -d ast|ir|asm    print the parsed tree, the LLVM IR, or the BPF assembly\n"
    "    -f text|json     output format (default text)\n"
    "    -o FILE          program output to FILE (created or truncated) instead of stdout\n"
    "    -q               quiet: no 'Attaching N probes...' line\n"
    "    -B none|line|full  output buffering (default: line on a terminal, else full)\n"
    "    -k               report failed BPF helpers (map updates...) with their source location\n"
    "    -kk              -k, and failed probe reads and map lookups that find nothing too\n"
    "    --dry-run        parse, check and generate code; do not load (no root needed)\n"
    "    --emit-elf FILE  write the BPF ELF object to FILE\n"
    "    --no-kprobe-multi  attach wildcard kprobes one by one\n"
    "    --max-probes N   refuse programs that expand to more than N probes (1024)\n"
    "    --unsafe         allow system(), signal() and override()\n"
    "    -I DIR           search DIR for #include files (before the system directories)\n"
    "    --include FILE   #include FILE before the program\n"
    "    -v               verbose: libbpf messages and full verifier logs\n"
    "    -h, --help       show this help\n"
    "    -V, --version    show the version\n"
    "\n"
    "ENVIRONMENT (also set by a program's `config = { max_strlen = 128; ... }` block; the environment wins):\n"
    "    BPFTRACE_MAX_STRLEN    bytes of str() values (default 64; 0.17: BPFTRACE_STRLEN)\n"
    "    BPFTRACE_MAX_MAP_KEYS  entries per map (default 4096; also BPFTRACE_MAP_KEYS_MAX)\n"
    "    BPFTRACE_MAX_PROBES    most probes a program may expand to (default 1024)\n"
    "    BPFTRACE_MAX_CAT_BYTES most bytes cat() prints (default 10240; also BPFTRACE_CAT_BYTES_MAX)\n"
    "    BPFTRACE_PERF_RB_PAGES ring buffer pages\n"
    "    BPFTRACE_PRINT_MAPS_ON_EXIT  0: do not print maps at exit\n"
    "    BPFTRACE_MISSING_PROBES      error, warn (default) or ignore attach points that do not exist\n"
    "    BPFTRACE_STACK_MODE, _LOG_SIZE, _ON_STACK_LIMIT, _MAX_BPF_PROGS, _LICENSE, ... (accepted)\n"
    "\n"
    "SIGNALS:\n"
    "    SIGUSR1          print every map now and keep tracing\n"
    "\n"
    "EXAMPLES:\n"
    "    probe -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'\n"
    "    probe -c ./uprobed -e 'uprobe:/proc/self/exe:uprobed_add { printf(\"%d %d\\n\", arg0, arg1); }'\n";

// The parsed command line.
struct CliArgs {
  Config cfg;
  std::string program;      // -e
  std::string file;         // FILENAME or "-"
  bool have_program = false;
  bool list = false;         // -l [PATTERN]
  std::string list_pattern;
};

// "unknown option" (or "takes no argument" for --flag=value) for what getopt refused.
void report_bad_option(const char *arg, int optopt_value) {
  std::string a = arg ? arg : "";
  size_t eq = a.find('=');
  if (a.rfind("--", 0) == 0 && eq != std::string::npos && optopt_value)
    std::fprintf(stderr, "probe: error: option '%s' takes no argument\n", a.substr(0, eq).c_str());
  else if (a.rfind("--", 0) != 0 && optopt_value > 0 && optopt_value < 256)
    std::fprintf(stderr, "probe: error: unknown option '-%c'\n", optopt_value);
  else
    std::fprintf(stderr, "probe: error: unknown option '%s'\n", a.c_str());
  std::fputs("hint: see `probe --help`\n", stderr);
}

// Returns 0 to continue, or an exit status (+1 so that 0 can mean "go on").
int parse_args(int argc, char **argv, CliArgs &a) {
  enum { kDryRun = 256, kEmitElf, kNoMulti, kMaxProbes, kUnsafe, kInclude };
  static const option longopts[] = {
      {"dry-run", no_argument, nullptr, kDryRun},   {"emit-elf", required_argument, nullptr, kEmitElf},
      {"no-kprobe-multi", no_argument, nullptr, kNoMulti},
      {"max-probes", required_argument, nullptr, kMaxProbes},
      {"unsafe", no_argument, nullptr, kUnsafe},
      {"include", required_argument, nullptr, kInclude},
      {"help", no_argument, nullptr, 'h'},          {"version", no_argument, nullptr, 'V'},
      {nullptr, 0, nullptr, 0}};
  optind = 1;
  opterr = 0;  // our own messages, in probe's "probe: error:" form
  int c;
  // '+': stop at the first non-option so positional args may look like flags;
  // ':': a missing argument returns ':' (not '?').
  while ((c = getopt_long(argc, argv, "+:e:c:p:d:f:o:B:I:qklvhV", longopts, nullptr)) != -1) {
    switch (c) {
      case 'e': a.program = optarg; a.have_program = true; break;
      case 'c':
        if (std::string(optarg).find_first_not_of(" \t") == std::string::npos) {
          std::fputs("probe: error: -c needs a command, not an empty string\n", stderr);
          return 2;
        }
        a.cfg.cmd = optarg;
        break;
      case 'p': {
        char *end = nullptr;
        long pid = std::strtol(optarg, &end, 10);
        if (*end || pid <= 0 || pid > INT_MAX) {
          std::fprintf(stderr, "probe: error: -p needs a process id, not '%s'\n", optarg);
          return 2;
        }
        a.cfg.pid = static_cast<pid_t>(pid);
        a.cfg.pid_filter = true;
        break;
      }
      case 'd': {
        std::string what = optarg;
        if (what == "ast") a.cfg.dump_ast = true;
        else if (what == "ir") a.cfg.dump_ir = true;
        else if (what == "asm") a.cfg.dump_asm = true;
        else {
          std::fprintf(stderr, "probe: error: -d takes ast, ir or asm, not '%s'\n", optarg);
          return 2;
        }
        break;
      }
      case 'f': {
        std::string f = optarg;
        if (f == "text") a.cfg.format = OutputFormat::Text;
        else if (f == "json") a.cfg.format = OutputFormat::Json;
        else {
          std::fprintf(stderr, "probe: error: -f takes text or json, not '%s'\n", optarg);
          return 2;
        }
        break;
      }
      case 'o':
        if (!*optarg) {
          std::fputs("probe: error: -o needs a file name\n", stderr);
          return 2;
        }
        a.cfg.output_file = optarg;
        break;
      case 'q': a.cfg.quiet = true; break;
      case 'k': a.cfg.helper_check_level = std::min(a.cfg.helper_check_level + 1, 2); break;
      case 'B': {
        std::string m = optarg;
        if (m == "none") a.cfg.buffering = BufferMode::None;
        else if (m == "line") a.cfg.buffering = BufferMode::Line;
        else if (m == "full") a.cfg.buffering = BufferMode::Full;
        else {
          std::fprintf(stderr, "probe: error: -B takes none, line or full, not '%s'\n", optarg);
          return 2;
        }
        break;
      }
      case 'v': a.cfg.verbose = true; break;
      case 'l': a.list = true; break;
      case 'h': std::fputs(kUsage, stdout); return 1;
      case 'V': std::puts(kVersion); return 1;
      case kDryRun: a.cfg.dry_run = true; break;
      case kEmitElf:
        if (!*optarg) {
          std::fputs("probe: error: --emit-elf needs a file name\n", stderr);
          return 2;
        }
        a.cfg.emit_elf = optarg;
        break;
      case kNoMulti: a.cfg.kprobe_multi = false; break;
      case kUnsafe: a.cfg.unsafe = true; break;
      case 'I':
      case kInclude:
        if (!*optarg) {
          std::fprintf(stderr, "probe: error: %s needs a %s\n", c == 'I' ? "-I" : "--include",
                       c == 'I' ? "directory" : "file name");
          return 2;
        }
        (c == 'I' ? a.cfg.include_dirs : a.cfg.include_files).push_back(optarg);
        break;
      case kMaxProbes: {
        char *end = nullptr;
        errno = 0;
        long long n = std::strtoll(optarg, &end, 10);
        if (end == optarg || *end || errno || n <= 0 || n > UINT_MAX) {
          std::fprintf(stderr, "probe: error: --max-probes needs a positive number, not '%s'\n", optarg);
          return 2;
        }
        a.cfg.max_probes = static_cast<unsigned>(n);
        a.cfg.env_settings.push_back("max_probes");  // the flag beats a config block
        break;
      }
      case ':':
        std::fprintf(stderr, "probe: error: option '%s' needs an argument\nhint: see `probe --help`\n",
                     argv[optind - 1]);
        return 2;
      default: report_bad_option(argv[optind - 1], optopt); return 2;
    }
  }
  int i = optind;
  if (a.list) {
    if (i < argc) a.list_pattern = argv[i++];
    if (i < argc) {
      std::fprintf(stderr, "probe: error: -l takes one pattern, not '%s' too\n", argv[i]);
      return 2;
    }
    return 0;
  }
  if (!a.have_program) {
    if (i >= argc) {
      std::fputs("probe: error: no program given: use -e 'program' or a file name\n\n", stderr);
      std::fputs(kUsage, stderr);
      return 2;
    }
    a.file = argv[i++];
  }
  for (; i < argc; i++) a.cfg.params.push_back(argv[i]);
  if (!a.cfg.cmd.empty() && a.cfg.pid) {
    std::fputs("probe: error: -c and -p cannot be used together\n", stderr);
    return 2;
  }
  return 0;
}

// The BPFTRACE_* settings (frontend/settings.h), as bpftrace reads them; a bad value is an error.
Status read_env(Config &cfg) {
  std::string why = read_env_settings(cfg, [](const char *name) { return std::getenv(name); });
  if (!why.empty()) return make_error(why, EINVAL);
  return Ok{};
}

// Opens -o FILE for writing (created or truncated, not inherited by -c), as
// bpftrace does before anything else; -1 with a reported error.
int open_output(const std::string &path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) report_error(stderr, sys_error("cannot open the output file '" + path + "'", errno));
  return fd;
}

Result<SourceFile> read_source(const CliArgs &a) {
  if (a.have_program) return SourceFile{"stdin", a.program};
  auto text = read_program_file(a.file);
  if (!text) return text.error();
  return SourceFile{a.file == "-" ? "stdin" : a.file, std::move(*text)};
}

// What /proc/self/exe names in attach points: the -p process ("" for a
// kernel thread), or probe itself; -c sets it from the child.
Result<std::string> self_exe(const Config &cfg) {
  // -p: uprobes go on /proc/PID/exe itself (see resolve_binary), not on the
  // path the link names, which may be inside a container or deleted.
  if (cfg.pid) {
    auto exe = process_exe(*cfg.pid);
    // --dry-run needs no access to the process (no root): compile as if it had.
    if (!exe && cfg.dry_run && exe.error().err != ESRCH) return "/proc/" + std::to_string(*cfg.pid) + "/exe";
    return exe;
  }
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n < 0) return sys_error("cannot read /proc/self/exe", errno);
  return std::string(buf, n);
}

bool write_file(const std::string &path, const std::vector<uint8_t> &data) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(data.data()), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(out);
}

// Everything run_cli does; what it printed through stdio is checked after.
int run(int argc, char **argv) {
  CliArgs a;
  if (int rc = parse_args(argc, argv, a)) return rc - 1;
  Config &cfg = a.cfg;
  timespec start{};
  clock_gettime(CLOCK_MONOTONIC, &start);  // elapsed counts from here
  cfg.start_ns = static_cast<unsigned long long>(start.tv_sec) * 1000000000ull + start.tv_nsec;
  if (a.list) return list_probes(a.list_pattern, cfg.verbose, cfg);
  Logger::get().set_level(cfg.verbose ? LogLevel::Debug : LogLevel::Warning);
  if (auto st = read_env(cfg); !st) return report_error(stderr, st.error()), 1;
  // -o: opened first (an unwritable path fails before anything is compiled or attached).
  int out_fd = STDOUT_FILENO;
  if (!cfg.output_file.empty() && (out_fd = open_output(cfg.output_file)) < 0) return 1;
  struct FdCloser {  // the -o file, closed on every return
    int fd;
    ~FdCloser() {
      if (fd != STDOUT_FILENO) ::close(fd);
    }
  } out_closer{out_fd};
  auto src = read_source(a);
  if (!src) {
    report_error(stderr, src.error());
    return 1;
  }
  // The -c child is spawned (held before exec) before compiling: its pid is
  // `cpid` and resolves binaries in its namespace (uprobes still fire in every
  // process, as with bpftrace); the destructor kills it on any error path.
  std::optional<ChildProcess> child;
  if (!cfg.cmd.empty()) {
    auto c = ChildProcess::spawn_held(cfg.cmd);
    if (!c) {
      report_error(stderr, c.error());
      return 1;
    }
    child.emplace(std::move(*c));
    cfg.pid = child->pid();
  }
  auto exe = child ? Result<std::string>(child->exe_path()) : self_exe(cfg);
  if (!exe) {
    report_error(stderr, exe.error());
    return 1;
  }
  cfg.self_exe = *exe;

  auto ctx = compile(cfg, std::move(*src));
  std::fwrite(ctx->output.listing.data(), 1, ctx->output.listing.size(), stdout);  // -d ir|asm
  if (!ctx->diags.all().empty()) std::fputs(ctx->diags.render(ctx->source).c_str(), stderr);
  if (ctx->diags.has_errors()) return 1;
  const CompiledProgram &prog = ctx->output;
  if (!cfg.emit_elf.empty() && !write_file(cfg.emit_elf, prog.elf)) {
    std::fprintf(stderr, "probe: error: cannot write '%s'\n", cfg.emit_elf.c_str());
    return 1;
  }
  if (cfg.dry_run) return 0;

  // The program's config block may have changed settings: run with the pipeline's.
  const Config &run_cfg = ctx->config;
  return run_session(prog, run_cfg, make_attach_fn(run_cfg), child ? &*child : nullptr, make_prepare_fn(run_cfg),
                     out_fd);
}

// rc, or 1 when what went to stdout through stdio (-l, -d ast, --help) was
// not all written: a full disk must not look like success.
int check_stdout(int rc) {
  errno = 0;
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return rc;
  int err = errno;  // 0 when an earlier fflush failed and only ferror remembers
  return err == EPIPE && rc ? rc : write_failure_status(err);
}

}  // namespace

int run_cli(int argc, char **argv) { return check_stdout(run(argc, argv)); }

}  // namespace probe
