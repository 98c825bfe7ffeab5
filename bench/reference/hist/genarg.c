// Per-event workload for the hist bench: umask(i - 2) for i = 0 .. N-1, timed; prints ns per call.
// umask is as cheap as getppid() (the existing floor's syscall) but carries an argument, so the
// tracepoint sees a loop counter: -2, -1, 0, 1, 2, ... N-3 fill every hist bucket from "negative"
// to [2^k, 2^(k+1)) and the expected histogram is known exactly. The process's own umask is the
// only thing it changes.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) syscall(SYS_umask, i - 2);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.1f ns/call\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
  return 0;
}
