#include "runtime/fd_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

#include "codegen/artifact.h"
#include "runtime/output.h"

namespace probe {
namespace {

// Reads fd to EOF, slowly (small reads with pauses) so the writer blocks.
std::string slow_read_all(int fd, int pause_every = 16) {
  std::string s;
  char buf[1024];
  for (int i = 0;; i++) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    s.append(buf, size_t(n));
    if (i % pause_every == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return s;
}

std::string numbered_lines(int n) {
  std::string s;
  for (int i = 0; i < n; i++) s += "line " + std::to_string(i) + " of the output\n";
  return s;
}

void on_alarm(int) {}

// The loss in issue 7: a signal handler without SA_RESTART interrupting a
// blocked write to a pipe. Every byte must still arrive, in order.
TEST(FdWriter, SignalsDuringBlockedWritesLoseNothing) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  struct sigaction sa = {}, old = {};
  sa.sa_handler = on_alarm;  // deliberately no SA_RESTART
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, &old);
  itimerval every{{0, 500}, {0, 500}};  // a signal every 0.5 ms
  setitimer(ITIMER_REAL, &every, nullptr);
  std::string text = numbered_lines(20480), got;
  std::thread reader([&] { got = slow_read_all(p[0]); });
  {
    FdWriter w(p[1]);
    for (size_t i = 0; i < text.size(); i += 1000) w.write(std::string_view(text).substr(i, 1000));
    EXPECT_TRUE(w.flush());
    EXPECT_EQ(w.error(), 0);
  }
  itimerval off{};
  setitimer(ITIMER_REAL, &off, nullptr);
  sigaction(SIGALRM, &old, nullptr);
  close(p[1]);
  reader.join();
  close(p[0]);
  EXPECT_EQ(got.size(), text.size());
  EXPECT_TRUE(got == text);
}

// An O_NONBLOCK stdout (inherited from a parent) returns EAGAIN when full: wait, do not drop.
TEST(FdWriter, NonBlockingPipeLosesNothing) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_NONBLOCK), 0);
  fcntl(p[0], F_SETFL, 0);
  std::string text = numbered_lines(10000), got;
  std::thread reader([&] { got = slow_read_all(p[0], 4); });
  {
    FdWriter w(p[1]);
    w.write(text);
    EXPECT_TRUE(w.flush());
  }
  close(p[1]);
  reader.join();
  close(p[0]);
  EXPECT_TRUE(got == text);
}

TEST(FdWriter, FullDeviceIsAnError) {
  int fd = open("/dev/full", O_WRONLY);
  if (fd < 0) GTEST_SKIP() << "no /dev/full";
  FdWriter w(fd);
  w.write("hello\n");
  EXPECT_FALSE(w.flush());
  EXPECT_EQ(w.error(), ENOSPC);
  w.write("more\n");  // dropped, the first error stays
  EXPECT_FALSE(w.flush());
  EXPECT_EQ(w.error(), ENOSPC);
  close(fd);
}

TEST(FdWriter, ClosedReaderIsEpipe) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  close(p[0]);
  struct sigaction ign = {}, old = {};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old);
  FdWriter w(p[1]);
  w.write("x\n");
  EXPECT_FALSE(w.flush());
  EXPECT_EQ(w.error(), EPIPE);
  sigaction(SIGPIPE, &old, nullptr);
  close(p[1]);
}

// Large writes flush on their own once past kFlushAt, small ones wait for flush().
TEST(FdWriter, BuffersUntilThreshold) {
  std::FILE *f = std::tmpfile();
  FdWriter w(fileno(f));
  w.write("abc");
  EXPECT_EQ(lseek(fileno(f), 0, SEEK_END), 0);
  w.write(std::string(FdWriter::kFlushAt, 'x'));
  EXPECT_EQ(lseek(fileno(f), 0, SEEK_END), off_t(FdWriter::kFlushAt + 3));
  w.write("z");
  EXPECT_TRUE(w.flush());
  EXPECT_EQ(lseek(fileno(f), 0, SEEK_END), off_t(FdWriter::kFlushAt + 4));
  std::fclose(f);
}

TEST(Output, FullDeviceIsReported) {
  int fd = open("/dev/full", O_WRONLY);
  if (fd < 0) GTEST_SKIP() << "no /dev/full";
  CompiledProgram p;
  Output out(fd, OutputFormat::Text, p, {});
  EXPECT_EQ(out.write_error(), 0);
  out.attached_probes(1);  // flushes
  EXPECT_EQ(out.write_error(), ENOSPC);
  EXPECT_FALSE(out.flush());
  close(fd);
}

}  // namespace
}  // namespace probe
