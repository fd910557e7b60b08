/* fields.c - the event fields rules can test, and their values for one event. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "runtime/rt.h"

static const char *const field_names[F_COUNT] = {
	[F_EVT_TYPE] = "evt.type",
	[F_PROC_PID] = "proc.pid",
	[F_PROC_PPID] = "proc.ppid",
	[F_PROC_NAME] = "proc.name",
	[F_PROC_EXE] = "proc.exe",
	[F_PROC_EXEPATH_NAME] = "proc.exe_name",
	[F_PROC_CMDLINE] = "proc.cmdline",
	[F_PROC_ARGS] = "proc.args",
	[F_PROC_PNAME] = "proc.pname",
	[F_PROC_GPNAME] = "proc.gpname",
	[F_PROC_ANAME] = "proc.aname",
	[F_PROC_TTY] = "proc.tty",
	[F_PROC_STDIN_SOCKET] = "proc.stdin_socket",
	[F_PROC_STDOUT_SOCKET] = "proc.stdout_socket",
	[F_PROC_EXE_MEMFD] = "proc.exe_memfd",
	[F_PROC_EXE_NEW] = "proc.exe_new",
	[F_PROC_EXE_OVERLAY] = "proc.exe_overlay",
	[F_USER_UID] = "user.uid",
	[F_USER_GID] = "user.gid",
	[F_FD_NAME] = "fd.name",
	[F_FD_DIRECTORY] = "fd.directory",
	[F_FD_FILENAME] = "fd.filename",
	[F_FD_WRITE] = "fd.write",
	[F_FD_TRUNC] = "fd.trunc",
	[F_FD_NEWNAME] = "fd.newname",
	[F_NET_FAMILY] = "net.family",
	[F_NET_IP] = "net.ip",
	[F_NET_PORT] = "net.port",
	[F_NET_LPORT] = "net.lport",
	[F_NET_FIRST] = "net.first_connect",
	[F_PTRACE_REQUEST] = "ptrace.request",
	[F_PTRACE_PID] = "ptrace.pid",
	[F_SETUID_UID] = "setuid.uid",
	[F_MOUNT_SOURCE] = "mount.source",
	[F_MOUNT_TARGET] = "mount.target",
	[F_MOUNT_FSTYPE] = "mount.fstype",
	[F_MODULE_SYSCALL] = "module.syscall",
	[F_MEMFD_NAME] = "memfd.name",
	[F_SOCKET_FAMILY] = "socket.family",
	[F_SOCKET_TYPE] = "socket.type",
	[F_LINK_TARGET] = "link.target",
	[F_LINK_PATH] = "link.path",
	[F_NS_FLAGS] = "ns.flags",
	[F_DUP_NEWFD] = "dup.newfd",
	[F_BPF_CMD] = "bpf.cmd",
	[F_CONTAINER_ID] = "container.id",
	[F_CONTAINER_NAME] = "container.name",
	[F_CONTAINER_IMAGE] = "container.image",
	[F_CONTAINER_DIGEST] = "container.image_digest",
	[F_CONTAINER_PRIVILEGED] = "container.privileged",
	[F_CONTAINER_RUNTIME] = "container.runtime",
	[F_CONTAINER_HOST] = "container.host",
};

static const char *const type_names[VRT_TYPE_MAX] = {
	[VRT_EXEC] = "exec",	   [VRT_EXIT] = "exit",	      [VRT_OPEN] = "open",
	[VRT_CONNECT] = "connect", [VRT_PTRACE] = "ptrace",   [VRT_SETUID] = "setuid",
	[VRT_SETGID] = "setgid",   [VRT_MOUNT] = "mount",     [VRT_MODULE] = "module",
	[VRT_MEMFD] = "memfd",	   [VRT_SOCKET] = "socket",   [VRT_SYMLINK] = "symlink",
	[VRT_LINK] = "link",	   [VRT_UNSHARE] = "unshare", [VRT_SETNS] = "setns",
	[VRT_DUP] = "dup",	   [VRT_BPF] = "bpf",	      [VRT_RENAME] = "rename",
	[VRT_UNLINK] = "unlink",   [VRT_LISTEN] = "listen",   [VRT_ACCEPT] = "accept",
};

int vigil_rt__field_lookup(const char *name, size_t len)
{
	for (int i = 0; i < F_COUNT; i++)
		if (strlen(field_names[i]) == len && memcmp(field_names[i], name, len) == 0)
			return i;
	return -1;
}

const char *vigil_rt__field_name(int f)
{
	return f >= 0 && f < F_COUNT ? field_names[f] : "?";
}

const char *vigil_rt__type_name(unsigned t)
{
	return t < VRT_TYPE_MAX ? type_names[t] : NULL;
}

int vigil_rt__type_lookup(const char *name)
{
	for (int i = 1; i < VRT_TYPE_MAX; i++)
		if (strcmp(type_names[i], name) == 0)
			return i;
	return -1;
}

static int put(char *buf, size_t n, const char *s)
{
	snprintf(buf, n, "%s", s ? s : "");
	return 0;
}

static int putn(char *buf, size_t n, long long v)
{
	snprintf(buf, n, "%lld", v);
	return 0;
}

static int putb(char *buf, size_t n, int b)
{
	return put(buf, n, b ? "true" : "false");
}

/* a fixed-size char array from the kernel, maybe without its NUL */
static int putk(char *buf, size_t n, const char *s, size_t cap)
{
	size_t l = strnlen(s, cap);
	if (l >= n)
		l = n - 1;
	memcpy(buf, s, l);
	buf[l] = 0;
	return 0;
}

