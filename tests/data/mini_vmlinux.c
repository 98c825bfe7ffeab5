// Source of mini_vmlinux.btf: a small vmlinux-like BTF for the compile
// fuzzer and tests that must not depend on the host kernel's BTF.
// Regenerate with tests/data/make_mini_btf.sh (clang -g -target bpf, then
// the .BTF section alone). Shapes follow Linux 6.x: structs, unions,
// anonymous members, bitfields, arrays, enums, typedefs, const/volatile,
// function pointers, self-referencing pointers, kernel functions and the
// btf_trace_* typedefs of raw tracepoints.
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
typedef _Bool bool;
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned long size_t;
typedef long ssize_t;
typedef long long loff_t;
typedef unsigned short umode_t;
typedef unsigned int fmode_t;
typedef struct { int counter; } atomic_t;
typedef struct { s64 counter; } atomic64_t;
typedef struct { uid_t val; } kuid_t;

struct list_head { struct list_head *next, *prev; };
struct hlist_node { struct hlist_node *next, **pprev; };
struct rb_node { unsigned long __rb_parent_color; struct rb_node *rb_right; struct rb_node *rb_left; };

enum task_state_bits { TASK_RUNNING = 0, TASK_INTERRUPTIBLE = 1, TASK_UNINTERRUPTIBLE = 2, TASK_DEAD = 128 };

struct qstr {
  union {
    struct { u32 hash; u32 len; };
    u64 hash_len;
  };
  const unsigned char *name;
};

struct inode;
struct super_block { unsigned long s_blocksize; u8 s_blocksize_bits; char s_id[32]; unsigned long s_magic; };
struct dentry {
  unsigned int d_flags;
  struct hlist_node d_hash;
  struct dentry *d_parent;
  struct qstr d_name;
  struct inode *d_inode;
  unsigned char d_iname[40];
  struct super_block *d_sb;
};
struct inode {
  umode_t i_mode;
  unsigned short i_opflags;
  kuid_t i_uid;
  unsigned int i_flags;
  unsigned long i_ino;
  union { const unsigned int i_nlink; unsigned int __i_nlink; };
  loff_t i_size;
  struct super_block *i_sb;
  atomic64_t i_version;
};
struct vfsmount { struct dentry *mnt_root; struct super_block *mnt_sb; int mnt_flags; };
struct path { struct vfsmount *mnt; struct dentry *dentry; };
struct file;
struct file_operations {
  ssize_t (*read)(struct file *, char *, size_t, loff_t *);
  ssize_t (*write)(struct file *, const char *, size_t, loff_t *);
  int (*open)(struct inode *, struct file *);
};
struct file {
  union { struct list_head f_list; void *f_rcuhead; };
  struct path f_path;
  struct inode *f_inode;
  const struct file_operations *f_op;
  unsigned int f_flags;
  fmode_t f_mode;
  loff_t f_pos;
  void *private_data;
};
struct filename { const char *name; const char *uptr; int refcnt; const char iname[]; };

struct cred { atomic_t usage; kuid_t uid; kuid_t euid; gid_t gid; unsigned securebits; };
struct mm_struct { unsigned long task_size; unsigned long start_code, end_code, start_data, end_data; unsigned long start_brk, brk, start_stack; unsigned long arg_start, arg_end, env_start, env_end; };
struct load_weight { unsigned long weight; u32 inv_weight; };
struct sched_entity { struct load_weight load; struct rb_node run_node; u64 deadline; unsigned int on_rq; u64 exec_start; u64 sum_exec_runtime; u64 vruntime; };
struct thread_info { unsigned long flags; u32 status; u32 cpu; };
struct task_struct {
  struct thread_info thread_info;
  unsigned int __state;
  void *stack;
  int on_cpu;
  int prio, static_prio, normal_prio;
  unsigned int rt_priority;
  struct sched_entity se;
  unsigned int policy;
  int nr_cpus_allowed;
  struct list_head tasks;
  struct mm_struct *mm, *active_mm;
  int exit_state;
  int exit_code;
  int exit_signal;
  unsigned sched_reset_on_fork:1;
  unsigned sched_contributes_to_load:1;
  unsigned sched_migrated:1;
  unsigned :0;
  unsigned in_execve:1;
  unsigned in_iowait:1;
  pid_t pid;
  pid_t tgid;
  struct task_struct *real_parent;
  struct task_struct *parent;
  struct list_head children;
  struct list_head sibling;
  struct task_struct *group_leader;
  u64 utime, stime;
  u64 start_time;
  const struct cred *real_cred;
  const struct cred *cred;
  char comm[16];
  volatile long saved_state;
  int (*fn)(void *);
  s8 small_signed;
  s16 medium_signed;
  enum task_state_bits state_bits;
  u32 cpus_mask[4];
  struct file *files_arr[2];
};

