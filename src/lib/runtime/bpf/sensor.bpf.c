// SPDX-License-Identifier: GPL-2.0
/* sensor.bpf.c - Vigil's runtime sensor. tp_btf programs on sched_process_exec,
 * sched_process_exit and sys_enter write struct vrt_event records into one ring
 * buffer. Filtering happens here: only the syscalls listed below, writes only below
 * system directories, reads only of sensitive files, so ordinary I/O never reaches
 * user space. Wake-ups are batched: the reader is woken when WAKE_BYTES are pending
 * and otherwise polls on a short timeout.
 *
 * Cost: kernel structures are read with direct (BTF, CO-RE relocated) loads rather than
 * bpf_probe_read_kernel calls wherever the verifier allows; each record is only as long
 * as its type needs (VRT_SZ_*); one ring buffer per CPU; exits are probed only for rules
 * on them; cgroups the agent found uninteresting (the host with --containers-only) are
 * dropped before anything is read. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "../event.h"

char LICENSE[] SEC("license") = "GPL";

#define WAKE_BYTES (64 * 1024)
#define S_IFMT 00170000
#define S_IFSOCK 0140000

/* set by user space before load: our pid, and bit t for each event type some rule can
 * match (the others are never reported; exec always is) */
const volatile unsigned int self_tgid = 0;
const volatile unsigned int want_types = ~0u;
/* set by user space before load (struct rt_features, computed from the rules): what
 * the exec probe reads beyond the fixed record, per scope: [0] execs in containers and
 * in cgroups not (yet) settled, [1] execs in cgroups user space has marked as settled
 * host (MARK_LEAN; only when host_lean). A feature (FEAT_*) is read for every exec of the
 * scope (feat_all), for execs whose executable is a memfd or on overlayfs (feat_memfd,
 * feat_overlay), or for execs whose name (comm) the `feat_names` map gives it to. An
 * exec without argv is flagged VRT_F_LEAN (user space reads /proc/PID/cmdline when an
 * alert needs it) and its record ends after the path. Events of the types in
 * args_types[scope] carry the process's argv (read at the system call). */
#define FEAT_ARGV 1
#define FEAT_TTY 2
#define FEAT_STDIO 4
const volatile unsigned int host_lean = 0;
const volatile unsigned int feat_all[2] = {7, 7};
const volatile unsigned int feat_memfd[2] = {0, 0};
const volatile unsigned int feat_overlay[2] = {0, 0};
const volatile unsigned int feat_named[2] = {0, 0}; /* the map has names for this scope */
const volatile unsigned long long args_types[2] = {0, 0};
/* bit NAME_BIT(name) set for every name in feat_names: most execs skip the lookup */
#define NAME_BIT(c0, c1) ((((unsigned)(unsigned char)(c0)) * 31 + (unsigned char)(c1)) & 1023)
const volatile unsigned long long name_bloom[16] = {};

struct feat_val {
	__u8 m[2];
};
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, char[VRT_COMM]);
	__type(value, struct feat_val);
} feat_names SEC(".maps");

#define WANTS(t) ((want_types >> (t)) & 1)
/* set by user space at run time (mmapped .bss): doom map armed, quiet map in use */
unsigned int doom_armed = 0;
unsigned int quiet_armed = 0;

/* one ring buffer per CPU (user space creates them and sets max_entries to the number
 * of CPUs): a shared ring's lock and producer position bounce between CPUs, which cost
 * about 400 ns per record on the build VM; user space merges the rings by time */
struct ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct ring);
} rings SEC(".maps");

static __always_inline void *cur_ring(void)
{
	__u32 cpu = bpf_get_smp_processor_id();
	return bpf_map_lookup_elem(&rings, &cpu);
}

/* per-CPU count of events lost because the ring buffer was full */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* tgid -> signal and start time: processes user space has condemned; signalled from
 * their next syscall. The start time tells a reused pid apart, so no exit probe is
 * needed to clean up; LRU evicts old entries. */
struct doom_val {
	__u32 sig;
	__u32 pad;
	__u64 start;
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct doom_val);
} doom SEC(".maps");

