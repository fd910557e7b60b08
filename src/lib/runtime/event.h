/* event.h - the record the eBPF sensor writes into its ring buffer; shared by
 * bpf/sensor.bpf.c (kernel side) and sensor.c (user side). Fixed size, no pointers. */
#ifndef VIGIL_RUNTIME_EVENT_H
#define VIGIL_RUNTIME_EVENT_H

#define VRT_COMM 16
#define VRT_ANC 4     /* ancestors recorded per event (parent first) */
#define VRT_PATH 256  /* path, exec filename, mount target, unix socket path */
#define VRT_PATH2 128 /* second path: link name, mount source, fstype, exe dentry */
#define VRT_ARGS 512  /* argv of an exec, NUL separated; a power of two */

enum vrt_type {
	VRT_EXEC = 1,
	VRT_EXIT,
	VRT_OPEN,
	VRT_CONNECT,
	VRT_PTRACE,
	VRT_SETUID,
	VRT_SETGID,
	VRT_MOUNT,
	VRT_MODULE,
	VRT_MEMFD,
	VRT_SOCKET,
	VRT_SYMLINK,
	VRT_LINK,
	VRT_UNSHARE,
	VRT_SETNS,
	VRT_DUP,
	VRT_BPF,
	VRT_RENAME, /* rename(at/at2) with a sensitive old or new path: path old, path2 new */
	VRT_UNLINK, /* unlink(at) / rmdir of a sensitive path: path */
	VRT_LISTEN, /* listen: a[0] family, a[1] local port, addr the bound address */
	VRT_ACCEPT, /* accept(4) returned: a[0] family, a[1] peer port, a[2] local port, addr peer
		     */
	VRT_TYPE_MAX
};

/* flags */
#define VRT_F_STDIN_SOCK 0x1   /* fd 0 of the process is a socket */
#define VRT_F_STDOUT_SOCK 0x2  /* fd 1 is a socket */
#define VRT_F_TTY 0x4	       /* the process has a controlling terminal */
#define VRT_F_EXE_MEMFD 0x8    /* the executable is a memfd (fileless) */
#define VRT_F_EXE_OVERLAY 0x10 /* the executable lives on an overlay filesystem */
#define VRT_F_TRUNC 0x20       /* open with O_TRUNC */
#define VRT_F_WRITE 0x40       /* open for writing (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC) */
#define VRT_F_UNIX 0x80	       /* connect: AF_UNIX, path in path[] */
#define VRT_F_LEAN 0x100       /* exec in a settled host cgroup: no argv, tty, stdio checks */

/* One event as user space sees it. The sensor writes only a prefix of it into the ring
 * buffer: the fixed part (everything before `path`) and then only the strings its type
 * needs (VRT_SZ_*: no strings, `path`, `path` + `args` for an exec, all for the
 * two-path events); sensor.c zero-fills the rest. */
struct vrt_event {
	unsigned int type;
	unsigned int pid; /* thread-group id */
	unsigned int tid;
	unsigned int uid, gid;
	unsigned int flags;
	unsigned long long cgid;    /* cgroup v2 id of the task */
	unsigned long long ts;	    /* CLOCK_MONOTONIC ns */
	unsigned long long ino;	    /* exec: inode of the executable */
	long long exe_ctime;	    /* exec: ctime (ns since the epoch) of the executable's inode */
	unsigned long long pstart;  /* start time of the process (ns since boot): with pid, */
	unsigned long long ppstart; /* and of its parent, tells a reused pid apart */
	long long a[4];		    /* per type: flags, family, port, request, ids ... */
	unsigned int apid[VRT_ANC];
	unsigned char addr[16]; /* connect: IPv4 (first 4) or IPv6 address */
	unsigned int args_len;
	char comm[VRT_COMM];
	char acomm[VRT_ANC][VRT_COMM];
	char path[VRT_PATH];
	char args[VRT_ARGS];
	char path2[VRT_PATH2];
};

/* record sizes in the ring buffer */
#define VRT_SZ_BASE __builtin_offsetof(struct vrt_event, path)
#define VRT_SZ_PATH __builtin_offsetof(struct vrt_event, args)
#define VRT_SZ_EXEC __builtin_offsetof(struct vrt_event, path2)
#define VRT_SZ_FULL sizeof(struct vrt_event)

#endif
