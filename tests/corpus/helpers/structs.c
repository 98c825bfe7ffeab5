// structs: a test-only target for the runtime corpus (tests/corpus/cases/types.test,
// pointers.test): passes pointers to structs of a known layout and content, so
// that script struct definitions and casts can be checked value by value.
//
//   structs [-n COUNT]
//
// COUNT times (default 1): structs_rec(&r1, i) (r1.next points to r2),
// structs_ints(kInts, 6, i), structs_point(&p, i),
// structs_args8(i+1, ..., i+6, i+70, i+80); then once: a UDP connect()
// to 127.0.0.1:4242 and one to [::1]:4243 (no packet is sent; for
// tracepoint:syscalls:sys_enter_connect and its args->uservaddr).
// The layouts on x86-64 are spelled out in the comments (offsetof / sizeof).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct inner {
  short s;      // 0
  char tag[4];  // 2
};              // sizeof 6, align 2

struct rec {
  int a;                                 // 0
  char b;                                // 4
  long c;                                // 8
  struct inner in;                       // 16
  int arr[4];                            // 24
  unsigned int f1 : 3, f2 : 5, f3 : 12;  // 40 (bits 0-2, 3-7, 8-19)
  union {
    int i;
    char c4[4];
  } u;                // 44
  struct rec *next;   // 48
  char name[16];      // 56
};                    // sizeof 72

struct point {
  int x, y;
};

static struct rec r2 = {-5, 'x', 1234567890123L, {-2, "abc"}, {10, 20, 30, 40}, 5, 17, 3000, {0x64636261}, NULL,
                        "second"};
static struct rec r1 = {7, 'y', -1, {300, "xyz"}, {1, 2, 3, 4}, 7, 31, 4095, {0x01020304}, &r2, "first"};
static const int kInts[6] = {100, -200, 300, -400, 500, -600};
static struct point pt = {3, -4};
// Volatile pointers: with constant arguments clang clones the functions and
// the probed symbols vanish (see tracee.c).
static struct rec *volatile rec_arg = &r1;
static const int *volatile ints_arg = kInts;
static struct point *volatile point_arg = &pt;

__attribute__((noinline)) int structs_rec(struct rec *r, int i) {
  asm volatile("" ::"r"(r) : "memory");
  return r->a + i;
}

__attribute__((noinline)) int structs_ints(const int *p, int n, int i) {
  asm volatile("" ::"r"(p) : "memory");
  return p[0] + n + i;
}

__attribute__((noinline)) int structs_point(struct point *p, int i) {
  asm volatile("" ::"r"(p) : "memory");
  return p->x + i;
}

// Eight arguments: on x86-64 the 7th and 8th are passed on the stack (sarg0, sarg1).
__attribute__((noinline)) long structs_args8(long a, long b, long c, long d, long e, long f, long g, long h) {
  asm volatile("");
  return a + b + c + d + e + f + g + h;
}

static void udp_connect(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd >= 0) {
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(4242);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)connect(fd, (struct sockaddr *)&sa, sizeof sa);
    close(fd);
  }
  fd = socket(AF_INET6, SOCK_DGRAM, 0);
  if (fd >= 0) {
    struct sockaddr_in6 sa6 = {0};
    sa6.sin6_family = AF_INET6;
    sa6.sin6_port = htons(4243);
    sa6.sin6_addr = in6addr_loopback;
    (void)connect(fd, (struct sockaddr *)&sa6, sizeof sa6);
    close(fd);
  }
}

int main(int argc, char **argv) {
  long count = 1;
  if (argc == 3 && strcmp(argv[1], "-n") == 0) count = atol(argv[2]);
  volatile long sink = 0;
  // Touch kInts first: probes read it with bpf_probe_read_user, which
  // cannot fault in a .rodata page the process has not used yet.
  for (int k = 0; k < 6; k++) sink += ints_arg[k];
  for (long i = 0; i < count; i++) {
    sink += structs_rec(rec_arg, (int)i);
    sink += structs_ints(ints_arg, 6, (int)i);
    sink += structs_point(point_arg, (int)i);
    sink += structs_args8(i + 1, i + 2, i + 3, i + 4, i + 5, i + 6, i + 70, i + 80);
  }
  udp_connect();
  return 0;
}