/* cgroup id -> MARK_QUIET: cgroups whose events the agent does not want
 * (--containers-only: the host's); MARK_LEAN: settled host cgroups whose execs skip the
 * details no host rule reads (host_lean). Filled by user space as it resolves ids,
 * emptied when runc's state changes. */
#define MARK_QUIET 1
#define MARK_LEAN 2
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} quiet SEC(".maps");

/* the mark of the current cgroup (0: none) */
static __always_inline unsigned int cg_mark(void)
{
	__u64 cg;
	__u8 *v;
	if (!quiet_armed)
		return 0;
	cg = bpf_get_current_cgroup_id();
	v = bpf_map_lookup_elem(&quiet, &cg);
	return v ? *v : 0;
}

static __always_inline void count_drop(void)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&drops, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
}

/* the current process's argv (NUL separated, at most VRT_ARGS - 1 bytes) into e->args */
static __always_inline void copy_argv(struct vrt_event *e, struct task_struct *t)
{
	unsigned long as, ae, len;
	struct mm_struct *mm = t->mm;

	e->args[0] = 0;
	if (!mm)
		return;
	as = mm->arg_start;
	ae = mm->arg_end;
	len = ae > as ? ae - as : 0;
	if (len > VRT_ARGS - 1)
		len = VRT_ARGS - 1;
	len &= VRT_ARGS - 1;
	if (len && bpf_probe_read_user(e->args, len, (void *)as) == 0)
		e->args_len = len;
}

/* a new record of `size` bytes (a VRT_SZ_* constant) with the common fields and up to
 * VRT_ANC ancestors; the strings are left to the caller. check_mark: drop it when the
 * cgroup is MARK_QUIET (on_exec has looked already) and add the process's argv when the
 * type is in args_types of the cgroup's scope (the record then reaches past args). */
static __always_inline struct vrt_event *ev_new_m(unsigned int type, unsigned int size,
						  int check_mark)
{
	struct vrt_event *e;
	struct task_struct *t, *p;
	__u64 id, ug;
	void *rb;
	unsigned int mark = 0;
	int argv = 0;

	if (!WANTS(type))
		return NULL;
	if (check_mark) {
		mark = cg_mark();
		if (mark == MARK_QUIET)
			return NULL;
		if (args_types[0] | args_types[1])
			argv = (args_types[host_lean && mark == MARK_LEAN] >> type) & 1;
	}
	rb = cur_ring();
	if (!rb)
		e = NULL;
	else if (argv && size < VRT_SZ_EXEC)
		e = bpf_ringbuf_reserve(rb, VRT_SZ_EXEC, 0);
	else
		e = bpf_ringbuf_reserve(rb, size, 0);
	if (!e) {
		count_drop();
		return NULL;
	}
	__builtin_memset(e, 0, VRT_SZ_BASE);
	id = bpf_get_current_pid_tgid();
	ug = bpf_get_current_uid_gid();
	t = bpf_get_current_task_btf();
	e->type = type;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)ug;
	e->gid = ug >> 32;
	e->cgid = bpf_get_current_cgroup_id();
	e->ts = bpf_ktime_get_ns();
	__builtin_memcpy(e->comm, t->comm, VRT_COMM);
	e->pstart = t->group_leader->start_time;
	p = t->real_parent;
	if (p)
		e->ppstart = p->group_leader->start_time;
	p = t;
#pragma unroll
	for (int i = 0; i < VRT_ANC; i++) {
		p = p->real_parent;
		if (!p)
			break;
		e->apid[i] = p->tgid;
		if (!e->apid[i])
			break;
		__builtin_memcpy(e->acomm[i], p->comm, VRT_COMM);
	}
	if (argv)
		copy_argv(e, t);
	return e;
}

static __always_inline struct vrt_event *ev_new(unsigned int type, unsigned int size)
{
	return ev_new_m(type, size, 1);
}

/* set by user space before load: the bytes of one CPU's ring */
const volatile unsigned long long ring_bytes = 1024 * 1024;

/* commits e and wakes the reader when this record made the pending data cross a
 * multiple of WAKE_BYTES, and on every record once a quarter of the ring is pending. A
 * record is at most REC_MAX bytes with its header, so a crossing is told by the pending
 * bytes just above a multiple; a reader busy elsewhere finds the data at its next
 * epoll_wait or 100 ms poll. (Waking on every record whenever WAKE_BYTES were pending
 * woke a lagging reader per record, an irq_work and an IPI of several µs each on the
 * build VM: most of the cost of an exec in a container. Under overload, when the
 * reader cannot keep up, those wake-ups are what slows the writers down enough for the
 * reader to catch up, so they stay for a ring a quarter full.) */