struct in_addr { u32 s_addr; };
struct sockaddr { unsigned short sa_family; char sa_data[14]; };
struct sockaddr_in { unsigned short sin_family; u16 sin_port; struct in_addr sin_addr; unsigned char __pad[8]; };
struct in6_addr { union { u8 u6_addr8[16]; u16 u6_addr16[8]; u32 u6_addr32[4]; } in6_u; };
struct sock_common {
  union { u64 skc_addrpair; struct { u32 skc_daddr; u32 skc_rcv_saddr; }; };
  union { u32 skc_portpair; struct { u16 skc_dport; u16 skc_num; }; };
  unsigned short skc_family;
  volatile unsigned char skc_state;
  struct in6_addr skc_v6_daddr;
  struct in6_addr skc_v6_rcv_saddr;
};
struct sock { struct sock_common __sk_common; int sk_rcvbuf; int sk_sndbuf; u32 sk_priority; };
struct sk_buff { union { struct { struct sk_buff *next; struct sk_buff *prev; }; struct rb_node rbnode; }; struct sock *sk; unsigned int len, data_len; u16 mac_len, hdr_len; u16 protocol; unsigned char *head, *data; };
struct msghdr { void *msg_name; int msg_namelen; unsigned int msg_flags; };
struct pt_regs { unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss; };
struct stat { unsigned long st_dev; unsigned long st_ino; unsigned long st_nlink; unsigned int st_mode; unsigned int st_uid; unsigned int st_gid; long st_size; };

struct trace_entry { unsigned short type; unsigned char flags; unsigned char preempt_count; int pid; };
struct trace_event_raw_sys_enter { struct trace_entry ent; long id; unsigned long args[6]; char __data[0]; };
struct trace_event_raw_sys_exit { struct trace_entry ent; long id; long ret; char __data[0]; };
struct trace_event_raw_sched_switch { struct trace_entry ent; char prev_comm[16]; pid_t prev_pid; int prev_prio; long prev_state; char next_comm[16]; pid_t next_pid; int next_prio; char __data[0]; };
struct trace_event_raw_sched_process_exec { struct trace_entry ent; u32 __data_loc_filename; pid_t pid; pid_t old_pid; char __data[0]; };

typedef void (*btf_trace_sys_enter)(void *, struct pt_regs *, long);
typedef void (*btf_trace_sys_exit)(void *, struct pt_regs *, long);
typedef void (*btf_trace_sched_switch)(void *, bool, struct task_struct *, struct task_struct *, unsigned int);
typedef void (*btf_trace_sched_process_exec)(void *, struct task_struct *, pid_t, void *);

// Kernel functions (BTF_KIND_FUNC): the bodies only keep the types alive.
ssize_t vfs_read(struct file *file, char *buf, size_t count, loff_t *pos) { return (ssize_t)(file->f_pos + count + (long)buf + (long)pos); }
ssize_t vfs_write(struct file *file, const char *buf, size_t count, loff_t *pos) { return (ssize_t)count + (long)file + (long)buf + (long)pos; }
int vfs_open(const struct path *path, struct file *file) { return path->mnt->mnt_flags + (int)file->f_flags; }
int do_unlinkat(int dfd, struct filename *name) { return dfd + name->refcnt; }
long do_sys_openat2(int dfd, const char *filename, void *how) { return dfd + (long)filename + (long)how; }
long do_nanosleep(void *t, int mode) { return (long)t + mode; }
int tcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size) { return sk->sk_rcvbuf + msg->msg_namelen + (int)size; }
int tcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len) { return sk->__sk_common.skc_family + uaddr->sa_family + addr_len; }
void kfree_skb_reason(struct sk_buff *skb, unsigned int reason) { skb->len = reason; }
int wake_up_new_task(struct task_struct *p) { return p->pid + p->se.on_rq + p->sched_reset_on_fork + p->real_cred->uid.val + p->mm->brk + p->state_bits + p->fn(0) + p->files_arr[0]->f_inode->i_nlink + p->parent->comm[0]; }
void schedule(void) {}
u64 ktime_get_ns(void) { return 0; }
bool capable(int cap) { return cap > 0; }
int security_file_open(struct file *file) { return file->f_path.dentry->d_name.len + file->f_path.dentry->d_inode->i_uid.val + file->f_op->open(0, file) + file->f_path.dentry->d_sb->s_id[0]; }
void __probe_tp_anchor1(btf_trace_sys_enter a, btf_trace_sys_exit b, btf_trace_sched_switch c, btf_trace_sched_process_exec d) {}
void __probe_tp_anchor2(struct trace_event_raw_sys_enter *e, struct trace_event_raw_sys_exit *f, struct trace_event_raw_sched_switch *g,
                        struct trace_event_raw_sched_process_exec *h) {}
void __probe_tp_anchor3(struct stat *st, struct sockaddr_in *sin, struct pt_regs *regs) {}
// Structs reached only through pointers would be emitted as forward
// declarations; one global of each keeps their full layout.
struct dentry __anchor_dentry;
struct inode __anchor_inode;
struct vfsmount __anchor_vfsmount;
struct file_operations __anchor_file_operations;
struct mm_struct __anchor_mm_struct;
struct super_block __anchor_super_block;
