/* watch.c - `vigil watch`: events from the sensor (or a replay file) are attributed to
 * their container, matched against the rules and written as alerts, with
 * deduplication, a rate limit and the kill action. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "runtime/rt.h"

#define PROC_SLOTS 4096
#define DEDUP_SLOTS 1024
#define CMDLINE 768
#define OUTBUF 2048

typedef struct proc_ent {
	unsigned pid;
	unsigned long long start; /* ns since boot; 0 unknown (replay, or not told) */
	char exe[VRT_PATH];
	char cmdline[CMDLINE];
	int lean; /* its exec carried no argv (a settled host cgroup): cmdline from /proc */
} proc_ent;

typedef struct dedup_ent {
	unsigned long long key;
	long long last; /* monotonic ns */
	unsigned long long suppressed;
} dedup_ent;

typedef struct watch {
	const vigil_watch_opts *o;
	vigil_rules *rules;
	rt_containers *cs;
	rt_sensor *sensor;
	rt_guard *guard;
	rt_post *post;
	rt_post *hook; /* --webhook */
	proc_ent *procs;
	dedup_ent *dedup;
	unsigned long long events, alerts, deduped, limited;
	double tokens;
	long long tok_time;
	rt_container replay_c;
	int replay_has_c;
	unsigned long long *connected; /* FIRST_SLOTS hashes of containers that connected */
	size_t nconnected;
	int nquiet_fail;
	unsigned long long cs_gen; /* runc state generation the quiet map was filled in */
	int host_lean;		   /* the sensor skips argv etc. of execs in marked host cgroups */
} watch;

#define FIRST_SLOTS 4096

static long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* "comm arg1 arg2" from an exec's NUL-separated argv (argv[0] replaced by comm) */
static void make_cmdline(char *out, size_t n, const struct vrt_event *e)
{
	size_t len = e->args_len < VRT_ARGS ? e->args_len : VRT_ARGS;
	size_t o, i = 0;

	snprintf(out, n, "%.*s", VRT_COMM, e->comm);
	o = strlen(out);
	while (i < len && e->args[i]) /* skip argv[0] */
		i++;
	while (++i < len) {
		size_t st = i;
		while (i < len && e->args[i])
			i++;
		if (o + 2 >= n)
			break;
		out[o++] = ' ';
		for (size_t k = st; k < i && o + 1 < n; k++)
			out[o++] = (unsigned char)e->args[k] < 0x20 ? ' ' : e->args[k];
	}
	out[o] = 0;
}

static proc_ent *proc_slot(watch *w, unsigned pid)
{
	return &w->procs[pid % PROC_SLOTS];
}

/* what the process table (or /proc) knows of pid, started at `start` (0: unknown; a
 * pid is reused often, so an entry of the same pid but another start is stale) */
static void proc_lookup(watch *w, unsigned pid, unsigned long long start, const char **exe,
			const char **cmdline)
{
	proc_ent *p = proc_slot(w, pid);
	char path[64];
	ssize_t n;

	if (p->pid == pid && (!start || !p->start || p->start == start) && !p->lean) {
		*exe = p->exe[0] ? p->exe : NULL;
		*cmdline = p->cmdline[0] ? p->cmdline : NULL;
		return;
	}
	if (w->o->replay)
		return;
	if (p->pid == pid && p->lean && (!start || !p->start || p->start == start)) {
		/* exec seen without argv (lean): the command line from /proc, once, while the
		 * process lives; else the name the exec left */
		p->lean = 0;
	} else {
		/* not seen exec (started before the sensor): ask /proc while it lives */
		memset(p, 0, sizeof(*p));
		p->pid = pid;
		p->start = start;
		snprintf(path, sizeof(path), "/proc/%u/exe", pid);
		n = readlink(path, p->exe, sizeof(p->exe) - 1);
		p->exe[n > 0 ? n : 0] = 0;
	}
	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	{
		FILE *f = fopen(path, "re");
		if (f) {
			size_t got = fread(p->cmdline, 1, sizeof(p->cmdline) - 1, f);
			for (size_t i = 0; i < got; i++)
				if ((unsigned char)p->cmdline[i] < 0x20)
					p->cmdline[i] = ' ';
			while (got > 0 && p->cmdline[got - 1] == ' ')
				got--;
			p->cmdline[got] = 0;
			fclose(f);
		}
	}
	*exe = p->exe[0] ? p->exe : NULL;
	*cmdline = p->cmdline[0] ? p->cmdline : NULL;
}

