/* guard.c - the deny-exec policy: executing a file that is not in the container's image
 * fails. fanotify FAN_OPEN_EXEC_PERM marks on each guarded container's root mount (seen
 * through /proc/PID/root, so the mark is the container's own mount, not the host's view of
 * the bundle) and on its tmpfs mounts (/dev, /dev/shm, ...: nothing there came from the
 * image). A thread answers every permission event at once: a file whose inode changed
 * (ctime) after the container was created, or any file on a guarded tmpfs, is denied;
 * everything else is allowed. Denials are queued for the agent to report. Closing the
 * fanotify descriptor removes the marks (pending events are allowed by the kernel). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/rt.h"

#define MOUNTS 1024 /* guarded mounts (all containers) */
#define QUEUE 256   /* denials waiting for the agent */

typedef struct gmount {
	unsigned long long mnt_id;
	int all_new;		    /* tmpfs: nothing on it is in the image */
	char host_prefix[VRT_PATH]; /* the mount's root as the agent sees it */
	char inside[VRT_PATH];	    /* its mount point inside the container */
	rt_container c;
	int used;
	unsigned long long seen; /* sweep generation in which its container was last listed */
} gmount;

struct rt_guard {
	int fan, stop_pipe[2];
	pthread_t thread;
	int thread_ok;
	pthread_mutex_t lock;
	gmount mounts[MOUNTS];
	rt_guard_denial queue[QUEUE];
	size_t qhead, qlen;
	unsigned long long allowed, denied, queue_lost;
	unsigned long long gen; /* current sweep (vigil_rt__guard_sweep) */
	int realtime;		/* the answering thread runs SCHED_FIFO */
};

static int mnt_id_of(int dirfd, const char *path, int flags, unsigned long long *out,
		     long long *ctime_ns)
{
	struct statx sx;
	if (statx(dirfd, path, flags, STATX_MNT_ID | STATX_CTIME, &sx) < 0)
		return -errno;
	if (!(sx.stx_mask & STATX_MNT_ID))
		return -ENOTSUP;
	*out = sx.stx_mnt_id;
	if (ctime_ns)
		*ctime_ns = (long long)sx.stx_ctime.tv_sec * 1000000000LL + sx.stx_ctime.tv_nsec;
	return 0;
}

static void cpy(char *dst, size_t n, const char *s)
{
	size_t l = strnlen(s, n - 1);
	memcpy(dst, s, l);
	dst[l] = 0;
}

/* decides one permission event (the mutex is held): 1 deny, 0 allow */
static int decide(rt_guard *g, int fd, unsigned pid, rt_guard_denial *d)
{
	unsigned long long mnt = 0;
	long long ctime_ns = 0;
	char link[40], path[VRT_PATH];
	ssize_t n;
	gmount *m = NULL;

	if (mnt_id_of(fd, "", AT_EMPTY_PATH, &mnt, &ctime_ns) < 0)
		return 0;
	for (size_t i = 0; i < MOUNTS; i++)
		if (g->mounts[i].used && g->mounts[i].mnt_id == mnt) {
			m = &g->mounts[i];
			break;
		}
	if (!m || (!m->all_new && (!m->c.created || ctime_ns <= m->c.created)))
		return 0;
	memset(d, 0, sizeof(*d));
	d->pid = pid;
	d->c = m->c;
	d->exe_ctime = ctime_ns;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	path[n > 0 ? n : 0] = 0;
	/* the path inside the container: the mount point plus the part below its root */
	{
		size_t pl = strlen(m->host_prefix), il;
		const char *rest = NULL;
		if (pl && !strncmp(path, m->host_prefix, pl) && (path[pl] == '/' || !path[pl]))
			rest = path + pl;
		else if (!strcmp(m->host_prefix, "/"))
			rest = path;
		if (rest) { /* mount point + the rest, truncated to the buffer */
			il = strcmp(m->inside, "/") ? strnlen(m->inside, sizeof(d->path) - 1) : 0;
			memcpy(d->path, m->inside, il);
			cpy(d->path + il, sizeof(d->path) - il, rest);
		} else
			cpy(d->path, sizeof(d->path), path);
	}
	cpy(d->reason, sizeof(d->reason),
	    m->all_new ? "on a tmpfs of the container (not in the image)"
		       : "changed after the container was created (not in the image)");
	snprintf(link, sizeof(link), "/proc/%u/comm", pid);
	{
		int cfd = open(link, O_RDONLY | O_CLOEXEC);
		if (cfd >= 0) {
			ssize_t k = read(cfd, d->comm, sizeof(d->comm) - 1);
			d->comm[k > 0 ? k : 0] = 0;
			if (k > 0 && d->comm[k - 1] == '\n')
				d->comm[k - 1] = 0;
			close(cfd);
		}
	}
	return 1;
}

