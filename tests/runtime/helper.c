/* vrt-helper: workloads for the live runtime tests, run inside test containers
 * (built static by tests/runtime/test_live.sh). Each subcommand makes the system calls
 * one built-in rule watches for, or a near miss that must stay silent. Failures of the
 * calls themselves (EPERM in an unprivileged container) do not matter: the sensor sees
 * the attempt. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

/* connects to 127.0.0.1:port; 0, or the errno */
static int tcp_connect(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), e = 0;
	a.sin_addr.s_addr = htonl(0x7f000001);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		e = errno;
	close(fd);
	return e;
}

static int unix_connect(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return 0;
}

static int copy_self(int to)
{
	char buf[65536];
	ssize_t n;
	int from = open("/proc/self/exe", O_RDONLY);
	if (from < 0)
		return -1;
	while ((n = read(from, buf, sizeof(buf))) > 0)
		if (write(to, buf, (size_t)n) != n)
			return -1;
	close(from);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	char *noop[] = {"vrt-helper", "noop", NULL};
	char *env[] = {NULL};

	if (!strcmp(cmd, "noop"))
		return 0;
	if (!strcmp(cmd, "memfd-exec")) { /* fileless: run a copy of ourselves from a memfd */
		int fd = (int)syscall(SYS_memfd_create, "payload", 0);
		if (fd < 0 || copy_self(fd) < 0)
			return 1;
		syscall(SYS_execveat, fd, "", noop, env, AT_EMPTY_PATH);
		return 1;
	}
	if (!strcmp(cmd, "exec-self")) { /* near miss: the same, from the file */
		execve("/proc/self/exe", noop, env);
		return 1;
	}
	if (!strcmp(cmd, "ptrace-attach") || !strcmp(cmd, "ptrace-traceme")) {
		pid_t c = fork();
		if (c == 0) {
			if (!strcmp(cmd, "ptrace-traceme"))
				ptrace(PTRACE_TRACEME, 0, 0, 0);
			pause();
			_exit(0);
		}
		if (!strcmp(cmd, "ptrace-attach"))
			ptrace(PTRACE_ATTACH, c, 0, 0);
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		return 0;
	}
	if (!strcmp(cmd, "packet-socket"))
		return socket(AF_PACKET, SOCK_RAW, 0) < 0;
	if (!strcmp(cmd, "udp-socket"))
		return socket(AF_INET, SOCK_DGRAM, 0) < 0;
	if (!strcmp(cmd, "finit-module"))
		return (int)syscall(SYS_finit_module, -1, "", 0) == 0;
	if (!strcmp(cmd, "setuid-root")) /* as uid 1000: the attempt; as root: the near miss */
		return setuid(0) != 0;
	if (!strcmp(cmd, "dup-sock") || !strcmp(cmd, "dup-pipe")) {
		int p[2];
		if (!strcmp(cmd, "dup-sock") ? socketpair(AF_UNIX, SOCK_STREAM, 0, p) : pipe(p))
			return 1;
		return dup2(p[0], 0) < 0;
	}
	if (!strcmp(cmd, "sock-exec")) { /* a shell whose stdin and stdout are a socket */
		int p[2];
		char *sh[] = {"sh", "-c", "exit 0", NULL};
		close(0);
		close(1);
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) < 0)
			return 1;
		execve("/bin/sh", sh, env);
		return 1;
	}
	if (!strcmp(cmd, "sock-exec-self")) { /* the same with the helper (in a container's
						 /usr/local/bin), not a shell: comm vrt-helper */
		int p[2];
		close(0);
		close(1);
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) < 0)
			return 1;
		execve("/usr/local/bin/vrt-helper", noop, env);
		return 1;
	}
	if (!strcmp(cmd, "connect") && argc > 2) {
		tcp_connect(atoi(argv[2]));
		return 0;
	}
	if (!strcmp(cmd, "connect-errno") && argc > 2) { /* prints how the connect ended */
		int e = tcp_connect(atoi(argv[2]));
		printf("%s\n", e == EPERM	   ? "EPERM"
			       : e == ECONNREFUSED ? "ECONNREFUSED"
			       : e		   ? "other"
						   : "connected");
		return 0;
	}
	if (!strcmp(cmd, "connect-to") && argc > 3) { /* connect to IP:PORT (any outcome) */
		struct sockaddr_in a = {.sin_family = AF_INET,
					.sin_port = htons((unsigned short)atoi(argv[3]))};
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0 || inet_pton(AF_INET, argv[2], &a.sin_addr) != 1)
			return 1;
		connect(fd, (struct sockaddr *)&a, sizeof(a));
		close(fd);
		return 0;
	}
	if (!strcmp(cmd, "listen") && argc > 2) { /* listen on 127.0.0.1:PORT, then exit */
		struct sockaddr_in a = {.sin_family = AF_INET,
					.sin_port = htons((unsigned short)atoi(argv[2]))};
		int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
		a.sin_addr.s_addr = htonl(0x7f000001);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0)
			return 1;
		close(fd);
		return 0;
	}
	if (!strcmp(cmd, "unix-connect") && argc > 2)
		return unix_connect(argv[2]);
	if (!strcmp(cmd, "unshare"))
		return unshare(CLONE_NEWUTS) != 0;
	if (!strcmp(cmd, "bpf")) {
		char attr[128] = {0};
		return syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof(attr)) == 0;
	}
	if (!strcmp(cmd, "spin") && argc > 2) { /* make system calls for N seconds */
		time_t end = time(NULL) + atoi(argv[2]);
		while (time(NULL) < end)
			getppid();
		return 0;
	}
	fprintf(stderr, "vrt-helper: unknown command\n");
	return 2;
}
