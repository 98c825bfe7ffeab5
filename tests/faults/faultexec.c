// faultexec: runs a command with one system call made to fail, for fault
// injection tests (tests/faults/run.sh).
//
//   faultexec [RULE] [--nofile N] [--pid-file F] -- CMD [ARGS...]
//   RULE: --bpf-cmd BPF_PROG_LOAD | --syscall perf_event_open   (what to fail)
//         [--map-type RINGBUF] [--prog-type KPROBE]             (bpf: only these)
//         [--nth N]                                             (only the Nth match)
//         --errno EPERM                                         (how it fails)
//
// A seccomp filter hands the chosen system call to this process (user
// notification); it reads the bpf() attribute's first word (map or program
// type) from the caller's memory, counts matches, and either fails the call
// with the errno or lets it run. It is also the child subreaper of CMD, so a
// descendant CMD leaves running (a -c child) is found: after CMD exits, any
// process still alive below us is reported, killed, and makes the exit
// status 99. Otherwise the exit status is CMD's (128+N when killed by N).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "faultexec: add this architecture's AUDIT_ARCH"
#endif

struct name_value {
  const char *name;
  long value;
};

#define NV(x) {#x, x}
static const struct name_value kErrnos[] = {
    NV(EPERM), NV(ENOENT), NV(ESRCH), NV(EINTR), NV(EIO), NV(E2BIG), NV(EBADF), NV(EAGAIN),
    NV(ENOMEM), NV(EACCES), NV(EFAULT), NV(EBUSY), NV(EEXIST), NV(ENODEV), NV(EINVAL),
    NV(ENFILE), NV(EMFILE), NV(EFBIG), NV(ENOSPC), NV(ERANGE), NV(ENOSYS), NV(EOPNOTSUPP),
    {NULL, 0}};
static const struct name_value kBpfCmds[] = {
    NV(BPF_MAP_CREATE), NV(BPF_MAP_LOOKUP_ELEM), NV(BPF_MAP_UPDATE_ELEM), NV(BPF_MAP_DELETE_ELEM),
    NV(BPF_MAP_GET_NEXT_KEY), NV(BPF_PROG_LOAD), NV(BPF_OBJ_PIN), NV(BPF_OBJ_GET),
    NV(BPF_PROG_ATTACH), NV(BPF_PROG_DETACH), NV(BPF_PROG_TEST_RUN), NV(BPF_OBJ_GET_INFO_BY_FD),
    NV(BPF_RAW_TRACEPOINT_OPEN), NV(BPF_BTF_LOAD), NV(BPF_MAP_LOOKUP_AND_DELETE_ELEM),
    NV(BPF_MAP_FREEZE), NV(BPF_MAP_LOOKUP_BATCH), NV(BPF_LINK_CREATE), NV(BPF_LINK_UPDATE),
    NV(BPF_LINK_DETACH), {NULL, 0}};
static const struct name_value kMapTypes[] = {
    NV(BPF_MAP_TYPE_HASH), NV(BPF_MAP_TYPE_ARRAY), NV(BPF_MAP_TYPE_PERCPU_HASH),
    NV(BPF_MAP_TYPE_PERCPU_ARRAY), NV(BPF_MAP_TYPE_STACK_TRACE), NV(BPF_MAP_TYPE_LRU_HASH),
    NV(BPF_MAP_TYPE_RINGBUF), {NULL, 0}};
static const struct name_value kProgTypes[] = {
    NV(BPF_PROG_TYPE_SOCKET_FILTER), NV(BPF_PROG_TYPE_KPROBE), NV(BPF_PROG_TYPE_TRACEPOINT),
    NV(BPF_PROG_TYPE_PERF_EVENT), NV(BPF_PROG_TYPE_RAW_TRACEPOINT), NV(BPF_PROG_TYPE_TRACING),
    {NULL, 0}};
static const struct name_value kSyscalls[] = {
    {"bpf", SYS_bpf}, {"perf_event_open", SYS_perf_event_open}, {"mount", SYS_mount},
    {"openat", SYS_openat}, {"ioctl", SYS_ioctl}, {"mmap", SYS_mmap}, {"pipe2", SYS_pipe2},
    {NULL, 0}};