#define REC_MAX (VRT_SZ_FULL + 8)
static __always_inline void ev_submit(struct vrt_event *e)
{
	void *rb = cur_ring();
	__u64 avail = rb ? bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) : 0;
	__u64 f = avail >= WAKE_BYTES && (avail % WAKE_BYTES < REC_MAX || avail >= ring_bytes / 4)
			  ? BPF_RB_FORCE_WAKEUP
			  : BPF_RB_NO_WAKEUP;
	bpf_ringbuf_submit(e, f);
}

static __always_inline int file_is_sock(struct file *f)
{
	return f && (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) == S_IFSOCK;
}

static __always_inline int fd_is_sock(struct task_struct *t, int fd)
{
	struct fdtable *fdt = t->files->fdt;
	struct file **fds = fdt->fd;
	struct file *f = NULL;

	if (!fds || fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return 0;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return file_is_sock(f);
}

/* VRT_F_STDIN_SOCK / VRT_F_STDOUT_SOCK for fds 0 and 1 (one read of both slots) */
static __always_inline unsigned int stdio_socks(struct task_struct *t)
{
	struct fdtable *fdt = t->files->fdt;
	struct file **fds = fdt->fd;
	struct file *f[2] = {};
	unsigned int fl = 0;

	if (!fds || fdt->max_fds < 2 || bpf_probe_read_kernel(f, sizeof(f), fds))
		return 0;
	if (file_is_sock(f[0]))
		fl |= VRT_F_STDIN_SOCK;
	if (file_is_sock(f[1]))
		fl |= VRT_F_STDOUT_SOCK;
	return fl;
}

/* listen(fd): the socket's family, local port and address */
static __always_inline int on_listen(int fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task_btf();
	struct file **fds = BPF_CORE_READ(t, files, fdt, fd);
	unsigned int max = BPF_CORE_READ(t, files, fdt, max_fds);
	struct file *f = NULL;
	struct socket *so;
	struct sock *sk;
	struct vrt_event *e;
	unsigned short fam;

	if (!fds || fd < 0 || (unsigned int)fd >= max)
		return 0;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return 0;
	so = (struct socket *)BPF_CORE_READ(f, private_data);
	sk = so ? BPF_CORE_READ(so, sk) : NULL;
	if (!sk)
		return 0;
	fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (fam != 2 && fam != 10)
		return 0;
	e = ev_new(VRT_LISTEN, VRT_SZ_BASE);
	if (!e)
		return 0;
	e->a[0] = fam;
	e->a[1] = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (fam == 2) {
		__u32 a = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__builtin_memcpy(e->addr, &a, 4);
	} else {
		BPF_CORE_READ_INTO(&e->addr, sk, __sk_common.skc_v6_rcv_saddr);
	}
	ev_submit(e);
	return 0;
}

/* the executable is on overlayfs / a memfd (VRT_F_EXE_*): known before the record is
 * reserved, since the features to read may depend on it */
static __always_inline unsigned int exe_flags(struct linux_binprm *bprm)
{
	struct file *file = bprm->file;
	unsigned int fl = 0;
	char dn[8];

	if (file->f_inode->i_sb->s_magic == 0x794c7630)
		fl |= VRT_F_EXE_OVERLAY;
	/* a memfd's dentry is "memfd:NAME" */
	if (bpf_probe_read_kernel(dn, sizeof(dn), file->f_path.dentry->d_name.name) == 0 &&
	    dn[0] == 'm' && dn[1] == 'e' && dn[2] == 'm' && dn[3] == 'f' && dn[4] == 'd' &&
	    dn[5] == ':')
		fl |= VRT_F_EXE_MEMFD;
	return fl;
}

/* what every exec record holds: the filename, the executable's inode, ctime and flags */
static __always_inline void exec_common(struct vrt_event *e, struct linux_binprm *bprm,
					unsigned int xf)
{
	struct inode *ino = bprm->file->f_inode;

	bpf_probe_read_kernel_str(e->path, VRT_PATH, bprm->filename);
	e->ino = ino->i_ino;
	if (bpf_core_field_exists(ino->i_ctime_sec))
		/* the top bits of i_ctime_nsec are flags (multigrain I_CTIME_QUERIED) */
		e->exe_ctime = ino->i_ctime_sec * 1000000000LL + (ino->i_ctime_nsec & 0x3fffffff);
	e->flags |= xf;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct vrt_event *e;
	unsigned int mark, scope, feat, xf;

	if ((__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid)
		return 0;
	mark = cg_mark();
	if (mark == MARK_QUIET)
		return 0;
	scope = host_lean && mark == MARK_LEAN;
	feat = feat_all[scope];
	xf = exe_flags(bprm);
	if (xf & VRT_F_EXE_MEMFD)
		feat |= feat_memfd[scope];
	if (xf & VRT_F_EXE_OVERLAY)
		feat |= feat_overlay[scope];
	if (feat_named[scope] & ~feat) {
		/* some feature only some names need: the new name (comm) decides */
		char key[VRT_COMM];
		struct feat_val *fv;
		unsigned int b;
		__builtin_memcpy(key, t->comm, VRT_COMM);
		b = NAME_BIT(key[0], key[1]);
		if ((name_bloom[(b >> 6) & 15] >> (b & 63)) & 1) {
			fv = bpf_map_lookup_elem(&feat_names, key);
			if (fv)
				feat |= fv->m[scope & 1];
		}
	}
	if (feat & FEAT_ARGV) {
		e = ev_new_m(VRT_EXEC, VRT_SZ_EXEC, 0);
		if (!e)
			return 0;
		exec_common(e, bprm, xf);
		copy_argv(e, t);
	} else {
		/* no rule needs argv of this exec: the path-sized record */
		e = ev_new_m(VRT_EXEC, VRT_SZ_PATH, 0);
		if (!e)
			return 0;
		exec_common(e, bprm, xf);
		e->flags |= VRT_F_LEAN;
	}
	if ((feat & FEAT_TTY) && t->signal->tty)
		e->flags |= VRT_F_TTY;
	if (feat & FEAT_STDIO)
		e->flags |= stdio_socks(t);
	ev_submit(e);
	return 0;
}

/* loaded only when a rule asks for exits (user space needs none: its process table
 * tells reused pids apart by start time) */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p)
{
	struct vrt_event *e;
	__u64 id = bpf_get_current_pid_tgid();

	if ((__u32)id != (__u32)(id >> 32) || (__u32)(id >> 32) == self_tgid)
		return 0; /* threads other than the leader, or ourselves */
	e = ev_new(VRT_EXIT, VRT_SZ_BASE);
	if (!e)
		return 0;
	e->a[0] = p->exit_code;
	ev_submit(e);
	return 0;
}

/* does s start with the first n bytes of pfx (n a constant) */
#define PFX(s, lit) pfx(s, lit, sizeof(lit) - 1)
static __always_inline int pfx(const char *s, const char *p, int n)
{
	for (int i = 0; i < n && i < 24; i++) {
		if (0)
			return 1;
		if (s[i] != p[i])
			return 0;
	}
	return 1;
}

/* a write below these is reported */
static __always_inline int write_interesting(const char *s)
{
	if (s[0] != '/')
		return 0;
	return PFX(s, "/etc/") || PFX(s, "/bin/") || PFX(s, "/sbin/") || PFX(s, "/usr/bin/") ||
	       PFX(s, "/usr/sbin/") || PFX(s, "/usr/local/bin/") || PFX(s, "/usr/lib/") ||
	       PFX(s, "/lib/") || PFX(s, "/lib64/") || PFX(s, "/boot/") || PFX(s, "/root/") ||
	       PFX(s, "/var/log/") || PFX(s, "/proc/sys/") || PFX(s, "/sys/fs/cgroup/") ||
	       PFX(s, "/sys/kernel/") || PFX(s, "/dev/mem") || PFX(s, "/dev/kmem");
}

/* a read of these is reported */
static __always_inline int read_sensitive(const char *s)
{
	if (s[0] != '/')
		return 0;
	return PFX(s, "/etc/shadow") || PFX(s, "/etc/gshadow") || PFX(s, "/etc/sudoers") ||
	       PFX(s, "/etc/pam.") || PFX(s, "/etc/ssh/") || PFX(s, "/root/.ssh/") ||
	       PFX(s, "/etc/kubernetes/") || PFX(s, "/var/run/secrets/") ||
	       PFX(s, "/run/secrets/") || PFX(s, "/proc/kcore") || PFX(s, "/etc/security/");
}

static __always_inline int unix_interesting(const char *s)
{
	return PFX(s, "/var/run/docker.sock") || PFX(s, "/run/docker.sock") ||
	       PFX(s, "/run/containerd/") || PFX(s, "/var/run/crio/") || PFX(s, "/run/crio/") ||
	       PFX(s, "/run/podman/");
}

#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_TRUNC 01000

static __always_inline int on_open(const char *upath, long flags)
{
	struct vrt_event *e;
	char buf[32];
	int w = (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;

	if (!WANTS(VRT_OPEN))
		return 0;
	/* prefilter on the first bytes without touching the ring buffer */
	if (bpf_probe_read_user_str(buf, sizeof(buf), upath) <= 0)
		return 0;
	if (w ? !write_interesting(buf) : !read_sensitive(buf))
		return 0;
	e = ev_new(VRT_OPEN, VRT_SZ_PATH);
	if (!e)
		return 0;
	bpf_probe_read_user_str(e->path, VRT_PATH, upath);
	e->a[0] = flags;
	if (w)
		e->flags |= VRT_F_WRITE;
	if (flags & O_TRUNC)
		e->flags |= VRT_F_TRUNC;
	ev_submit(e);
	return 0;
}

static __always_inline int on_connect(const void *uaddr, long len)
{
	struct vrt_event *e;
	unsigned short fam = 0;

	if (bpf_probe_read_user(&fam, sizeof(fam), uaddr))
		return 0;
	if (fam == 1) { /* AF_UNIX: only container-runtime sockets */
		char buf[32];
		if (bpf_probe_read_user_str(buf, sizeof(buf), (const char *)uaddr + 2) <= 0 ||
		    !unix_interesting(buf))
			return 0;
	} else if (fam != 2 && fam != 10)
		return 0;
	if (fam == 1) {
		e = ev_new(VRT_CONNECT, VRT_SZ_PATH);
		if (!e)
			return 0;
		e->a[0] = fam;
		e->flags |= VRT_F_UNIX;
		bpf_probe_read_user_str(e->path, 108, (const char *)uaddr + 2);
		ev_submit(e);
		return 0;
	}
	e = ev_new(VRT_CONNECT, VRT_SZ_BASE);
	if (!e)
		return 0;
	e->a[0] = fam;
	if (fam == 2) {
		struct sockaddr_in sin = {};
		bpf_probe_read_user(&sin, sizeof(sin), uaddr);
		e->a[1] = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(e->addr, &sin.sin_addr, 4);
	} else {
		struct sockaddr_in6 s6 = {};
		bpf_probe_read_user(&s6, sizeof(s6), uaddr);
		e->a[1] = bpf_ntohs(s6.sin6_port);
		__builtin_memcpy(e->addr, &s6.sin6_addr, 16);
	}
	ev_submit(e);
	return 0;
}

/* rename / unlink: reported only when a path is below a watched directory or a
 * credential file (the same prefixes as writes and sensitive reads) */
static __always_inline int path_sensitive(const char *upath)
{
	char buf[32];
	if (!upath || bpf_probe_read_user_str(buf, sizeof(buf), upath) <= 0)
		return 0;
	return write_interesting(buf) || read_sensitive(buf);
}

static __always_inline int on_rename(const char *oldp, const char *newp)
{
	struct vrt_event *e;
	if (!WANTS(VRT_RENAME) || (!path_sensitive(oldp) && !path_sensitive(newp)))
		return 0;
	e = ev_new(VRT_RENAME, VRT_SZ_FULL);
	if (!e)
		return 0;
	bpf_probe_read_user_str(e->path, VRT_PATH, oldp);
	bpf_probe_read_user_str(e->path2, VRT_PATH2, newp);
	if (!e->args_len)
		e->args[0] = 0;
	ev_submit(e);
	return 0;
}

static __always_inline int on_unlink(const char *upath, long flags)
{
	struct vrt_event *e;
	if (!WANTS(VRT_UNLINK) || !path_sensitive(upath))
		return 0;
	e = ev_new(VRT_UNLINK, VRT_SZ_PATH);
	if (!e)
		return 0;
	bpf_probe_read_user_str(e->path, VRT_PATH, upath);
	e->a[0] = flags;
	ev_submit(e);
	return 0;
}

static __always_inline int simple(unsigned int type, long a0, long a1, long a2)
{
	struct vrt_event *e = ev_new(type, VRT_SZ_BASE);
	if (!e)
		return 0;
	e->a[0] = a0;
	e->a[1] = a1;
	e->a[2] = a2;
	ev_submit(e);
	return 0;
}

/* an event with one path (memfd) or two (symlink, link) */
static __always_inline int with_paths(unsigned int type, const char *p1, const char *p2, long a0)
{
	struct vrt_event *e;
	if (!p2) {
		e = ev_new(type, VRT_SZ_PATH);
		if (!e)
			return 0;
		bpf_probe_read_user_str(e->path, VRT_PATH, p1);
	} else {
		e = ev_new(type, VRT_SZ_FULL);
		if (!e)
			return 0;
		bpf_probe_read_user_str(e->path, VRT_PATH, p1);
		bpf_probe_read_user_str(e->path2, VRT_PATH2, p2);
		if (!e->args_len)
			e->args[0] = 0;
	}
	e->a[0] = a0;
	ev_submit(e);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	long a0, a1, a2, a3;

	if (doom_armed) {
		struct doom_val *d = bpf_map_lookup_elem(&doom, &tgid);
		if (d) {
			struct task_struct *t = bpf_get_current_task_btf();
			if (t->group_leader->start_time == d->start)
				bpf_send_signal(d->sig);
		}
	}
	switch (id) {
	case 2:
	case 257:
	case 437:
	case 42:
	case 101:
	case 105:
	case 106:
	case 113:
	case 114:
	case 117:
	case 119:
	case 165:
	case 175:
	case 313:
	case 319:
	case 41:
	case 88:
	case 266:
	case 86:
	case 265:
	case 272:
	case 308:
	case 33:
	case 292:
	case 321:
	case 82:
	case 264:
	case 316:
	case 87:
	case 263:
	case 84:
	case 50:
		break;
	default:
		return 0;
	}
	if (tgid == self_tgid)
		return 0;
	a0 = regs->di;
	a1 = regs->si;
	a2 = regs->dx;
	a3 = regs->r10;
	switch (id) {
	case 2: /* open(path, flags) */
		return on_open((const char *)a0, a1);
	case 257: /* openat(dfd, path, flags) */
		return on_open((const char *)a1, a2);
	case 437: { /* openat2(dfd, path, how) */
		__u64 fl = 0;
		bpf_probe_read_user(&fl, sizeof(fl), (void *)a2);
		return on_open((const char *)a1, fl);
	}
	case 42:
		return on_connect((const void *)a1, a2);
	case 101: /* ptrace(request, pid): attach, seize, poke */
		if (a0 == 16 || a0 == 0x4206 || a0 == 4 || a0 == 5 || a0 == 13)
			return simple(VRT_PTRACE, a0, a1, 0);
		return 0;
	case 105:
		return simple(VRT_SETUID, a0, -1, -1);
	case 113:
		return simple(VRT_SETUID, a1, a0, -1);
	case 117:
		return simple(VRT_SETUID, a1, a0, a2);
	case 106:
		return simple(VRT_SETGID, a0, -1, -1);
	case 114:
		return simple(VRT_SETGID, a1, a0, -1);
	case 119:
		return simple(VRT_SETGID, a1, a0, a2);
	case 165: { /* mount(source, target, fstype, flags) */
		struct vrt_event *e = ev_new(VRT_MOUNT, VRT_SZ_FULL);
		if (!e)
			return 0;
		bpf_probe_read_user_str(e->path, VRT_PATH, (const char *)a1);
		bpf_probe_read_user_str(e->path2, 64, (const char *)a0);
		bpf_probe_read_user_str(e->args, 64, (const char *)a2);
		e->a[0] = a3;
		ev_submit(e);
		return 0;
	}
	case 175:
		return simple(VRT_MODULE, 0, a1, 0);
	case 313:
		return simple(VRT_MODULE, 1, a0, 0);
	case 319:
		return with_paths(VRT_MEMFD, (const char *)a0, 0, a1);
	case 41: /* socket(family, type, proto): packet and raw only */
		if (a0 == 17 || (a1 & 0xf) == 3)
			return simple(VRT_SOCKET, a0, a1 & 0xf, a2);
		return 0;
	case 88: /* symlink(target, linkpath) */
		return with_paths(VRT_SYMLINK, (const char *)a0, (const char *)a1, 0);
	case 266: /* symlinkat(target, dfd, linkpath) */
		return with_paths(VRT_SYMLINK, (const char *)a0, (const char *)a2, 0);
	case 86: /* link(old, new) */
		return with_paths(VRT_LINK, (const char *)a0, (const char *)a1, 0);
	case 265: /* linkat(odfd, old, ndfd, new) */
		return with_paths(VRT_LINK, (const char *)a1, (const char *)a3, 0);
	case 272:
		return simple(VRT_UNSHARE, a0, 0, 0);
	case 308:
		return simple(VRT_SETNS, a0, a1, 0);
	case 33:
	case 292: { /* dup2/dup3(old, new): a socket onto stdin/out/err */
		struct task_struct *t = bpf_get_current_task_btf();
		if (a1 < 0 || a1 > 2 || !fd_is_sock(t, a0))
			return 0;
		return simple(VRT_DUP, a0, a1, 0);
	}
	case 321:
		return simple(VRT_BPF, a0, 0, 0);
	case 82: /* rename(old, new) */
		return on_rename((const char *)a0, (const char *)a1);
	case 264: /* renameat(odfd, old, ndfd, new) */
	case 316: /* renameat2(odfd, old, ndfd, new, flags) */
		return on_rename((const char *)a1, (const char *)a3);
	case 87: /* unlink(path) */
		return on_unlink((const char *)a0, 0);
	case 84: /* rmdir(path) */
		return on_unlink((const char *)a0, 0x200);
	case 263: /* unlinkat(dfd, path, flags) */
		return on_unlink((const char *)a1, a2);
	case 50: /* listen(fd, backlog) */
		return on_listen((int)a0);
	}
	return 0;
}

/* deny egress: attached by user space to a container's cgroup; every IPv4/IPv6
 * connect from it fails with EPERM */
SEC("cgroup/connect4")
int deny_connect4(struct bpf_sock_addr *ctx)
{
	return 0;
}

SEC("cgroup/connect6")
int deny_connect6(struct bpf_sock_addr *ctx)
{
	return 0;
}

/* accept / accept4 returned a connection: its peer and local port, read from the new
 * socket. A sys_exit program runs at every system call's return, so it is loaded only
 * when a rule asks for accept events. */
SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret)
{
	long id = regs->orig_ax;
	struct task_struct *t;
	struct fdtable *fdt;
	struct file **fds;
	struct file *f = NULL;
	struct socket *so;
	struct sock *sk;
	struct vrt_event *e;
	unsigned short fam;

	if ((id != 43 && id != 288) || ret < 0)
		return 0;
	if ((__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid)
		return 0;
	t = bpf_get_current_task_btf();
	fdt = t->files->fdt;
	fds = fdt->fd;
	if (!fds || (unsigned long)ret >= fdt->max_fds)
		return 0;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[ret]);
	if (!f)
		return 0;
	so = (struct socket *)BPF_CORE_READ(f, private_data);
	sk = so ? BPF_CORE_READ(so, sk) : NULL;
	if (!sk)
		return 0;
	fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (fam != 2 && fam != 10)
		return 0;
	e = ev_new(VRT_ACCEPT, VRT_SZ_BASE);
	if (!e)
		return 0;
	e->a[0] = fam;
	e->a[1] = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	e->a[2] = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (fam == 2) {
		__u32 a = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__builtin_memcpy(e->addr, &a, 4);
	} else {
		BPF_CORE_READ_INTO(&e->addr, sk, __sk_common.skc_v6_daddr);
	}
	ev_submit(e);
	return 0;
}
