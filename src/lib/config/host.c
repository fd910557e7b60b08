/*
 * host.c - the Docker host audit (CIS Docker Benchmark sections 1.1, 2, 3 and 5):
 * reads daemon.json, the ownership and modes of the daemon's files, sockets, units
 * and certificates, and the audit rules under a root directory, never leaving it
 * (openat2 RESOLVE_IN_ROOT), plus the container checks of a `docker inspect` file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config/host.h"

#define H(id, cis, sev, title, fix)                                                                \
	{                                                                                          \
		id, "host", cis, sev, title, fix                                                   \
	}
#define C(id, cis, sev, title, fix)                                                                \
	{                                                                                          \
		id, "container", cis, sev, title, fix                                              \
	}
#define FIX_OWN "chown root:root the file."
#define FIX_AUDIT(p)                                                                               \
	"Add '-w " p " -k docker' to /etc/audit/rules.d/docker.rules and reload auditd."
const vigil_check_info vigil_config__checks_host[] = {
	H("VGL-HOST-001", "2.2", "MEDIUM",
	  "Inter-container traffic on the default bridge is allowed",
	  "Set \"icc\": false in daemon.json."),
	H("VGL-HOST-002", "2.3", "LOW", "Daemon log level is not 'info'",
	  "Remove log-level or set \"log-level\": \"info\"."),
	H("VGL-HOST-003", "2.4", "MEDIUM", "Docker may not change iptables",
	  "Remove \"iptables\": false from daemon.json."),
	H("VGL-HOST-004", "2.5", "HIGH", "Insecure registries are configured",
	  "Remove insecure-registries; give registries TLS certificates."),
	H("VGL-HOST-005", "2.6", "MEDIUM", "aufs storage driver is used",
	  "Use overlay2 (\"storage-driver\": \"overlay2\")."),
	H("VGL-HOST-006", "2.7", "CRITICAL", "Daemon listens on TCP without TLS authentication",
	  "Set tlsverify, tlscacert, tlscert and tlskey, or listen on the unix socket only."),
	H("VGL-HOST-007", "2.9", "MEDIUM", "User namespace remapping is not enabled",
	  "Set \"userns-remap\": \"default\" in daemon.json."),
	H("VGL-HOST-008", "2.12", "LOW", "No authorization plugin for Docker client commands",
	  "Configure authorization-plugins (for example opa-docker-authz)."),
	H("VGL-HOST-009", "2.13", "LOW", "No centralized and remote logging",
	  "Set log-driver to syslog, journald, fluentd, gelf, awslogs or splunk."),
	H("VGL-HOST-010", "2.14", "LOW", "Live restore is not enabled",
	  "Set \"live-restore\": true in daemon.json."),
	H("VGL-HOST-011", "2.15", "LOW", "Userland proxy is not disabled",
	  "Set \"userland-proxy\": false in daemon.json."),
	H("VGL-HOST-012", "2.16", "HIGH", "Daemon-wide seccomp profile is unconfined",
	  "Remove \"seccomp-profile\": \"unconfined\"; use the default or a custom profile."),
	H("VGL-HOST-013", "2.17", "LOW", "Experimental features are enabled",
	  "Set \"experimental\": false in production."),
	H("VGL-HOST-014", "2.18", "MEDIUM", "Containers may acquire new privileges",
	  "Set \"no-new-privileges\": true in daemon.json."),
	H("VGL-HOST-015", NULL, "MEDIUM", "daemon.json is not valid JSON",
	  "Fix the file: dockerd refuses to start with it."),
	H("VGL-HOST-020", "3.1", "MEDIUM", "docker.service is not owned by root:root", FIX_OWN),
	H("VGL-HOST-021", "3.2", "MEDIUM", "docker.service is more permissive than 644",
	  "chmod 644 the unit file."),
	H("VGL-HOST-022", "3.3", "MEDIUM", "docker.socket is not owned by root:root", FIX_OWN),
	H("VGL-HOST-023", "3.4", "MEDIUM", "docker.socket is more permissive than 644",
	  "chmod 644 the unit file."),
	H("VGL-HOST-024", "3.5", "MEDIUM", "/etc/docker is not owned by root:root",
	  "chown root:root /etc/docker."),
	H("VGL-HOST-025", "3.6", "MEDIUM", "/etc/docker is more permissive than 755",
	  "chmod 755 /etc/docker."),
	H("VGL-HOST-026", "3.7", "MEDIUM", "Registry certificate is not owned by root:root",
	  "chown root:root the files under /etc/docker/certs.d."),
	H("VGL-HOST-027", "3.8", "MEDIUM", "Registry certificate is more permissive than 444",
	  "chmod 444 the files under /etc/docker/certs.d."),
	H("VGL-HOST-028", "3.9", "MEDIUM", "TLS CA certificate is not owned by root:root", FIX_OWN),
	H("VGL-HOST-029", "3.10", "MEDIUM", "TLS CA certificate is more permissive than 444",
	  "chmod 444 the CA certificate."),
	H("VGL-HOST-030", "3.11", "MEDIUM", "Server certificate is not owned by root:root",
	  FIX_OWN),
	H("VGL-HOST-031", "3.12", "MEDIUM", "Server certificate is more permissive than 444",
	  "chmod 444 the server certificate."),
	H("VGL-HOST-032", "3.13", "HIGH", "Server key is not owned by root:root", FIX_OWN),
	H("VGL-HOST-033", "3.14", "HIGH", "Server key is more permissive than 400",
	  "chmod 400 the server key."),
	H("VGL-HOST-034", "3.15", "HIGH", "Docker socket is not owned by root:docker",
	  "chown root:docker /var/run/docker.sock."),
	H("VGL-HOST-035", "3.16", "HIGH", "Docker socket is more permissive than 660",
	  "chmod 660 /var/run/docker.sock."),
	H("VGL-HOST-036", "3.17", "MEDIUM", "daemon.json is not owned by root:root", FIX_OWN),
	H("VGL-HOST-037", "3.18", "MEDIUM", "daemon.json is more permissive than 644",
	  "chmod 644 /etc/docker/daemon.json."),
	H("VGL-HOST-038", "3.19", "MEDIUM", "/etc/default/docker is not owned by root:root",
	  FIX_OWN),
	H("VGL-HOST-039", "3.20", "MEDIUM", "/etc/default/docker is more permissive than 644",
	  "chmod 644 /etc/default/docker."),
	H("VGL-HOST-040", "3.23", "MEDIUM", "containerd socket is not owned by root:root", FIX_OWN),
	H("VGL-HOST-041", "3.24", "MEDIUM", "containerd socket is more permissive than 660",
	  "chmod 660 /run/containerd/containerd.sock."),
	H("VGL-HOST-042", "3.22", "MEDIUM", "/etc/sysconfig/docker is not owned by root:root",
	  FIX_OWN),
	H("VGL-HOST-043", "3.21", "MEDIUM", "/etc/sysconfig/docker is more permissive than 644",
	  "chmod 644 /etc/sysconfig/docker."),
	H("VGL-HOST-050", "1.1.3", "MEDIUM", "No audit rule for the Docker daemon binary",
	  FIX_AUDIT("/usr/bin/dockerd")),
	H("VGL-HOST-051", "1.1.4", "LOW", "No audit rule for /run/containerd",
	  FIX_AUDIT("/run/containerd")),
	H("VGL-HOST-052", "1.1.5", "LOW", "No audit rule for /var/lib/docker",
	  FIX_AUDIT("/var/lib/docker")),
	H("VGL-HOST-053", "1.1.6", "LOW", "No audit rule for /etc/docker",
	  FIX_AUDIT("/etc/docker")),
	H("VGL-HOST-054", "1.1.7", "LOW", "No audit rule for docker.service",
	  FIX_AUDIT("<path of docker.service>")),
	H("VGL-HOST-055", "1.1.8", "LOW", "No audit rule for containerd.sock",
	  FIX_AUDIT("/run/containerd/containerd.sock")),
	H("VGL-HOST-056", "1.1.9", "LOW", "No audit rule for docker.socket",
	  FIX_AUDIT("<path of docker.socket>")),
	H("VGL-HOST-057", "1.1.10", "LOW", "No audit rule for /etc/default/docker",
	  FIX_AUDIT("/etc/default/docker")),
	H("VGL-HOST-058", "1.1.11", "LOW", "No audit rule for /etc/docker/daemon.json",
	  FIX_AUDIT("/etc/docker/daemon.json")),
	H("VGL-HOST-059", "1.1.12", "LOW", "No audit rule for /etc/containerd/config.toml",
	  FIX_AUDIT("/etc/containerd/config.toml")),
	H("VGL-HOST-060", "1.1.14", "LOW", "No audit rule for /usr/bin/containerd",
	  FIX_AUDIT("/usr/bin/containerd")),
	H("VGL-HOST-061", "1.1.18", "LOW", "No audit rule for /usr/bin/runc",
	  FIX_AUDIT("/usr/bin/runc")),
	H("VGL-HOST-062", "1.1.13", "LOW", "No audit rule for /etc/sysconfig/docker",
	  FIX_AUDIT("/etc/sysconfig/docker")),
	H("VGL-HOST-063", "1.1.15", "LOW", "No audit rule for /usr/bin/containerd-shim",
	  FIX_AUDIT("/usr/bin/containerd-shim")),
	H("VGL-HOST-064", "1.1.16", "LOW", "No audit rule for /usr/bin/containerd-shim-runc-v1",
	  FIX_AUDIT("/usr/bin/containerd-shim-runc-v1")),
	H("VGL-HOST-065", "1.1.17", "LOW", "No audit rule for /usr/bin/containerd-shim-runc-v2",
	  FIX_AUDIT("/usr/bin/containerd-shim-runc-v2")),
	C("VGL-CTR-001", "5.4", "CRITICAL", "Container runs privileged",
	  "Drop --privileged; add only the capabilities and devices it needs."),
	C("VGL-CTR-002", "5.3", "HIGH", "Container adds a dangerous capability",
	  "Remove the capability (--cap-add); SYS_ADMIN and ALL are near root on the host."),
	C("VGL-CTR-003", "5.3", "LOW", "Container does not drop capabilities",
	  "Run with --cap-drop ALL and add back only what is needed."),
	C("VGL-CTR-004", "5.9", "HIGH", "Container shares the host network namespace",
	  "Do not use --network host."),
	C("VGL-CTR-005", "5.15", "HIGH", "Container shares the host PID namespace",
	  "Do not use --pid host."),
	C("VGL-CTR-006", "5.16", "HIGH", "Container shares the host IPC namespace",
	  "Do not use --ipc host."),
	C("VGL-CTR-007", "5.20", "MEDIUM", "Container shares the host UTS namespace",
	  "Do not use --uts host."),
	C("VGL-CTR-008", "5.30", "MEDIUM", "Container shares the host user namespace",
	  "Do not use --userns host."),
	C("VGL-CTR-009", "5.5", "HIGH", "Sensitive host directory is mounted",
	  "Do not mount /, /boot, /dev, /etc, /lib, /proc, /sys or /usr of the host."),
	C("VGL-CTR-010", "5.31", "CRITICAL", "Docker socket is mounted into the container",
	  "Never mount docker.sock; it gives root on the host."),
	C("VGL-CTR-011", "5.19", "MEDIUM", "Mount propagation is shared",
	  "Use private (the default) or slave propagation."),
	C("VGL-CTR-012", "5.10", "MEDIUM", "Container memory is not limited", "Run with --memory."),
	C("VGL-CTR-013", "5.11", "LOW", "Container CPU priority is not set",
	  "Run with --cpu-shares."),
	C("VGL-CTR-014", "5.28", "MEDIUM", "Container PIDs are not limited",
	  "Run with --pids-limit."),
	C("VGL-CTR-015", "5.12", "MEDIUM", "Container root filesystem is writable",
	  "Run with --read-only and mount volumes where writes are needed."),
	C("VGL-CTR-016", "5.21", "HIGH", "Container seccomp profile is disabled",
	  "Remove --security-opt seccomp=unconfined."),
	C("VGL-CTR-017", "5.1", "MEDIUM", "Container AppArmor profile is disabled",
	  "Remove --security-opt apparmor=unconfined; use docker-default or a custom profile."),
	C("VGL-CTR-018", "5.25", "MEDIUM", "Container may acquire new privileges",
	  "Run with --security-opt no-new-privileges."),
	C("VGL-CTR-019", "5.14", "LOW", "Restart policy is not on-failure with at most 5 retries",
	  "Use --restart on-failure:5."),
	C("VGL-CTR-020", "5.7", "LOW", "Privileged host port is mapped",
	  "Map container ports to host ports of 1024 or more."),
	C("VGL-CTR-021", "5.13", "LOW", "Port is published on all host interfaces",
	  "Bind published ports to one address (-p 10.0.0.5:8080:80)."),
	C("VGL-CTR-022", "5.17", "MEDIUM", "Host device is exposed to the container",
	  "Remove --device, or give only the access needed (:r)."),
	C("VGL-CTR-023", "4.1", "MEDIUM", "Container runs as root",
	  "Set a non-root USER in the image or run with --user."),
	C("VGL-CTR-024", "5.26", "LOW", "Container has no health check",
	  "Add a HEALTHCHECK to the image or --health-cmd at run time."),
	C("VGL-CTR-025", "5.2", "MEDIUM", "Container SELinux labeling is disabled",
	  "Remove --security-opt label=disable (label:disable)."),
	{NULL, NULL, NULL, NULL, NULL, NULL},
};

#define MAX_READ ((size_t)4 << 20)
#define MAX_DIR_ENTRIES 4096

typedef struct host {
	vigil_config_result *r;
	vigil_ctx *ctx;
	int rootfd;
	long docker_gid; /* from etc/group, -1 when there is no docker group */
	host_daemon daemon;
	char units[2][512]; /* found docker.service and docker.socket paths */
} host;

