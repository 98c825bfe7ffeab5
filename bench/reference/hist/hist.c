// Loader for hist.bpf.c: `hist PROGRAM N GEN` loads and attaches PROGRAM (hist_array or
// hist_hash), runs `GEN N` (its "X ns/call" line goes to our stdout), then sums the per-CPU
// buckets and prints them one a line as "BUCKET COUNT" (non-zero buckets only) after "buckets:",
// preceded by the program's run_time_ns and run_cnt (kernel bpf_stats).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#define NBUCKETS 66
int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: hist hist_array|hist_hash N GEN\n"); return 2; }
  const char *which = argv[1];
  struct bpf_object *obj = bpf_object__open_file("hist.bpf.o", NULL);
  if (!obj) { fprintf(stderr, "open failed\n"); return 1; }
  struct bpf_program *p;
  bpf_object__for_each_program(p, obj) bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), which));
  if (bpf_object__load(obj)) { fprintf(stderr, "load failed\n"); return 1; }
  struct bpf_link *l = bpf_program__attach(bpf_object__find_program_by_name(obj, which));
  if (!l) { fprintf(stderr, "attach failed\n"); return 1; }
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) { execl(argv[3], argv[3], argv[2], (char *)NULL); _exit(127); }
  int st;
  if (waitpid(c, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) { fprintf(stderr, "generator failed\n"); return 1; }
  // The kernel's own account of the program (nonzero only while someone holds BPF_ENABLE_STATS).
  struct bpf_prog_info info = {0};
  __u32 len = sizeof info;
  if (!bpf_obj_get_info_by_fd(bpf_program__fd(bpf_object__find_program_by_name(obj, which)), &info, &len))
    printf("run_time_ns %llu run_cnt %llu\n", (unsigned long long)info.run_time_ns, (unsigned long long)info.run_cnt);
  bpf_link__destroy(l);
  int ncpu = libbpf_num_possible_cpus();
  int fd = bpf_map__fd(bpf_object__find_map_by_name(obj, strcmp(which, "hist_hash") ? "hist" : "hist_h"));
  unsigned long long *v = calloc((size_t)ncpu * NBUCKETS, sizeof *v), sum[NBUCKETS] = {0};
  unsigned long long key = 0;  // 0 both as the array's u32 index and the hash's u64 key
  if (bpf_map_lookup_elem(fd, &key, v)) { fprintf(stderr, "map read failed\n"); return 1; }
  for (int cpu = 0; cpu < ncpu; cpu++)
    for (int b = 0; b < NBUCKETS; b++) sum[b] += v[(size_t)cpu * NBUCKETS + b];
  printf("buckets:\n");
  for (int b = 0; b < NBUCKETS; b++) if (sum[b]) printf("%d %llu\n", b, sum[b]);
  return 0;
}