static const char *ptrace_req(long long r)
{
	switch (r) {
	case 16:
		return "attach";
	case 0x4206:
		return "seize";
	case 4:
		return "poketext";
	case 5:
		return "pokedata";
	case 13:
		return "setregs";
	}
	return "other";
}

static const char *family_name(long long f)
{
	switch (f) {
	case 1:
		return "unix";
	case 2:
		return "inet";
	case 10:
		return "inet6";
	case 17:
		return "packet";
	}
	return "other";
}

int vigil_rt__field(const rt_view *v, int f, int idx, char *buf, size_t n)
{
	const struct vrt_event *e = v->e;
	const rt_container *c = v->c;
	unsigned t = e->type;
	const char *s;

	buf[0] = 0;
	switch (f) {
	case F_EVT_TYPE:
		return put(buf, n, vigil_rt__type_name(t));
	case F_PROC_PID:
		return putn(buf, n, e->pid);
	case F_PROC_PPID:
		return putn(buf, n, e->apid[0]);
	case F_PROC_NAME:
		return putk(buf, n, e->comm, VRT_COMM);
	case F_PROC_EXE:
		if (!v->exe)
			return -1;
		return put(buf, n, v->exe);
	case F_PROC_EXEPATH_NAME:
		if (!v->exe)
			return -1;
		s = strrchr(v->exe, '/');
		return put(buf, n, s ? s + 1 : v->exe);
	case F_PROC_CMDLINE:
		if (!v->cmdline)
			return -1;
		return put(buf, n, v->cmdline);
	case F_PROC_ARGS:
		if (!v->cmdline)
			return -1;
		s = strchr(v->cmdline, ' ');
		return put(buf, n, s ? s + 1 : "");
	case F_PROC_PNAME:
		return e->acomm[0][0] ? putk(buf, n, e->acomm[0], VRT_COMM) : -1;
	case F_PROC_GPNAME:
		return e->acomm[1][0] ? putk(buf, n, e->acomm[1], VRT_COMM) : -1;
	case F_PROC_ANAME:
		if (idx < 0 || idx >= VRT_ANC || !e->acomm[idx][0])
			return -1;
		return putk(buf, n, e->acomm[idx], VRT_COMM);
	case F_PROC_TTY:
		return t == VRT_EXEC ? putb(buf, n, e->flags & VRT_F_TTY) : -1;
	case F_PROC_STDIN_SOCKET:
		return t == VRT_EXEC ? putb(buf, n, e->flags & VRT_F_STDIN_SOCK) : -1;
	case F_PROC_STDOUT_SOCKET:
		return t == VRT_EXEC ? putb(buf, n, e->flags & VRT_F_STDOUT_SOCK) : -1;
	case F_PROC_EXE_MEMFD:
		return t == VRT_EXEC ? putb(buf, n, e->flags & VRT_F_EXE_MEMFD) : -1;
	case F_PROC_EXE_OVERLAY:
		return t == VRT_EXEC ? putb(buf, n, e->flags & VRT_F_EXE_OVERLAY) : -1;
	case F_PROC_EXE_NEW:
		/* the executable's inode changed after the container started: written
		 * (or copied, or chmod'ed) inside the running container, not from the image */
		if (t != VRT_EXEC || c->host || c->created <= 0)
			return -1;
		return putb(buf, n, e->exe_ctime >= c->created);
	case F_USER_UID:
		return putn(buf, n, e->uid);
	case F_USER_GID:
		return putn(buf, n, e->gid);
	case F_FD_NAME:
		if (t != VRT_OPEN && t != VRT_RENAME && t != VRT_UNLINK &&
		    !(t == VRT_CONNECT && (e->flags & VRT_F_UNIX)))
			return -1;
		return putk(buf, n, e->path, VRT_PATH);
	case F_FD_DIRECTORY:
	case F_FD_FILENAME: {
		char p[VRT_PATH + 1];
		char *sl;
		if (t != VRT_OPEN && t != VRT_RENAME && t != VRT_UNLINK)
			return -1;
		putk(p, sizeof(p), e->path, VRT_PATH);
		sl = strrchr(p, '/');
		if (f == F_FD_FILENAME)
			return put(buf, n, sl ? sl + 1 : p);
		if (!sl)
			return put(buf, n, ".");
		*sl = 0;
		return put(buf, n, sl == p ? "/" : p);
	}
	case F_FD_WRITE:
		return t == VRT_OPEN ? putb(buf, n, e->flags & VRT_F_WRITE) : -1;
	case F_FD_TRUNC:
		return t == VRT_OPEN ? putb(buf, n, e->flags & VRT_F_TRUNC) : -1;
	case F_FD_NEWNAME:
		return t == VRT_RENAME ? putk(buf, n, e->path2, VRT_PATH2) : -1;
	case F_NET_FIRST:
		if (t != VRT_CONNECT || (e->a[0] != 2 && e->a[0] != 10))
			return -1;
		return putb(buf, n, v->first_connect);
	case F_NET_FAMILY:
		return t == VRT_CONNECT || t == VRT_LISTEN || t == VRT_ACCEPT
			       ? put(buf, n, family_name(e->a[0]))
			       : -1;
	case F_NET_LPORT: /* the local port: of a listen or an accepted connection */
		if ((t != VRT_LISTEN && t != VRT_ACCEPT) || (e->a[0] != 2 && e->a[0] != 10))
			return -1;
		return putn(buf, n, t == VRT_ACCEPT ? e->a[2] : e->a[1]);
	case F_NET_IP:
		if ((t != VRT_CONNECT && t != VRT_LISTEN && t != VRT_ACCEPT) ||
		    (e->a[0] != 2 && e->a[0] != 10))
			return -1;
		if (n < INET6_ADDRSTRLEN ||
		    !inet_ntop(e->a[0] == 2 ? AF_INET : AF_INET6, e->addr, buf, n))
			return -1;
		return 0;
	case F_NET_PORT:
		if ((t != VRT_CONNECT && t != VRT_LISTEN && t != VRT_ACCEPT) ||
		    (e->a[0] != 2 && e->a[0] != 10))
			return -1;
		return putn(buf, n, e->a[1]);
	case F_PTRACE_REQUEST:
		return t == VRT_PTRACE ? put(buf, n, ptrace_req(e->a[0])) : -1;
	case F_PTRACE_PID:
		return t == VRT_PTRACE ? putn(buf, n, e->a[1]) : -1;
	case F_SETUID_UID:
		return t == VRT_SETUID || t == VRT_SETGID ? putn(buf, n, (int)e->a[0]) : -1;
	case F_MOUNT_SOURCE:
		return t == VRT_MOUNT ? putk(buf, n, e->path2, VRT_PATH2) : -1;
	case F_MOUNT_TARGET:
		return t == VRT_MOUNT ? putk(buf, n, e->path, VRT_PATH) : -1;
	case F_MOUNT_FSTYPE:
		return t == VRT_MOUNT ? putk(buf, n, e->args, 64) : -1;
	case F_MODULE_SYSCALL:
		return t == VRT_MODULE ? put(buf, n, e->a[0] ? "finit_module" : "init_module") : -1;
	case F_MEMFD_NAME:
		return t == VRT_MEMFD ? putk(buf, n, e->path, VRT_PATH) : -1;
	case F_SOCKET_FAMILY:
		return t == VRT_SOCKET ? put(buf, n, family_name(e->a[0])) : -1;
	case F_SOCKET_TYPE:
		return t == VRT_SOCKET ? put(buf, n,
					     e->a[1] == 3   ? "raw"
					     : e->a[1] == 2 ? "dgram"
							    : "stream")
				       : -1;
	case F_LINK_TARGET:
		return t == VRT_SYMLINK || t == VRT_LINK ? putk(buf, n, e->path, VRT_PATH) : -1;
	case F_LINK_PATH:
		return t == VRT_SYMLINK || t == VRT_LINK ? putk(buf, n, e->path2, VRT_PATH2) : -1;
	case F_NS_FLAGS:
		if (t != VRT_UNSHARE && t != VRT_SETNS)
			return -1;
		snprintf(buf, n, "0x%llx", (unsigned long long)e->a[t == VRT_SETNS ? 1 : 0]);
		return 0;
	case F_DUP_NEWFD:
		return t == VRT_DUP ? putn(buf, n, e->a[1]) : -1;
	case F_BPF_CMD:
		return t == VRT_BPF ? putn(buf, n, e->a[0]) : -1;
	case F_CONTAINER_ID:
		return put(buf, n, c->host ? "host" : c->id);
	case F_CONTAINER_NAME:
		return put(buf, n, c->host ? "host" : c->name);
	case F_CONTAINER_IMAGE:
		return c->host ? -1 : put(buf, n, c->image);
	case F_CONTAINER_DIGEST:
		return c->host ? -1 : put(buf, n, c->digest);
	case F_CONTAINER_PRIVILEGED:
		return c->host ? -1 : putb(buf, n, c->privileged);
	case F_CONTAINER_RUNTIME:
		return c->host ? -1 : put(buf, n, c->runtime);
	case F_CONTAINER_HOST:
		return putb(buf, n, c->host);
	}
	return -1;
}