static unsigned long long fnv(const char *s, unsigned long long h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* a JSON string of text from a process (argv, paths): bytes that are not valid UTF-8
 * become '?' so the alert is never dropped */
static json_t *js(const char *s)
{
	json_t *j = json_string(s);
	char *c;
	if (j)
		return j;
	if (!(c = strdup(s)))
		return json_null();
	for (char *p = c; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(c);
	free(c);
	return j ? j : json_null();
}

static json_t *jsn(const char *s, size_t n)
{
	char buf[VRT_PATH + 1];
	if (n > VRT_PATH)
		n = VRT_PATH;
	memcpy(buf, s, n);
	buf[n] = 0;
	return js(buf);
}

static void add_fields(json_t *obj, const rt_view *v)
{
	char buf[1024];
	for (int f = 0; f < F_COUNT; f++) {
		const char *name = vigil_rt__field_name(f);
		if (f == F_PROC_ANAME || !strncmp(name, "container.", 10))
			continue;
		if (vigil_rt__field(v, f, 0, buf, sizeof(buf)) == 0)
			json_object_set_new(obj, name, js(buf));
	}
}

static void iso_time(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

/* runs the kill action; fills act with what was done */
static void do_kill(watch *w, const rt_view *v, json_t *act)
{
	unsigned pid = v->e->pid;
	int e, k, kerr;

	json_object_set_new(act, "type", json_string("kill"));
	if (v->c->host) {
		json_object_set_new(act, "result",
				    json_string("skipped: process outside containers"));
		return;
	}
	if (w->o->replay || !w->sensor) {
		json_object_set_new(act, "result", json_string("skipped: replay"));
		return;
	}
	if (pid <= 1 || pid == (unsigned)getpid()) {
		json_object_set_new(act, "result", json_string("skipped: refusing pid"));
		return;
	}
	e = vigil_rt__sensor_doom(w->sensor, pid, v->e->pstart);
	json_object_set_new(
		act, "bpf_send_signal",
		json_string(e == 0 ? "armed: SIGKILL at the next system call" : strerror(-e)));
	k = kill((pid_t)pid, SIGKILL);
	kerr = errno;
	json_object_set_new(act, "kill",
			    json_string(k == 0		? "SIGKILL sent"
					: kerr == ESRCH ? "process already gone"
							: strerror(kerr)));
	json_object_set_new(act, "result",
			    json_string(k == 0 || e == 0 ? "killed"
					: kerr == ESRCH	 ? "gone"
							 : "failed"));
}

/* runs the deny action: the container's connects fail from now on */
static void do_deny(watch *w, const rt_view *v, json_t *act)
{
	int e;

	json_object_set_new(act, "type", json_string("deny"));
	if (v->c->host) {
		json_object_set_new(act, "result",
				    json_string("skipped: process outside containers"));
		return;
	}
	if (w->o->replay || !w->sensor) {
		json_object_set_new(act, "result", json_string("skipped: replay"));
		return;
	}
	e = vigil_rt__sensor_deny_egress(w->sensor, v->c->cgroup_dir, v->e->cgid);
	json_object_set_new(act, "cgroup", js(v->c->cgroup_dir));
	json_object_set_new(
		act, "result",
		json_string(e == 0   ? "egress denied: cgroup connect4/connect6 programs attached"
			    : e == 1 ? "egress already denied"
				     : strerror(-e)));
}

/* runs the pause action: the container's cgroup v2 freezer (cgroup.freeze = 1); the
 * container stays frozen after the agent stops (thaw: write 0 to the same file) */
static void do_pause(watch *w, const rt_view *v, json_t *act)
{
	char path[400], buf[256];
	FILE *f;
	int frozen = 0, werr = 0;

	json_object_set_new(act, "type", json_string("pause"));
	if (v->c->host) {
		json_object_set_new(act, "result",
				    json_string("skipped: process outside containers"));
		return;
	}
	if (w->o->replay || !w->sensor) {
		json_object_set_new(act, "result", json_string("skipped: replay"));
		return;
	}
	if (!v->c->cgroup_dir[0]) {
		json_object_set_new(act, "result", json_string("failed: cgroup unknown"));
		return;
	}
	snprintf(path, sizeof(path), "%.300s/cgroup.freeze", v->c->cgroup_dir);
	json_object_set_new(act, "cgroup", js(v->c->cgroup_dir));
	if (!(f = fopen(path, "we")))
		werr = errno;
	else {
		if (fputs("1", f) < 0)
			werr = errno ? errno : EIO;
		if (fclose(f) != 0 && !werr)
			werr = errno ? errno : EIO;
	}
	if (werr) {
		snprintf(buf, sizeof(buf), "failed: cgroup.freeze: %s", strerror(werr));
		json_object_set_new(act, "result", js(buf));
		return;
	}
	/* the kernel says when every task has stopped: cgroup.events "frozen 1" */
	snprintf(path, sizeof(path), "%.300s/cgroup.events", v->c->cgroup_dir);
	for (int i = 0; i < 50 && !frozen; i++) {
		if ((f = fopen(path, "re"))) {
			while (fgets(buf, sizeof(buf), f))
				if (!strcmp(buf, "frozen 1\n"))
					frozen = 1;
			fclose(f);
		}
		if (!frozen) {
			struct timespec ts = {0, 2000000};
			nanosleep(&ts, NULL);
		}
	}
	json_object_set_new(act, "freezer", json_string("cgroup.freeze = 1"));
	json_object_set_new(act, "result",
			    json_string(frozen ? "paused: container frozen"
					       : "freeze requested: not yet frozen after 100 ms"));
}

/* rate limit: a token bucket of o->rate alerts per second */
static int rate_ok(watch *w)
{
	long long now = mono_ns();
	double rate = w->o->rate ? w->o->rate : 100;
	w->tokens += (double)(now - w->tok_time) / 1e9 * rate;
	w->tok_time = now;
	if (w->tokens > rate)
		w->tokens = rate;
	if (w->tokens < 1)
		return 0;
	w->tokens -= 1;
	return 1;
}

static int syslog_level(const char *prio)
{
	static const char *const names[] = {"EMERGENCY", "ALERT",  "CRITICAL",	    "ERROR",
					    "WARNING",	 "NOTICE", "INFORMATIONAL", "DEBUG"};
	for (int i = 0; i < 8; i++)
		if (!strcmp(prio, names[i]))
			return i; /* LOG_EMERG .. LOG_DEBUG have these values */
	return LOG_WARNING;
}

/* writes one alert (built as j) to every output: the file or stdout (JSON or text),
 * syslog and vigil serve */
static void emit(watch *w, json_t *j, const char *prio, const char *out)
{
	json_t *act = json_object_get(j, "action");
	const char *an = json_string_value(json_object_get(act, "type"));
	const char *res = json_string_value(json_object_get(act, "result"));
	const char *rule = json_string_value(json_object_get(j, "rule"));
	const char *tbuf = json_string_value(json_object_get(j, "time"));
	int acted = an && strcmp(an, "none");
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);

	if (w->o->format == VIGIL_WATCH_TEXT)
		fprintf(w->o->out, "%s %s %s: %s%s%s%s%s%s\n", tbuf ? tbuf : "", prio,
			rule ? rule : "", out, acted ? " [action: " : "", acted ? an : "",
			acted ? ", " : "", acted && res ? res : "", acted ? "]" : "");
	else if (s)
		fprintf(w->o->out, "%s\n", s);
	fflush(w->o->out);
	if (w->o->syslog && s)
		syslog(LOG_DAEMON | syslog_level(prio), "%s", s);
	if (w->post && s)
		vigil_rt__post_queue(w->post, s);
	if (w->hook && s)
		vigil_rt__post_queue(w->hook, s);
	free(s);
}

static void alert(watch *w, size_t ri, const rt_view *v)
{
	const rt_rule *x = vigil_rt__rule(w->rules, ri);
	char out[OUTBUF], tbuf[48];
	json_t *j, *c, *p, *tree, *tags, *ev, *act;
	const char *const *tv;
	size_t nt;
	unsigned long long key, suppressed = 0;
	dedup_ent *d;
	int action;
	rt_view lv;

	if (v->e->type == VRT_EXEC && (v->e->flags & VRT_F_LEAN) && !w->o->replay) {
		/* an exec read without argv (a settled host cgroup): the command line from
		 * /proc while the process lives, for the alert only */
		proc_ent *pe = proc_slot(w, v->e->pid);
		const char *exe = NULL, *cmd = NULL;
		proc_lookup(w, v->e->pid, v->e->pstart, &exe, &cmd);
		lv = *v;
		if (pe->pid == v->e->pid && cmd)
			lv.cmdline = cmd;
		v = &lv;
	}

	vigil_rt__rule_output(x, v, out, sizeof(out));
	key = fnv(out, fnv(v->c->id, fnv(vigil_rt__rule_name(x), 0xcbf29ce484222325ULL)));
	d = &w->dedup[key % DEDUP_SLOTS];
	action = w->o->action == VIGIL_WATCH_ACTION_NONE ? VIGIL_WATCH_ACTION_NONE
		 : vigil_rt__rule_action(x) >= 0	 ? vigil_rt__rule_action(x)
							 : w->o->action;
	/* the same alert again within the window is counted, not printed (but still acted on) */
	if (w->o->dedup_secs && d->key == key &&
	    mono_ns() - d->last < (long long)w->o->dedup_secs * 1000000000LL &&
	    action == VIGIL_WATCH_ACTION_NONE) {
		d->suppressed++;
		w->deduped++;
		return;
	}
	if (action == VIGIL_WATCH_ACTION_NONE && !rate_ok(w)) {
		w->limited++;
		return;
	}
	if (d->key == key)
		suppressed = d->suppressed;
	d->key = key;
	d->last = mono_ns();
	d->suppressed = 0;
	w->alerts++;

	j = json_object();
	iso_time(tbuf, sizeof(tbuf));
	json_object_set_new(j, "time", json_string(tbuf));
	json_object_set_new(j, "rule", json_string(vigil_rt__rule_name(x)));
	json_object_set_new(j, "priority", json_string(vigil_rt__rule_priority(x)));
	json_object_set_new(j, "output", js(out));
	tags = json_array();
	nt = vigil_rt__rule_tags(x, &tv);
	for (size_t i = 0; i < nt; i++)
		json_array_append_new(tags, json_string(tv[i]));
	json_object_set_new(j, "tags", tags);
	c = json_object();
	json_object_set_new(c, "id", js(v->c->host ? "host" : v->c->id));
	if (!v->c->host) {
		json_object_set_new(c, "name", js(v->c->name));
		json_object_set_new(c, "runtime", json_string(v->c->runtime));
		json_object_set_new(c, "image", v->c->image[0] ? js(v->c->image) : json_null());
		json_object_set_new(c, "image_digest",
				    v->c->digest[0] ? js(v->c->digest) : json_null());
		json_object_set_new(c, "privileged", json_boolean(v->c->privileged));
	}
	json_object_set_new(j, "container", c);
	p = json_object();
	json_object_set_new(p, "pid", json_integer(v->e->pid));
	json_object_set_new(p, "name", jsn(v->e->comm, strnlen(v->e->comm, VRT_COMM)));
	json_object_set_new(p, "exe", v->exe ? js(v->exe) : json_null());
	json_object_set_new(p, "cmdline", v->cmdline ? js(v->cmdline) : json_null());
	json_object_set_new(p, "uid", json_integer(v->e->uid));
	if (v->e->type == VRT_EXEC) {
		json_object_set_new(p, "exe_inode", json_integer((json_int_t)v->e->ino));
		json_object_set_new(p, "exe_ctime_ns", json_integer((json_int_t)v->e->exe_ctime));
	}
	json_object_set_new(j, "process", p);
	tree = json_array();
	for (int i = 0; i < VRT_ANC && v->e->apid[i]; i++) {
		json_t *a = json_object();
		json_object_set_new(a, "pid", json_integer(v->e->apid[i]));
		json_object_set_new(a, "name",
				    jsn(v->e->acomm[i], strnlen(v->e->acomm[i], VRT_COMM)));
		json_array_append_new(tree, a);
	}
	json_object_set_new(j, "process_tree", tree);
	ev = json_object();
	add_fields(ev, v);
	json_object_set_new(j, "fields", ev);
	act = json_object();
	if (action == VIGIL_WATCH_ACTION_KILL)
		do_kill(w, v, act);
	else if (action == VIGIL_WATCH_ACTION_DENY)
		do_deny(w, v, act);
	else if (action == VIGIL_WATCH_ACTION_PAUSE)
		do_pause(w, v, act);
	else
		json_object_set_new(act, "type", json_string("none"));
	json_object_set_new(j, "action", act);
	if (suppressed)
		json_object_set_new(j, "suppressed_duplicates",
				    json_integer((json_int_t)suppressed));

	emit(w, j, vigil_rt__rule_priority(x), out);
	json_decref(j);
}

/* one alert for an exec the deny-exec guard refused */
static void guard_alert(watch *w, const rt_guard_denial *d)
{
	static const char rule[] = "Execution of a binary not in the image denied";
	char out[OUTBUF], tbuf[48];
	json_t *j = json_object(), *c = json_object(), *p = json_object(), *act = json_object();
	json_t *tags = json_array(), *ev = json_object();

	snprintf(out, sizeof(out),
		 "exec of %s denied in container %s (image %s, process %s %u: %s)", d->path,
		 d->c.id, d->c.image[0] ? d->c.image : "unknown", d->comm, d->pid, d->reason);
	iso_time(tbuf, sizeof(tbuf));
	w->alerts++;
	json_object_set_new(j, "time", json_string(tbuf));
	json_object_set_new(j, "rule", json_string(rule));
	json_object_set_new(j, "priority", json_string("CRITICAL"));
	json_object_set_new(j, "output", js(out));
	json_array_append_new(tags, json_string("container"));
	json_array_append_new(tags, json_string("drift"));
	json_array_append_new(tags, json_string("T1059"));
	json_object_set_new(j, "tags", tags);
	json_object_set_new(c, "id", js(d->c.id));
	json_object_set_new(c, "name", js(d->c.name));
	json_object_set_new(c, "runtime", json_string(d->c.runtime));
	json_object_set_new(c, "image", d->c.image[0] ? js(d->c.image) : json_null());
	json_object_set_new(c, "image_digest", d->c.digest[0] ? js(d->c.digest) : json_null());
	json_object_set_new(c, "privileged", json_boolean(d->c.privileged));
	json_object_set_new(j, "container", c);
	json_object_set_new(p, "pid", json_integer(d->pid));
	json_object_set_new(p, "name", js(d->comm));
	json_object_set_new(j, "process", p);
	json_object_set_new(j, "process_tree", json_array());
	json_object_set_new(ev, "evt.type", json_string("exec"));
	json_object_set_new(ev, "fd.name", js(d->path));
	json_object_set_new(ev, "exe_ctime_ns", json_integer((json_int_t)d->exe_ctime));
	json_object_set_new(j, "fields", ev);
	json_object_set_new(act, "type", json_string("deny-exec"));
	json_object_set_new(act, "mechanism", json_string("fanotify FAN_OPEN_EXEC_PERM"));
	json_object_set_new(act, "reason", js(d->reason));
	json_object_set_new(act, "result", js(d->result));
	json_object_set_new(j, "action", act);
	emit(w, j, "CRITICAL", out);
	json_decref(j);
}

static void guard_one(const rt_container *c, int pid, void *payload)
{
	watch *w = payload;
	char msg[300];
	int e = vigil_rt__guard_add(w->guard, c, pid, msg, sizeof(msg));
	FILE *log = w->o->log ? w->o->log : stderr;
	if (e == 0)
		fprintf(log, "vigil watch: deny-exec guards container %s: %s\n", c->id, msg);
	else if (e < 0)
		fprintf(log, "vigil watch: deny-exec cannot guard container %s: %s\n", c->id, msg);
	fflush(log);
}

static void guard_sync(watch *w)
{
	rt_guard_denial d[16];
	size_t n;
	if (!w->guard)
		return;
	if (vigil_rt__containers_changed(w->cs)) {
		vigil_rt__guard_sweep_begin(w->guard);
		vigil_rt__containers_each(w->cs, guard_one, w);
		if ((n = vigil_rt__guard_sweep_end(w->guard)) > 0) {
			FILE *log = w->o->log ? w->o->log : stderr;
			fprintf(log,
				"vigil watch: deny-exec forgot %zu mounts of removed containers\n",
				n);
			fflush(log);
		}
	}
	while ((n = vigil_rt__guard_take(w->guard, d, 16)) > 0)
		for (size_t i = 0; i < n; i++)
			guard_alert(w, &d[i]);
}

/* 1 when this is the first IPv4/IPv6 connect, not to loopback, of container id since the
 * agent started (an open-addressing set of container id hashes; when full, nothing is
 * "first" any more rather than everything) */
static int first_connect(watch *w, const char *id, const struct vrt_event *e)
{
	static const unsigned char v6lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	unsigned long long h;
	size_t i;

	if ((e->a[0] == 2 && e->addr[0] == 127) || (e->a[0] == 10 && !memcmp(e->addr, v6lo, 16)))
		return 0;
	h = fnv(id, 0xcbf29ce484222325ULL) | 1;
	for (i = h % FIRST_SLOTS;; i = (i + 1) % FIRST_SLOTS) {
		if (w->connected[i] == h)
			return 0;
		if (!w->connected[i])
			break;
	}
	if (w->nconnected >= FIRST_SLOTS / 2)
		return 0;
	w->connected[i] = h;
	w->nconnected++;
	return 1;
}

static int on_event(const struct vrt_event *e, void *payload)
{
	watch *w = payload;
	rt_view v;
	char cmdline[CMDLINE];
	char exe[VRT_PATH + 1];
	const char *pexe = NULL, *pcmd = NULL;

	w->events++;
	memset(&v, 0, sizeof(v));
	v.e = e;
	v.c = w->o->replay ? (w->replay_has_c ? &w->replay_c : NULL)
			   : vigil_rt__containers_get(w->cs, e->cgid);
	if (!v.c) {
		static const rt_container host = {.id = "host", .name = "host", .host = 1};
		v.c = &host;
	}
	if (w->o->containers_only && v.c->host) {
		/* a cgroup that has been no container for a while: the kernel drops its events
		 * from now on (until runc's state changes) */
		if (w->sensor && !w->o->replay && w->nquiet_fail < 8 &&
		    vigil_rt__containers_settled_host(w->cs, e->cgid) &&
		    vigil_rt__sensor_quiet(w->sensor, e->cgid) < 0)
			w->nquiet_fail++;
		goto done;
	}
	/* a cgroup that has been no container for a while, and no rule on execs can match a
	 * host process: its execs skip argv, tty and stdio checks in the kernel */
	if (w->host_lean && v.c->host && w->sensor && !w->o->replay && w->nquiet_fail < 8 &&
	    !(e->type == VRT_EXEC && (e->flags & VRT_F_LEAN)) &&
	    vigil_rt__containers_settled_host(w->cs, e->cgid) &&
	    vigil_rt__sensor_lean(w->sensor, e->cgid) < 0)
		w->nquiet_fail++;
	if (e->type == VRT_EXEC) {
		proc_ent *p = proc_slot(w, e->pid);
		make_cmdline(cmdline, sizeof(cmdline), e);
		snprintf(exe, sizeof(exe), "%.*s", VRT_PATH, e->path);
		v.exe = exe;
		v.cmdline = cmdline;
		p->pid = e->pid;
		p->start = e->pstart;
		memcpy(p->exe, exe, sizeof(p->exe) - 1);
		p->exe[sizeof(p->exe) - 1] = 0;
		memcpy(p->cmdline, cmdline, sizeof(p->cmdline));
		p->lean = (e->flags & VRT_F_LEAN) != 0;
	} else if (e->type != VRT_EXIT) {
		proc_lookup(w, e->pid, e->pstart, &v.exe, &v.cmdline);
		if (e->args_len && e->type != VRT_MOUNT) {
			/* the kernel read the process's argv at this event (its exec record had
			 * none): the complete command line, also for later events */
			proc_ent *p = proc_slot(w, e->pid);
			make_cmdline(cmdline, sizeof(cmdline), e);
			v.cmdline = cmdline;
			if (p->pid == e->pid && (!p->start || p->start == e->pstart)) {
				memcpy(p->cmdline, cmdline, sizeof(p->cmdline));
				p->lean = 0;
			}
		}
	}
	if (e->apid[0])
		proc_lookup(w, e->apid[0], e->ppstart, &pexe, &pcmd);
	v.pcmdline = pcmd;
	if (e->type == VRT_CONNECT && !v.c->host && (e->a[0] == 2 || e->a[0] == 10))
		v.first_connect = first_connect(w, v.c->id, e);
	for (size_t i = 0; i < vigil_rt__rule_count(w->rules); i++)
		if ((vigil_rt__rule_types(w->rules, i) & 1ULL << e->type) &&
		    vigil_rt__rule_match(w->rules, i, &v))
			alert(w, i, &v);
done:
	if (e->type == VRT_EXIT) {
		proc_ent *p = proc_slot(w, e->pid);
		if (p->pid == e->pid)
			memset(p, 0, sizeof(*p));
	}
	return 0;
}

/* ---- replay: JSON lines of events (tests and rule development) ---- */

static const struct {
	const char *name;
	unsigned flag;
} flag_names[] = {
	{"stdin_socket", VRT_F_STDIN_SOCK},
	{"stdout_socket", VRT_F_STDOUT_SOCK},
	{"tty", VRT_F_TTY},
	{"exe_memfd", VRT_F_EXE_MEMFD},
	{"exe_overlay", VRT_F_EXE_OVERLAY},
	{"trunc", VRT_F_TRUNC},
	{"write", VRT_F_WRITE},
	{"unix", VRT_F_UNIX},
};

static void jcopy(char *dst, size_t n, json_t *v)
{
	if (json_is_string(v))
		snprintf(dst, n, "%s", json_string_value(v));
}

static long long jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

/* one JSON object into e (and the replay container); -1 when malformed */
static int replay_event(watch *w, json_t *j, struct vrt_event *e, char *err, size_t errlen)
{
	json_t *v, *c;
	size_t i, o = 0;
	int t;

	memset(e, 0, sizeof(*e));
	if (!json_is_object(j)) {
		snprintf(err, errlen, "an event must be a JSON object");
		return -1;
	}
	v = json_object_get(j, "type");
	if (!json_is_string(v) || (t = vigil_rt__type_lookup(json_string_value(v))) < 0) {
		snprintf(err, errlen, "unknown or missing event type");
		return -1;
	}
	e->type = (unsigned)t;
	e->pid = (unsigned)jint(j, "pid");
	e->tid = e->pid;
	e->uid = (unsigned)jint(j, "uid");
	e->gid = (unsigned)jint(j, "gid");
	e->exe_ctime = jint(j, "exe_ctime");
	jcopy(e->comm, sizeof(e->comm), json_object_get(j, "comm"));
	jcopy(e->path, sizeof(e->path), json_object_get(j, "path"));
	jcopy(e->path2, sizeof(e->path2), json_object_get(j, "path2"));
	v = json_object_get(j, "ancestors");
	for (i = 0; i < json_array_size(v) && i < VRT_ANC; i++) {
		jcopy(e->acomm[i], VRT_COMM, json_array_get(v, i));
		e->apid[i] = (unsigned)(e->pid + 100 + i);
	}
	v = json_object_get(j, "a");
	for (i = 0; i < json_array_size(v) && i < 4; i++)
		e->a[i] = json_is_integer(json_array_get(v, i))
				  ? (long long)json_integer_value(json_array_get(v, i))
				  : 0;
	v = json_object_get(j, "flags");
	for (i = 0; i < json_array_size(v); i++) {
		const char *f = json_string_value(json_array_get(v, i));
		size_t k;
		for (k = 0; f && k < sizeof(flag_names) / sizeof(flag_names[0]); k++)
			if (!strcmp(f, flag_names[k].name)) {
				e->flags |= flag_names[k].flag;
				break;
			}
		if (!f || k == sizeof(flag_names) / sizeof(flag_names[0])) {
			snprintf(err, errlen, "unknown flag");
			return -1;
		}
	}
	v = json_object_get(j, "addr");
	if (json_is_string(v) &&
	    inet_pton(e->a[0] == 10 ? AF_INET6 : AF_INET, json_string_value(v), e->addr) != 1) {
		snprintf(err, errlen, "bad address");
		return -1;
	}
	v = json_object_get(j, "args");
	for (i = 0; i < json_array_size(v); i++) {
		const char *a = json_string_value(json_array_get(v, i));
		size_t l = a ? strlen(a) : 0;
		if (o + l + 1 > VRT_ARGS)
			break;
		memcpy(e->args + o, a ? a : "", l);
		o += l;
		e->args[o++] = 0;
	}
	e->args_len = (unsigned)o;
	if (e->type == VRT_MOUNT)
		jcopy(e->args, 64, json_object_get(j, "fstype"));
	c = json_object_get(j, "container");
	w->replay_has_c = json_is_object(c);
	memset(&w->replay_c, 0, sizeof(w->replay_c));
	if (w->replay_has_c) {
		jcopy(w->replay_c.id, sizeof(w->replay_c.id), json_object_get(c, "id"));
		jcopy(w->replay_c.name, sizeof(w->replay_c.name), json_object_get(c, "name"));
		if (!w->replay_c.name[0])
			snprintf(w->replay_c.name, sizeof(w->replay_c.name), "%s", w->replay_c.id);
		jcopy(w->replay_c.image, sizeof(w->replay_c.image), json_object_get(c, "image"));
		jcopy(w->replay_c.digest, sizeof(w->replay_c.digest),
		      json_object_get(c, "image_digest"));
		snprintf(w->replay_c.runtime, sizeof(w->replay_c.runtime), "replay");
		w->replay_c.created = jint(c, "created");
		w->replay_c.privileged = json_is_true(json_object_get(c, "privileged"));
	}
	return 0;
}

static int run_replay(watch *w, char *err, size_t errlen)
{
	FILE *f = fopen(w->o->replay, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, error = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", w->o->replay, strerror(errno));
		return VIGIL_EIO;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		struct vrt_event e;
		json_error_t je;
		json_t *j;
		char why[128];
		lineno++;
		if (n > 65536) {
			snprintf(err, errlen, "%s:%d: line longer than 64 KiB", w->o->replay,
				 lineno);
			error = VIGIL_ELIMIT;
			break;
		}
		if (line[strspn(line, " \t\r\n")] == 0)
			continue;
		if (!(j = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &je))) {
			snprintf(err, errlen, "%s:%d: JSON: %s", w->o->replay, lineno, je.text);
			error = VIGIL_EFORMAT;
			break;
		}
		if (replay_event(w, j, &e, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%d: %s", w->o->replay, lineno, why);
			json_decref(j);
			error = VIGIL_EFORMAT;
			break;
		}
		json_decref(j);
		on_event(&e, w);
	}
	free(line);
	fclose(f);
	return error;
}

int vigil_watch_run(const vigil_watch_opts *o, char *err, size_t errlen)
{
	watch w;
	FILE *log = o->log ? o->log : stderr;
	long long start = mono_ns(), last_drop_report = start;
	unsigned long long drops = 0;
	int error = 0;
	size_t nen = 0;
	rt_features feat;

	memset(&feat, 0, sizeof(feat));
	err[0] = 0;
	if (o->self_check) {
		vigil_rt__sensor_selfcheck(log);
		return 0;
	}
	if (!o->rules || !o->out) {
		snprintf(err, errlen, "watch: rules and output are required");
		return VIGIL_EINVAL;
	}
	memset(&w, 0, sizeof(w));
	w.o = o;
	w.rules = o->rules;
	w.tok_time = start;
	w.tokens = o->rate ? o->rate : 100;
	vigil_rules_count(o->rules, &nen);
	if (!(w.procs = calloc(PROC_SLOTS, sizeof(*w.procs))) ||
	    !(w.dedup = calloc(DEDUP_SLOTS, sizeof(*w.dedup))) ||
	    !(w.connected = calloc(FIRST_SLOTS, sizeof(*w.connected)))) {
		error = VIGIL_ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if (o->serve_url &&
	    (error = vigil_rt__post_open(&w.post, o->serve_url,
					 o->serve_token ? o->serve_token : "", err, errlen)) < 0)
		goto done;
	if (o->webhook_url &&
	    (error = vigil_rt__webhook_open(&w.hook, o->webhook_url,
					    o->webhook_secret ? o->webhook_secret : "", err,
					    errlen)) < 0)
		goto done;
	if (o->syslog)
		openlog("vigil-watch", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	if (o->replay) {
		error = run_replay(&w, err, errlen);
		goto done;
	}
	if ((error = vigil_rt__containers_new(&w.cs, o->runc_root, o->cgroup_root)) < 0) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	vigil_rt__containers_set_roots(w.cs, o->containerd_root, o->docker_root);
	/* what the exec probe reads, from the rules; settled host cgroups are marked only
	 * when they read less (with --containers-only they are dropped altogether) */
	if ((error = vigil_rt__rules_features(o->rules, &feat)) < 0) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	w.host_lean = !o->containers_only && vigil_rt__features_host_lean(&feat);
	if ((error = vigil_rt__sensor_open(&w.sensor, vigil_rt__rules_types(o->rules), w.host_lean,
					   &feat, err, errlen)) < 0)
		goto done;
	{
		char d[300];
		vigil_rt__features_describe(&feat, 0, d, sizeof(d));
		fprintf(log, "vigil watch: exec probe, in containers: %s\n", d);
		if (w.host_lean) {
			vigil_rt__features_describe(&feat, 1, d, sizeof(d));
			fprintf(log, "vigil watch: exec probe, settled host cgroups: %s\n", d);
		}
	}
	if (o->deny_exec) {
		if ((error = vigil_rt__guard_open(&w.guard, err, errlen)) < 0)
			goto done;
		fprintf(log,
			"vigil watch: deny-exec: fanotify FAN_OPEN_EXEC_PERM, answering thread "
			"%s\n",
			vigil_rt__guard_realtime(w.guard) ? "SCHED_FIFO" : "normal priority");
		guard_sync(&w);
	}
	{
		/* the event types the kernel reports: exec, and those some rule can match */
		unsigned long long m = vigil_rt__rules_types(o->rules) | 1ULL << VRT_EXEC;
		char types[400];
		size_t tl = 0;
		types[0] = 0;
		for (unsigned t = 1; t < VRT_TYPE_MAX; t++)
			if (m & 1ULL << t && tl < sizeof(types))
				tl += (size_t)snprintf(types + tl, sizeof(types) - tl, "%s%s",
						       tl ? ", " : "", vigil_rt__type_name(t));
		fprintf(log, "vigil watch: ready (%zu rules enabled%s, sensor attached: %s)\n", nen,
			w.guard ? ", deny-exec guard on" : "", types);
	}
	fflush(log);
	while (!(o->stop && *o->stop)) {
		long long now = mono_ns();
		if (o->duration > 0 && (double)(now - start) / 1e9 >= o->duration)
			break;
		if ((error = vigil_rt__sensor_poll(w.sensor, 100, on_event, &w)) < 0) {
			if (error == VIGIL_ECANCELLED)
				error = 0;
			else {
				snprintf(err, errlen, "reading the ring buffer failed");
				break;
			}
		}
		guard_sync(&w);
		if (o->containers_only || w.host_lean) {
			unsigned long long g = vigil_rt__containers_generation(w.cs);
			if (g != w.cs_gen) { /* a container may have appeared: listen again */
				vigil_rt__sensor_quiet_clear(w.sensor);
				w.cs_gen = g;
			}
		}
		if (now - last_drop_report > 10000000000LL) {
			unsigned long long d = vigil_rt__sensor_drops(w.sensor);
			if (d != drops)
				fprintf(log, "vigil watch: %llu events lost (ring buffer full)\n",
					d - drops);
			drops = d;
			last_drop_report = now;
		}
	}
	/* drain what is pending */
	if (!error)
		vigil_rt__sensor_poll(w.sensor, 0, on_event, &w);
	if (!error)
		guard_sync(&w);
	drops = vigil_rt__sensor_drops(w.sensor);
done:
	if (!error || o->replay)
		fprintf(log,
			"vigil watch: %llu events, %llu alerts, %llu duplicates suppressed, %llu "
			"rate-limited, %llu lost\n",
			w.events, w.alerts, w.deduped, w.limited, drops);
	if (w.sensor && o->containers_only)
		fprintf(log,
			"vigil watch: containers-only: %u host cgroups filtered in the kernel at "
			"the "
			"end\n",
			vigil_rt__sensor_quiet_count(w.sensor));
	if (w.sensor && w.host_lean)
		fprintf(log,
			"vigil watch: lean host execs: %u settled host cgroups had lean execs at "
			"the end\n",
			vigil_rt__sensor_lean_count(w.sensor));
	if (w.guard) {
		unsigned long long ga, gd;
		vigil_rt__guard_counts(w.guard, &ga, &gd);
		fprintf(log, "vigil watch: deny-exec: %llu execs allowed, %llu denied\n", ga, gd);
	}
	vigil_rt__guard_close(w.guard);
	vigil_rt__post_close(w.post, log);
	vigil_rt__post_close(w.hook, log);
	if (o->syslog)
		closelog();
	vigil_rt__sensor_close(w.sensor);
	vigil_rt__features_free(&feat);
	vigil_rt__containers_free(w.cs);
	free(w.procs);
	free(w.dedup);
	free(w.connected);
	return error;
}