// The value of name in table (also without prefix, e.g. "RINGBUF"), or a number.
static long lookup(const struct name_value *table, const char *prefix, const char *name, const char *what) {
  char *end;
  long v = strtol(name, &end, 0);
  if (*name && !*end) return v;
  for (const struct name_value *t = table; t->name; t++)
    if (!strcmp(t->name, name) || (!strncmp(t->name, prefix, strlen(prefix)) && !strcmp(t->name + strlen(prefix), name)))
      return t->value;
  fprintf(stderr, "faultexec: unknown %s '%s'\n", what, name);
  exit(2);
}

struct rule {
  long nr;         // the system call to intercept, -1 for none
  long bpf_cmd;    // bpf(): only this command, -1 for any
  long attr_type;  // bpf(): only this map_type/prog_type (first word of attr), -1 for any
  long nth;        // fail only the Nth match (1-based), 0 for every one
  long err;
  long seen;
};

static void usage(void) {
  fputs("usage: faultexec [--bpf-cmd CMD | --syscall NAME] [--map-type T | --prog-type T] [--nth N]\n"
        "                 [--errno E] [--nofile N] [--pid-file F] [--verbose] -- CMD [ARGS...]\n",
        stderr);
  exit(2);
}

// Installs a filter that sends syscall nr to a listener; returns the listener fd.
static int install_filter(long nr) {
  struct sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {.len = sizeof code / sizeof code[0], .filter = code};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
  return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static void send_fd(int sock, int fd) {
  char byte = 'f';
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  if (sendmsg(sock, &msg, 0) != 1) _exit(126);
}

static int recv_fd(int sock) {
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  if (recvmsg(sock, &msg, 0) != 1) return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

// Whether the intercepted call matches the rule (reads bpf()'s attr from the caller).
static int matches(struct rule *r, const struct seccomp_notif *n) {
  if (n->data.nr != r->nr) return 0;
  if (r->nr == SYS_bpf && r->bpf_cmd >= 0 && (long)n->data.args[0] != r->bpf_cmd) return 0;
  if (r->nr == SYS_bpf && r->attr_type >= 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", n->pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    uint32_t type = UINT32_MAX;
    if (fd >= 0) {
      if (pread(fd, &type, sizeof type, (off_t)n->data.args[1]) != sizeof type) type = UINT32_MAX;
      close(fd);
    }
    if ((long)type != r->attr_type) return 0;
  }
  r->seen++;
  return r->nth == 0 || r->seen == r->nth;
}

// Answers one notification: fail it per the rule, or let the kernel run it.
static void handle(int listener, struct rule *r, int verbose) {
  struct seccomp_notif n;
  memset(&n, 0, sizeof n);
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &n) != 0) return;  // the caller went away
  struct seccomp_notif_resp resp;
  memset(&resp, 0, sizeof resp);
  resp.id = n.id;
  if (matches(r, &n) && ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n.id) == 0) {
    resp.error = -(int)r->err;
    if (verbose)
      fprintf(stderr, "faultexec: failing syscall %d (arg0 %llu) of pid %d with errno %ld\n", n.data.nr,
              (unsigned long long)n.data.args[0], n.pid, r->err);
  } else {
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  }
  (void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

// Descendants left after CMD exited were reparented to us: reports and
// kills them; returns how many there were.
static int reap_leftovers(void) {
  struct timespec ts = {0, 20 * 1000 * 1000};
  for (int round = 0; round < 50; round++) {  // a second for them to finish exiting
    pid_t p;
    while ((p = waitpid(-1, NULL, WNOHANG)) > 0) {
    }
    if (p < 0 && errno == ECHILD) return 0;
    nanosleep(&ts, NULL);
  }
  int leaked = 0;
  DIR *d = opendir("/proc");
  for (struct dirent *e; d && (e = readdir(d));) {
    pid_t pid = atoi(e->d_name);
    if (pid <= 0) continue;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) continue;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *lp = strchr(buf, '('), *paren = strrchr(buf, ')');
    int ppid = 0;
    char state = 0;
    if (!lp || !paren || sscanf(paren + 2, "%c %d", &state, &ppid) != 2 || ppid != getpid()) continue;
    if (state == 'Z' || state == 'X') continue;
    fprintf(stderr, "faultexec: LEAK: process %d %.*s outlived the command\n", pid, (int)(paren - lp + 1), lp);
    kill(pid, SIGKILL);
    leaked++;
  }
  if (d) closedir(d);
  while (waitpid(-1, NULL, 0) > 0) {
  }
  return leaked;
}