static void *guard_thread(void *payload)
{
	rt_guard *g = payload;
	char buf[8192] __attribute__((aligned(__alignof__(struct fanotify_event_metadata))));

	for (;;) {
		struct pollfd p[2] = {{g->fan, POLLIN, 0}, {g->stop_pipe[0], POLLIN, 0}};
		struct fanotify_event_metadata *md;
		ssize_t len;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		len = read(g->fan, buf, sizeof(buf));
		if (len <= 0) {
			if (len < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			break;
		}
		md = (struct fanotify_event_metadata *)buf;
		for (; FAN_EVENT_OK(md, len); md = FAN_EVENT_NEXT(md, len)) {
			struct fanotify_response r;
			rt_guard_denial d;
			int deny = 0;

			if (md->vers != FANOTIFY_METADATA_VERSION)
				break;
			if (md->fd < 0)
				continue;
			pthread_mutex_lock(&g->lock);
			if (md->mask & FAN_OPEN_EXEC_PERM)
				deny = decide(g, md->fd, (unsigned)md->pid, &d);
			r.fd = md->fd;
			r.response = deny ? FAN_DENY : FAN_ALLOW;
			if (write(g->fan, &r, sizeof(r)) != (ssize_t)sizeof(r))
				deny = deny ? -1 : 0;
			if (deny) {
				cpy(d.result, sizeof(d.result),
				    deny > 0 ? "denied" : "failed: the response was not accepted");
				g->denied++;
				if (g->qlen < QUEUE) {
					g->queue[(g->qhead + g->qlen) % QUEUE] = d;
					g->qlen++;
				} else
					g->queue_lost++;
			} else
				g->allowed++;
			pthread_mutex_unlock(&g->lock);
			close(md->fd);
		}
	}
	return NULL;
}

int vigil_rt__guard_open(rt_guard **out, char *err, size_t errlen)
{
	rt_guard *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (!g) {
		snprintf(err, errlen, "out of memory");
		return VIGIL_ENOMEM;
	}
	g->stop_pipe[0] = g->stop_pipe[1] = -1;
	pthread_mutex_init(&g->lock, NULL);
	g->fan = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK,
			       O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (g->fan < 0) {
		snprintf(err, errlen, "deny-exec: fanotify_init: %s", strerror(errno));
		goto fail;
	}
	if (pipe2(g->stop_pipe, O_CLOEXEC) < 0 ||
	    pthread_create(&g->thread, NULL, guard_thread, g) != 0) {
		snprintf(err, errlen, "deny-exec: cannot start the guard thread");
		goto fail;
	}
	g->thread_ok = 1;
	/* every exec in a guarded container waits for this thread: on a busy machine a
	 * normal-priority thread waits for its turn on a core (hundreds of µs). SCHED_FIFO at
	 * the lowest real-time priority answers first; it only blocks in poll and does a
	 * statx per event. Without the privilege it stays a normal thread. */
	{
		struct sched_param sp = {.sched_priority = 1};
		g->realtime = pthread_setschedparam(g->thread, SCHED_FIFO, &sp) == 0;
	}
	*out = g;
	return 0;
fail:
	vigil_rt__guard_close(g);
	return VIGIL_EIO;
}

/* marks one mount; 0 or -errno */
static int mark(rt_guard *g, const char *path, const char *inside, const rt_container *c,
		int all_new)
{
	unsigned long long mnt = 0;
	gmount *m = NULL;
	char host[VRT_PATH];
	ssize_t n;
	int e;

	if ((e = mnt_id_of(AT_FDCWD, path, 0, &mnt, NULL)) < 0)
		return e;
	n = readlink(path, host, sizeof(host) - 1); /* /proc/PID/root is a link */
	if (n <= 0) {
		char *rp = realpath(path, NULL);
		cpy(host, sizeof(host), rp ? rp : "");
		free(rp);
	} else
		host[n] = 0;
	if (fanotify_mark(g->fan, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN_EXEC_PERM, AT_FDCWD,
			  path) < 0)
		return -errno;
	pthread_mutex_lock(&g->lock);
	for (size_t i = 0; i < MOUNTS; i++)
		if (g->mounts[i].used && g->mounts[i].mnt_id == mnt) {
			m = &g->mounts[i];
			break;
		}
	for (size_t i = 0; !m && i < MOUNTS; i++)
		if (!g->mounts[i].used)
			m = &g->mounts[i];
	if (m) {
		memset(m, 0, sizeof(*m));
		m->used = 1;
		m->seen = g->gen;
		m->mnt_id = mnt;
		m->all_new = all_new;
		m->c = *c;
		cpy(m->host_prefix, sizeof(m->host_prefix), host);
		cpy(m->inside, sizeof(m->inside), inside);
	}
	pthread_mutex_unlock(&g->lock);
	return m ? 0 : -ENOSPC;
}

/* copies the idx-th space-separated word of s into out (size n); -1 when missing or too
 * long */
static int word(const char *s, int idx, char *out, size_t n)
{
	size_t l;
	for (int i = 0; i < idx; i++) {
		s += strcspn(s, " \n");
		if (*s != ' ')
			return -1;
		s++;
	}
	l = strcspn(s, " \n");
	if (!l || l >= n)
		return -1;
	memcpy(out, s, l);
	out[l] = 0;
	return 0;
}

int vigil_rt__guard_add(rt_guard *g, const rt_container *c, int pid, char *msg, size_t n)
{
	char path[VRT_PATH + 64], line[1024];
	unsigned long long root_mnt = 0;
	int e, marked = 0, already = 0;
	FILE *f;

	msg[0] = 0;
	if (pid <= 1) {
		snprintf(msg, n, "no init process");
		return -ESRCH;
	}
	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	if ((e = mnt_id_of(AT_FDCWD, path, 0, &root_mnt, NULL)) < 0) {
		snprintf(msg, n, "%s: %s", path, strerror(-e));
		return e;
	}
	pthread_mutex_lock(&g->lock);
	for (size_t i = 0; i < MOUNTS; i++)
		if (g->mounts[i].used && g->mounts[i].mnt_id == root_mnt &&
		    !strcmp(g->mounts[i].c.id, c->id))
			already = 1;
	if (already) /* still there: keep all its mounts through the sweep */
		for (size_t i = 0; i < MOUNTS; i++)
			if (g->mounts[i].used && !strcmp(g->mounts[i].c.id, c->id))
				g->mounts[i].seen = g->gen;
	pthread_mutex_unlock(&g->lock);
	if (already)
		return 1;
	if ((e = mark(g, path, "/", c, 0)) < 0) {
		snprintf(msg, n, "fanotify_mark %s: %s", path, strerror(-e));
		return e;
	}
	marked = 1;
	/* the container's tmpfs mounts (mount points relative to its root) */
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	if ((f = fopen(path, "re"))) {
		while (fgets(line, sizeof(line), f)) {
			char mp[VRT_PATH], fstype[32], *sep = strstr(line, " - ");
			if (!sep || word(line, 4, mp, sizeof(mp)) < 0 ||
			    word(sep + 3, 0, fstype, sizeof(fstype)) < 0 ||
			    strcmp(fstype, "tmpfs") || strchr(mp, '\\'))
				continue;
			snprintf(path, sizeof(path), "/proc/%d/root%s", pid, mp);
			if (mark(g, path, mp, c, 1) == 0)
				marked++;
		}
		fclose(f);
	}
	snprintf(msg, n, "%d mount%s marked (root%s)", marked, marked == 1 ? "" : "s",
		 marked > 1 ? " and tmpfs" : "");
	return 0;
}

void vigil_rt__guard_sweep_begin(rt_guard *g)
{
	pthread_mutex_lock(&g->lock);
	g->gen++;
	pthread_mutex_unlock(&g->lock);
}

size_t vigil_rt__guard_sweep_end(rt_guard *g)
{
	size_t n = 0;
	pthread_mutex_lock(&g->lock);
	for (size_t i = 0; i < MOUNTS; i++)
		if (g->mounts[i].used && g->mounts[i].seen != g->gen) {
			g->mounts[i].used =
				0; /* its container is gone (the kernel drops the mark) */
			n++;
		}
	pthread_mutex_unlock(&g->lock);
	return n;
}

int vigil_rt__guard_realtime(const rt_guard *g)
{
	return g->realtime;
}

size_t vigil_rt__guard_take(rt_guard *g, rt_guard_denial *out, size_t max)
{
	size_t n = 0;
	pthread_mutex_lock(&g->lock);
	while (n < max && g->qlen) {
		out[n++] = g->queue[g->qhead];
		g->qhead = (g->qhead + 1) % QUEUE;
		g->qlen--;
	}
	pthread_mutex_unlock(&g->lock);
	return n;
}

void vigil_rt__guard_counts(rt_guard *g, unsigned long long *allowed, unsigned long long *denied)
{
	pthread_mutex_lock(&g->lock);
	*allowed = g->allowed;
	*denied = g->denied;
	pthread_mutex_unlock(&g->lock);
}

void vigil_rt__guard_close(rt_guard *g)
{
	if (!g)
		return;
	if (g->thread_ok) {
		if (write(g->stop_pipe[1], "x", 1) < 0) {
			/* the thread also ends when the fanotify descriptor closes */
		}
		pthread_join(g->thread, NULL);
	}
	if (g->fan >= 0)
		close(g->fan);
	if (g->stop_pipe[0] >= 0)
		close(g->stop_pipe[0]);
	if (g->stop_pipe[1] >= 0)
		close(g->stop_pipe[1]);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

/* 0 when this kernel lets fanotify ask permission for execs (the mark is placed on the
 * inode of "/" only, where no exec happens, and removed at once) */
int vigil_rt__guard_probe(void)
{
	int fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY | O_CLOEXEC), e = 0;
	if (fd < 0)
		return -errno;
	if (fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN_EXEC_PERM, AT_FDCWD, "/") < 0)
		e = -errno;
	close(fd);
	return e;
}
