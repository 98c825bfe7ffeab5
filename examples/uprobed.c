// uprobed: the target program for the uprobe/uretprobe examples and tests.
//
//   uprobed [-n COUNT] [-i MS] [-q] [-v]
//
// Loops i = 0 .. COUNT-1 (default 5; 0 = forever), calling
//   uprobed_add(i, i + 1)   and   uprobed_sub(i * i, i)
// then sleeping MS milliseconds (default 1000; 0 = no sleep). Prints nothing
// unless -v ("add(a, b) = r" / "sub(a, b) = r" per call); -q silences -v.
//
//   probe -c './build/examples/uprobed -n 5 -i 200' -e 'uprobe:/proc/self/exe:uprobed_add
//     { printf("add %d %d\n", arg0, arg1); }'
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

// noinline + the empty asm keep each call a real call with a real symbol.
__attribute__((noinline)) int uprobed_add(int a, int b) {
  asm volatile("");
  return a + b;
}

__attribute__((noinline)) int uprobed_sub(int a, int b) {
  asm volatile("");
  return a - b;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static long parse_num(const char *s, const char *what) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < 0) {
    fprintf(stderr, "uprobed: bad %s '%s'\n", what, s);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv) {
  long count = 5, interval_ms = 1000;
  int verbose = 0, quiet = 0, opt;
  while ((opt = getopt(argc, argv, "n:i:qvh")) != -1) {
    switch (opt) {
      case 'n': count = parse_num(optarg, "count"); break;
      case 'i': interval_ms = parse_num(optarg, "interval"); break;
      case 'q': quiet = 1; break;
      case 'v': verbose = 1; break;
      default:
        fprintf(stderr, "usage: %s [-n COUNT (0 = forever)] [-i MS] [-q] [-v]\n", argv[0]);
        return opt == 'h' ? 0 : 2;
    }
  }
  for (long i = 0; count == 0 || i < count; i++) {
    int a = (int)i;
    int r1 = uprobed_add(a, a + 1);
    int r2 = uprobed_sub(a * a, a);
    if (verbose && !quiet) {
      printf("add(%d, %d) = %d\nsub(%d, %d) = %d\n", a, a + 1, r1, a * a, a, r2);
      fflush(stdout);
    }
    if (interval_ms > 0 && (count == 0 || i + 1 < count)) sleep_ms(interval_ms);
  }
  return 0;
}