int main(int argc, char **argv) {
  struct rule r = {.nr = -1, .bpf_cmd = -1, .attr_type = -1, .nth = 0, .err = EPERM};
  long nofile = -1;
  const char *pid_file = NULL;
  int verbose = 0, i;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) {
      i++;
      break;
    }
    if (!strcmp(a, "--verbose")) {
      verbose = 1;
      continue;
    }
    if (i + 1 >= argc) usage();
    const char *v = argv[++i];
    if (!strcmp(a, "--bpf-cmd")) r.nr = SYS_bpf, r.bpf_cmd = lookup(kBpfCmds, "BPF_", v, "bpf command");
    else if (!strcmp(a, "--syscall")) r.nr = lookup(kSyscalls, "", v, "system call");
    else if (!strcmp(a, "--map-type")) r.attr_type = lookup(kMapTypes, "BPF_MAP_TYPE_", v, "map type");
    else if (!strcmp(a, "--prog-type")) r.attr_type = lookup(kProgTypes, "BPF_PROG_TYPE_", v, "program type");
    else if (!strcmp(a, "--nth")) r.nth = atol(v);
    else if (!strcmp(a, "--errno")) r.err = lookup(kErrnos, "", v, "errno");
    else if (!strcmp(a, "--nofile")) nofile = atol(v);
    else if (!strcmp(a, "--pid-file")) pid_file = v;
    else usage();
  }
  if (i >= argc) usage();
  if (r.attr_type >= 0 && r.bpf_cmd < 0) {
    fputs("faultexec: --map-type/--prog-type need --bpf-cmd\n", stderr);
    return 2;
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) perror("faultexec: PR_SET_CHILD_SUBREAPER");
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return perror("socketpair"), 2;
  pid_t child = fork();
  if (child < 0) return perror("fork"), 2;
  if (child == 0) {
    close(sv[0]);
    if (r.nr >= 0) {
      int listener = install_filter(r.nr);
      if (listener < 0) {
        perror("faultexec: seccomp");
        _exit(126);
      }
      send_fd(sv[1], listener);
      close(listener);
    }
    close(sv[1]);
    if (nofile >= 0) {
      struct rlimit rl = {(rlim_t)nofile, (rlim_t)nofile};
      if (setrlimit(RLIMIT_NOFILE, &rl) != 0) perror("faultexec: setrlimit");
    }
    execvp(argv[i], argv + i);
    fprintf(stderr, "faultexec: cannot run %s: %s\n", argv[i], strerror(errno));
    _exit(127);
  }
  close(sv[1]);
  if (pid_file) {
    FILE *f = fopen(pid_file, "w");
    if (f) fprintf(f, "%d\n", child), fclose(f);
  }
  int listener = r.nr >= 0 ? recv_fd(sv[0]) : -1;
  close(sv[0]);
  int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
  int status = 0;
  for (;;) {
    struct pollfd fds[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = listener, .events = POLLIN}};
    int n = poll(fds, listener >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 100);
    if (n < 0 && errno != EINTR) break;
    if (listener >= 0 && (fds[1].revents & POLLIN)) handle(listener, &r, verbose);
    if (waitpid(child, &status, WNOHANG) == child) break;
  }
  if (listener >= 0) close(listener);  // descendants' intercepted calls now fail with ENOSYS
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return reap_leftovers() ? 99 : rc;
}
