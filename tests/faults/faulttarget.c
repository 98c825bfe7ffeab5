// faulttarget: the -c command of the fault tests. Writes its pid to PIDFILE
// (so the runner can check it does not outlive probe), then calls
// pffault_fn() every 20 ms, COUNT times (0 = forever).
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) int pffault_fn(int i) {
  __asm__ volatile("");
  return i * 2 + 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: faulttarget PIDFILE [COUNT]\n", stderr);
    return 2;
  }
  FILE *f = fopen(argv[1], "w");
  if (f) fprintf(f, "%d\n", (int)getpid()), fclose(f);
  long count = argc > 2 ? atol(argv[2]) : 0;
  struct timespec ts = {0, 20 * 1000 * 1000};
  volatile int sink = 0;
  for (long i = 0; count == 0 || i < count; i++) {
    sink += pffault_fn((int)i);
    nanosleep(&ts, NULL);
  }
  return 0;
}
