// tracee: a test-only target for the runtime corpus (tests/corpus/cases).
//
//   tracee [-n COUNT] [-s STRING] [-i MS]
//
// COUNT times (default 1): calls tracee_str(STRING, i), tracee_args6(i, ..., i+5),
// tracee_neg(i), then the libc wrappers getpid() and getppid() (one syscall
// each), then tracee_bytes(BYTES, 8, i) and tracee_argv(ARGV, i), sleeping MS
// milliseconds between rounds (default 0). BYTES is "ab\0\x01\x7f\x80\xffz" (for
// buf() and %r; 0x10..0x17 follow it), ARGV is {"one", "two", "three", NULL} (for join()).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) int tracee_str(const char *s, int n) {
  asm volatile("" ::"r"(s) : "memory");
  return (int)strlen(s) + n;
}

__attribute__((noinline)) long tracee_args6(long a, long b, long c, long d, long e, long f) {
  asm volatile("");
  return a + b + c + d + e + f;
}

__attribute__((noinline)) int tracee_neg(int x) {
  asm volatile("");
  return -x;
}

__attribute__((noinline)) int tracee_bytes(const unsigned char *p, long n, int i) {
  asm volatile("" ::"r"(p) : "memory");
  return (int)n + p[0] + i;
}

__attribute__((noinline)) int tracee_argv(const char *const *argv, int i) {
  asm volatile("" ::"r"(argv) : "memory");
  return argv[0][0] + i;
}

// 8 bytes for buf(), then 8 more so that a 14-byte struct (ethhdr) reads defined memory.
static const unsigned char kBytes[16] = {'a', 'b', 0x00, 0x01, 0x7f, 0x80, 0xff, 'z',
                                        0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17};
static const char *const kArgv[] = {"one", "two", "three", NULL};
// Passed through volatile pointers: with constant arguments clang-19 clones the
// functions (tracee_bytes.specialized.1) and the symbols the cases probe vanish.
static const unsigned char *volatile bytes_arg = kBytes;
static const char *const *volatile argv_arg = kArgv;

int main(int argc, char **argv) {
  long count = 1, interval_ms = 0;
  const char *str = "hello";
  int opt;
  while ((opt = getopt(argc, argv, "n:s:i:")) != -1) {
    switch (opt) {
      case 'n': count = atol(optarg); break;
      case 's': str = optarg; break;
      case 'i': interval_ms = atol(optarg); break;
      default: fprintf(stderr, "usage: %s [-n COUNT] [-s STRING] [-i MS]\n", argv[0]); return 2;
    }
  }
  volatile long sink = 0;
  for (long i = 0; i < count; i++) {
    sink += tracee_str(str, (int)i);
    sink += tracee_args6(i, i + 1, i + 2, i + 3, i + 4, i + 5);
    sink += tracee_neg((int)i);
    sink += getpid();
    sink += getppid();
    sink += tracee_bytes(bytes_arg, 8, (int)i);
    sink += tracee_argv(argv_arg, (int)i);
    if (interval_ms > 0 && i + 1 < count) {
      struct timespec ts = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};
      nanosleep(&ts, NULL);
    }
  }
  return 0;
}
