// Library-level end-to-end test: compile a program through the library API,
// attach it to a function of this very test binary, call the function and
// read what the probes printed. Needs root (skipped otherwise).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <thread>

#include "driver/compiler.h"

extern "C" __attribute__((noinline, used)) int uprobed_add(int a, int b) {
  asm volatile("");
  return a + b;
}

namespace probe {
namespace {

std::string self_path() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, n) : std::string();
}

// Compiles `text`, runs the session in a thread while calling
// uprobed_add(22, 23) until the program calls exit(); returns stdout.
std::string run_with_calls(const std::string &text, int *rc) {
  Config cfg;
  cfg.self_exe = self_path();
  auto ctx = compile(cfg, SourceFile{"test", text});
  EXPECT_FALSE(ctx->diags.has_errors()) << ctx->diags.render(ctx->source);
  if (ctx->diags.has_errors()) return "";
  testing::internal::CaptureStdout();
  std::atomic<bool> done{false};
  std::thread session([&] {
    *rc = run_session(ctx->output, cfg, make_attach_fn(cfg));
    done = true;
  });
  // The probes attach asynchronously; keep calling until one fires exit().
  for (int i = 0; i < 1000 && !done; i++) {
    EXPECT_EQ(uprobed_add(22, 23), 45);
    usleep(10 * 1000);
  }
  session.join();
  return testing::internal::GetCapturedStdout();
}

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "attaching uprobes needs root";
  }
};

TEST_F(SessionTest, UprobeReadsArguments) {
  int rc = -1;
  std::string out = run_with_calls(
      "uprobe:/proc/self/exe:uprobed_add { printf(\"%d %d\\n\", arg0, arg1); exit(); }", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("Attaching 1 probe...\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\n22 23\n"), std::string::npos) << out;
}

TEST_F(SessionTest, UretprobeReadsReturnValue) {
  int rc = -1;
  std::string out = run_with_calls(
      "uretprobe:/proc/self/exe:uprobed_add { printf(\"%d\\n\", retval); exit(); }", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("\n45\n"), std::string::npos) << out;
}

TEST_F(SessionTest, MapsPrintAtExit) {
  int rc = -1;
  std::string out = run_with_calls(
      "uprobe:/proc/self/exe:uprobed_add { @calls[arg0, arg1] = count(); @sum = sum(arg1); exit(); }", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("@calls[22, 23]: 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("@sum: 23\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace probe