/* Opens `path` below root as if root were "/": symlinks, absolute or with "..", never
 * leave it. Falls back to refusing every symlink without openat2. -1 with errno. */
static int host_open(int rootfd, const char *path, int flags)
{
	struct open_how how;
	int fd;
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return fd;
	/* no openat2: walk the components without following any link */
	char comp[256];
	int dir = dup(rootfd);
	while (dir >= 0) {
		size_t n = strcspn(path, "/");
		int last = path[n] == 0, next;
		if (n == 0 || n >= sizeof(comp) || (n == 2 && memcmp(path, "..", 2) == 0)) {
			close(dir);
			errno = ENOENT;
			return -1;
		}
		memcpy(comp, path, n);
		comp[n] = 0;
		next = openat(dir, comp,
			      (last ? flags : O_PATH | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
		close(dir);
		if (last || next < 0)
			return next;
		dir = next;
		path += n;
		while (*path == '/')
			path++;
		if (!*path)
			return dir;
	}
	return -1;
}

/* stat of `path` below root; 0, or -1 when it does not exist. */
static int host_stat(host *h, const char *path, struct stat *st)
{
	int fd = host_open(h->rootfd, path, O_PATH);
	int rc;
	if (fd < 0)
		return -1;
	rc = fstat(fd, st);
	close(fd);
	return rc;
}

/* Reads a regular file below root into b (at most MAX_READ); 0 or -1. */
static int host_read(host *h, const char *path, vigil_buf *b)
{
	struct stat st;
	char tmp[8192];
	ssize_t n;
	int rc = -1, fd;
	b->len = 0;
	b->limit = MAX_READ;
	/* never open what is not a regular file (a FIFO or a device could block or act) */
	if (host_stat(h, path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (fd = host_open(h->rootfd, path, O_RDONLY | O_NONBLOCK)) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto done;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		if (vigil_buf_put(b, tmp, (size_t)n) < 0)
			goto done;
	if (n == 0 && vigil_buf_cstr(b) == 0)
		rc = 0;
done:
	close(fd);
	return rc;
}

/* Checks owner and mode of `path` if it exists: owner root (group `gid`, or root when
 * gid < 0) and no mode bit beyond `max`. */
static int check_file(host *h, const char *path, const char *own_id, const char *mode_id,
		      unsigned max, long gid)
{
	struct stat st;
	int error = 0;
	if (host_stat(h, path, &st) < 0)
		return 0;
	if (st.st_uid != 0 || (long)st.st_gid != (gid < 0 ? 0 : gid))
		error = vigil_config__add(h->r, own_id, path, 0, NULL, -1,
					  "owned by %u:%u, expected root:%s", (unsigned)st.st_uid,
					  (unsigned)st.st_gid, gid < 0 ? "root" : "docker");
	if (error == 0 && (st.st_mode & 07777 & ~max))
		error = vigil_config__add(h->r, mode_id, path, 0, NULL, -1,
					  "mode %04o, expected %04o or stricter",
					  (unsigned)(st.st_mode & 07777), max);
	return error;
}

static const char *const UNIT_DIRS[] = {"/lib/systemd/system", "/usr/lib/systemd/system",
					"/etc/systemd/system"};

static int check_units(host *h)
{
	static const char *const names[] = {"docker.service", "docker.socket"};
	static const char *const ids[][2] = {{"VGL-HOST-020", "VGL-HOST-021"},
					     {"VGL-HOST-022", "VGL-HOST-023"}};
	int error = 0;
	for (size_t u = 0; u < 2; u++)
		for (size_t d = 0; d < VIGIL_ARRAY_LEN(UNIT_DIRS) && error == 0; d++) {
			char path[512];
			struct stat st;
			snprintf(path, sizeof(path), "%s/%s", UNIT_DIRS[d], names[u]);
			if (host_stat(h, path, &st) < 0)
				continue;
			if (!h->units[u][0])
				snprintf(h->units[u], sizeof(h->units[u]), "%s", path);
			error = check_file(h, path, ids[u][0], ids[u][1], 0644, -1);
		}
	return error;
}

/* Files below /etc/docker/certs.d/<registry>/: owner root, mode 444 or stricter. */
static int check_registry_certs(host *h)
{
	int fd = host_open(h->rootfd, "/etc/docker/certs.d", O_RDONLY | O_DIRECTORY);
	DIR *top;
	struct dirent *e;
	int error = 0, seen = 0;
	if (fd < 0 || !(top = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (error == 0 && (e = readdir(top)) && seen++ < MAX_DIR_ENTRIES) {
		int sub;
		DIR *d;
		struct dirent *f;
		if (e->d_name[0] == '.')
			continue;
		sub = openat(dirfd(top), e->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || !(d = fdopendir(sub))) {
			if (sub >= 0)
				close(sub);
			continue;
		}
		while (error == 0 && (f = readdir(d)) && seen++ < MAX_DIR_ENTRIES) {
			struct stat st;
			char path[1024];
			if (f->d_name[0] == '.' ||
			    fstatat(dirfd(d), f->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
			    !S_ISREG(st.st_mode))
				continue;
			snprintf(path, sizeof(path), "/etc/docker/certs.d/%s/%s", e->d_name,
				 f->d_name);
			if (st.st_uid != 0 || st.st_gid != 0)
				error = vigil_config__add(h->r, "VGL-HOST-026", path, 0, NULL, -1,
							  "owned by %u:%u, expected root:root",
							  (unsigned)st.st_uid, (unsigned)st.st_gid);
			if (error == 0 && (st.st_mode & 07777 & ~0444u))
				error = vigil_config__add(h->r, "VGL-HOST-027", path, 0, NULL, -1,
							  "mode %04o, expected 0444 or stricter",
							  (unsigned)(st.st_mode & 07777));
		}
		closedir(d);
	}
	closedir(top);
	return error;
}

/* The GID of group "docker" in etc/group, or -1. */
static long docker_gid(host *h)
{
	vigil_buf b = VIGIL_BUF_INIT;
	long gid = -1;
	if (host_read(h, "/etc/group", &b) == 0) {
		const char *p = (const char *)b.data;
		while (p && *p) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			if (n > 7 && memcmp(p, "docker:", 7) == 0) {
				const char *c = memchr(p + 7, ':', n - 7);
				uint64_t v;
				char num[16];
				size_t k = 0;
				if (c) {
					for (c++; k + 1 < sizeof(num) && c < p + n && *c != ':';
					     c++)
						num[k++] = *c;
					num[k] = 0;
					if (vigil_parse_uint(&v, num, 0x7fffffff) == 0)
						gid = (long)v;
				}
				break;
			}
			p = e ? e + 1 : NULL;
		}
	}
	vigil_buf_free(&b);
	return gid;
}

/* ---- audit rules ------------------------------------------------------------------- */

typedef struct audit_rule {
	const char *id;
	const char *path; /* NULL: the unit found (0 service, 1 socket) */
	int unit;
} audit_rule;

static const audit_rule AUDIT[] = {
	{"VGL-HOST-050", "/usr/bin/dockerd", -1},
	{"VGL-HOST-051", "/run/containerd", -1},
	{"VGL-HOST-052", "/var/lib/docker", -1},
	{"VGL-HOST-053", "/etc/docker", -1},
	{"VGL-HOST-054", NULL, 0},
	{"VGL-HOST-055", "/run/containerd/containerd.sock", -1},
	{"VGL-HOST-056", NULL, 1},
	{"VGL-HOST-057", "/etc/default/docker", -1},
	{"VGL-HOST-058", "/etc/docker/daemon.json", -1},
	{"VGL-HOST-059", "/etc/containerd/config.toml", -1},
	{"VGL-HOST-060", "/usr/bin/containerd", -1},
	{"VGL-HOST-061", "/usr/bin/runc", -1},
	{"VGL-HOST-062", "/etc/sysconfig/docker", -1},
	{"VGL-HOST-063", "/usr/bin/containerd-shim", -1},
	{"VGL-HOST-064", "/usr/bin/containerd-shim-runc-v1", -1},
	{"VGL-HOST-065", "/usr/bin/containerd-shim-runc-v2", -1},
};

/* Appends the rules of one file to all (a NUL-separated list of watched paths). */
static void rules_add(vigil_buf *all, const char *text)
{
	const char *p = text;
	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *e = p + n, *first = p;
		while (first < e && (*first == ' ' || *first == '\t'))
			first++;
		/* "-w PATH ..." or "-F path=PATH" / "-F dir=PATH" anywhere in the line */
		for (const char *q = p; q < e && *first != '#'; q++) {
			const char *v = NULL;
			if (q + 3 <= e && memcmp(q, "-w ", 3) == 0)
				v = q + 3;
			else if (q + 5 <= e && memcmp(q, "path=", 5) == 0)
				v = q + 5;
			else if (q + 4 <= e && memcmp(q, "dir=", 4) == 0)
				v = q + 4;
			if (!v || (q > p && q[-1] != ' ' && q[-1] != '\t' && q[0] != '-'))
				continue;
			while (v < e && *v == ' ')
				v++;
			size_t k = 0;
			while (v + k < e && v[k] != ' ' && v[k] != '\t' && v[k] != '\r')
				k++;
			if (k && (vigil_buf_put(all, v, k) < 0 || vigil_buf_putc(all, 0) < 0))
				return;
		}
		p = *e ? e + 1 : e;
	}
}

static int watched(const vigil_buf *all, const char *path)
{
	for (size_t i = 0; i < all->len;) {
		const char *w = (const char *)all->data + i;
		size_t n = strlen(w);
		if (strcmp(w, path) == 0 ||
		    (n > 1 && w[n - 1] == '/' && strncmp(w, path, n - 1) == 0 && path[n - 1] == 0))
			return 1;
		i += n + 1;
	}
	return 0;
}

static int check_audit(host *h)
{
	vigil_buf all = VIGIL_BUF_INIT, file = VIGIL_BUF_INIT;
	int fd, error = 0, seen = 0;
	DIR *d;
	all.limit = MAX_READ;
	if (host_read(h, "/etc/audit/audit.rules", &file) == 0)
		rules_add(&all, (const char *)file.data);
	fd = host_open(h->rootfd, "/etc/audit/rules.d", O_RDONLY | O_DIRECTORY);
	if (fd >= 0 && (d = fdopendir(fd))) {
		struct dirent *e;
		while ((e = readdir(d)) && seen++ < MAX_DIR_ENTRIES) {
			size_t n = strlen(e->d_name);
			char path[512];
			if (n < 6 || strcmp(e->d_name + n - 6, ".rules") != 0)
				continue;
			snprintf(path, sizeof(path), "/etc/audit/rules.d/%s", e->d_name);
			if (host_read(h, path, &file) == 0)
				rules_add(&all, (const char *)file.data);
		}
		closedir(d);
	} else if (fd >= 0) {
		close(fd);
	}
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(AUDIT) && error == 0; i++) {
		const char *path = AUDIT[i].path ? AUDIT[i].path : h->units[AUDIT[i].unit];
		struct stat st;
		if (!path[0] || host_stat(h, path, &st) < 0)
			continue; /* nothing to audit */
		if (!watched(&all, path))
			error = vigil_config__add(h->r, AUDIT[i].id, path, 0, NULL, -1,
						  "no audit rule watches %s", path);
	}
	vigil_buf_free(&all);
	vigil_buf_free(&file);
	return error;
}

/* ---- the audit --------------------------------------------------------------------- */

/* True when Docker looks installed below root: a daemon binary, /etc/docker or a unit. */
static int docker_installed(host *h)
{
	static const char *const paths[] = {"/usr/bin/dockerd", "/usr/sbin/dockerd",
					    "/usr/local/bin/dockerd", "/etc/docker"};
	struct stat st;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(paths); i++)
		if (host_stat(h, paths[i], &st) == 0)
			return 1;
	for (size_t d = 0; d < VIGIL_ARRAY_LEN(UNIT_DIRS); d++) {
		char unit[256];
		snprintf(unit, sizeof(unit), "%s/docker.service", UNIT_DIRS[d]);
		if (host_stat(h, unit, &st) == 0)
			return 1;
	}
	return 0;
}

static int check_daemon(host *h)
{
	vigil_buf b = VIGIL_BUF_INIT;
	int error;
	const char *path = "/etc/docker/daemon.json";
	if (host_read(h, path, &b) == 0)
		error = vigil_config__host_daemon(h->r, &h->daemon, path, (const char *)b.data,
						  b.len);
	else if (docker_installed(h)) /* no daemon.json: the defaults apply */
		error = vigil_config__host_daemon(h->r, &h->daemon, path, "{}", 2);
	else
		error = 0;
	vigil_buf_free(&b);
	if (error < 0)
		return error;
	h->r->files++;
	if ((error = check_file(h, path, "VGL-HOST-036", "VGL-HOST-037", 0644, -1)) < 0 ||
	    (error = check_file(h, "/etc/docker", "VGL-HOST-024", "VGL-HOST-025", 0755, -1)) < 0 ||
	    (error = check_file(h, "/etc/default/docker", "VGL-HOST-038", "VGL-HOST-039", 0644,
				-1)) < 0 ||
	    (error = check_file(h, "/etc/sysconfig/docker", "VGL-HOST-042", "VGL-HOST-043", 0644,
				-1)) < 0)
		return error;
	if (h->daemon.tlscacert[0] && (error = check_file(h, h->daemon.tlscacert, "VGL-HOST-028",
							  "VGL-HOST-029", 0444, -1)) < 0)
		return error;
	if (h->daemon.tlscert[0] && (error = check_file(h, h->daemon.tlscert, "VGL-HOST-030",
							"VGL-HOST-031", 0444, -1)) < 0)
		return error;
	if (h->daemon.tlskey[0] &&
	    (error = check_file(h, h->daemon.tlskey, "VGL-HOST-032", "VGL-HOST-033", 0400, -1)) < 0)
		return error;
	return 0;
}

static int check_sockets(host *h)
{
	struct stat st;
	const char *sock = host_stat(h, "/var/run/docker.sock", &st) == 0 ? "/var/run/docker.sock"
									  : "/run/docker.sock";
	int error = check_file(h, sock, "VGL-HOST-034", "VGL-HOST-035", 0660, h->docker_gid);
	if (error == 0)
		error = check_file(h, "/run/containerd/containerd.sock", "VGL-HOST-040",
				   "VGL-HOST-041", 0660, -1);
	return error;
}

/* Reads the inspect file (a plain path, not below root) and checks its containers. */
static int check_inspect(host *h, const char *file)
{
	vigil_buf b = VIGIL_BUF_INIT;
	char errmsg[256];
	int error;
	FILE *f = vigil_fopen_regular(file);
	if (!f)
		return vigil_error_set(h->ctx, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO,
				       "%s: cannot open: %s", file, vigil_open_strerror(errno));
	b.limit = h->ctx->limits.max_json_size;
	error = vigil_buf_fread_all(&b, f);
	fclose(f);
	if (error == VIGIL_ELIMIT || error == VIGIL_ENOMEM) {
		vigil_buf_free(&b);
		return vigil_error_set(h->ctx, error,
				       error == VIGIL_ELIMIT ? "%s: larger than the JSON size limit"
							     : "%s: out of memory",
				       file);
	}
	if (error == 0)
		error = vigil_config__host_inspect(h->r, file, b.data ? (const char *)b.data : "",
						   b.len, errmsg);
	vigil_buf_free(&b);
	if (error == VIGIL_EFORMAT)
		return vigil_error_set(h->ctx, error, "%s: %s", file, errmsg);
	if (error < 0)
		return vigil_error_set(h->ctx, error, "%s: cannot read", file);
	h->r->files++;
	return 0;
}

int vigil_config_audit_host(vigil_config_result **out, vigil_ctx *ctx, const char *root,
			    const char *docker_inspect, const vigil_config_opts *opts)
{
	host hv, *h = &hv;
	int error;
	*out = NULL;
	memset(h, 0, sizeof(*h));
	if (!root)
		root = "/";
	if ((h->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return vigil_error_set(ctx, VIGIL_ENOTFOUND, "%s: not a directory", root);
	h->ctx = ctx;
	if ((error = vigil_config__result_new(&h->r, opts)) < 0) {
		close(h->rootfd);
		return vigil_error_set(ctx, error, "out of memory");
	}
	h->docker_gid = docker_gid(h);
	if ((error = check_daemon(h)) < 0 || (error = check_units(h)) < 0 ||
	    (error = check_registry_certs(h)) < 0 || (error = check_sockets(h)) < 0 ||
	    (error = check_audit(h)) < 0)
		error = vigil_error_set(ctx, error, "out of memory");
	else if (docker_inspect)
		error = check_inspect(h, docker_inspect);
	close(h->rootfd);
	if (error < 0) {
		vigil_config_result_free(h->r);
		return error;
	}
	vigil_config__result_done(h->r);
	*out = h->r;
	return 0;
}
