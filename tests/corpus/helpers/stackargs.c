// Test target for sargN (issue 9): stack_args8() takes 8 integer
// arguments, so on x86-64 the 7th and 8th are passed on the stack
// (sarg0 and sarg1 at the uprobe), and the 9th..10th too (sarg2, sarg3);
// stackargs_global and stackargs_short are data objects for uaddr(),
// stackargs_mac the bytes of a MAC address for macaddr().
// Usage: stackargs [COUNT] -- calls stack_args8(i, ...) COUNT times, 100 ms apart.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

// For uaddr(): data objects of 8 and 2 bytes.
__attribute__((used)) volatile long stackargs_global = 4242;
__attribute__((used)) volatile unsigned short stackargs_short = 0xfffe;
// For macaddr(): a MAC address.
__attribute__((used)) volatile unsigned char stackargs_mac[6] = {0x00, 0x1a, 0x2b, 0x3c, 0xd4, 0xef};

__attribute__((noinline, used)) long stack_args8(long a, long b, long c, long d, long e, long f, long g, long h,
                                                 long i, long j) {
  __asm__ volatile("" ::: "memory");
  return a + b + c + d + e + f + g + h + i + j;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  long sum = 0;
  for (int i = 0; i < n; i++) {
    sum += stack_args8(1, 2, 3, 4, 5, 6, 70 + i, 80 + i, 90 + i, -100 - i);
    if (i + 1 < n) usleep(100000);
  }
  printf("%ld\n", sum + 0 * (stackargs_global + stackargs_short + stackargs_mac[0]));  // keeps them (--gc-sections)
  return 0;
}
