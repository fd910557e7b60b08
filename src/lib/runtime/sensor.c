/* sensor.c - loads the eBPF sensor (bpf/sensor.bpf.c through its libbpf skeleton),
 * drains its ring buffer, arms kills and probes what this kernel allows. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "runtime/rt.h"
#include "sensor.skel.h"

#define MAX_DENY 256
#define RING_TOTAL (8u << 20)	/* bytes of ring buffer over all CPUs */
#define RING_MIN (1u << 20)	/* per CPU at least */
#define BATCH_BYTES (16u << 20) /* records held for merging by time */

/* a record read from a ring, waiting to be merged */
typedef struct brec {
	unsigned long long ts;
	size_t off, size;
} brec;

#define LEANSET 2048 /* a power of two; at most half of it is used (map: 4,096) */

struct rt_sensor {
	struct vigil_sensor *skel;
	struct bpf_link *deny[MAX_DENY]; /* cgroup connect4/6 links, detached at close */
	unsigned long long denied[MAX_DENY / 2];
	int ndeny;
	struct ring_buffer *rb;
	int *ring_fds;
	int nrings;
	rt_sensor_cb cb;
	void *payload;
	int cb_error;
	/* the batch: records of all rings copied out, dispatched in time order */
	char *arena;
	size_t arena_len;
	brec *recs;
	size_t nrecs, caprecs;
	struct vrt_event ev; /* a record expanded to the whole event */
	unsigned nquiet, nlean;
	unsigned long long leanset[LEANSET]; /* cgroups marked lean (0: free slot), so that
						every later event of them costs no syscall */
};

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* expands one record into s->ev and hands it to the callback; -1 stops */
static int dispatch(rt_sensor *s, const void *data, size_t size)
{
	struct vrt_event *e = &s->ev;

	/* records are prefixes of struct vrt_event (VRT_SZ_*) */
	if (size >= VRT_SZ_BASE && size <= sizeof(*e)) {
		memcpy(e, data, size);
		if (size < sizeof(*e))
			memset((char *)e + size, 0, sizeof(*e) - size);
	} else
		return 0;
	if (s->cb(e, s->payload) < 0) {
		s->cb_error = 1;
		return -1;
	}
	return 0;
}

static int by_ts(const void *a, const void *b)
{
	const brec *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* dispatches, in time order, the batched records older than `until` and keeps the
 * others (written while the rings were read) for the next round */
static void flush(rt_sensor *s, unsigned long long until)
{
	size_t keep = 0, kept_len = 0, i;

	if (!s->nrecs)
		return;
	qsort(s->recs, s->nrecs, sizeof(*s->recs), by_ts);
	for (i = 0; i < s->nrecs && s->recs[i].ts < until; i++)
		if (!s->cb_error)
			dispatch(s, s->arena + s->recs[i].off, s->recs[i].size);
	/* move the younger ones to the front (their offsets only grow, so in place) */
	for (; i < s->nrecs; i++) {
		brec r = s->recs[i];
		memmove(s->arena + kept_len, s->arena + r.off, r.size);
		r.off = kept_len;
		kept_len += (r.size + 7) & ~(size_t)7;
		s->recs[keep++] = r;
	}
	s->nrecs = keep;
	s->arena_len = kept_len;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	rt_sensor *s = ctx;
	size_t need = (size + 7) & ~(size_t)7;
	unsigned long long ts;

	if (size < VRT_SZ_BASE || size > sizeof(struct vrt_event))
		return 0;
	ts = ((const struct vrt_event *)data)->ts;
	if (s->arena_len + need > BATCH_BYTES || s->nrecs == s->caprecs) {
		/* a full batch is dispatched as it is: order holds within it */
		flush(s, ~0ULL);
		if (s->arena_len + need > BATCH_BYTES || s->nrecs == s->caprecs)
			return dispatch(s, data, size);
	}
	memcpy(s->arena + s->arena_len, data, size);
	s->recs[s->nrecs++] = (brec){ts, s->arena_len, size};
	s->arena_len += need;
	return 0;
}

int vigil_rt__sensor_open(rt_sensor **out, unsigned long long want_types, int host_lean,
			  const rt_features *feat, char *err, size_t errlen)
{
	rt_sensor *s = calloc(1, sizeof(*s));
	int e, ncpu = libbpf_num_possible_cpus();
	unsigned per_cpu = RING_MIN;

	*out = NULL;
	if (!s)
		return VIGIL_ENOMEM;
	libbpf_set_print(quiet_print);
	if (ncpu <= 0 || ncpu > 4096) {
		snprintf(err, errlen, "cannot tell the number of CPUs");
		goto fail;
	}
	while (per_cpu * 2 * (unsigned)ncpu <= RING_TOTAL)
		per_cpu *= 2;
	s->caprecs = BATCH_BYTES / 64;
	if (!(s->arena = malloc(BATCH_BYTES)) || !(s->recs = calloc(s->caprecs, sizeof(brec))) ||
	    !(s->ring_fds = calloc((size_t)ncpu, sizeof(int)))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (int i = 0; i < ncpu; i++)
		s->ring_fds[i] = -1;
	s->nrings = ncpu;
	for (int i = 0; i < ncpu; i++)
		if ((s->ring_fds[i] =
			     bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, per_cpu, NULL)) < 0) {
			snprintf(err, errlen,
				 "cannot create the ring buffers (need root and BPF): %s",
				 strerror(errno));
			goto fail;
		}
	if (!(s->skel = vigil_sensor__open())) {
		snprintf(err, errlen, "cannot open the BPF sensor: %s", strerror(errno));
		goto fail;
	}
	s->skel->rodata->self_tgid = (unsigned)getpid();
	/* the exit probe costs every process exit; only rules on evt.type exit need it */
	s->skel->rodata->want_types = (unsigned)(want_types | 1ULL << VRT_EXEC);
	s->skel->rodata->host_lean = host_lean != 0;
	s->skel->rodata->ring_bytes = per_cpu;
	for (int sc = 0; feat && sc < 2; sc++) {
		unsigned named = 0;
		for (size_t k = 0; k < feat->nnames; k++)
			named |= feat->masks[k][sc];
		s->skel->rodata->feat_all[sc] = feat->all[sc];
		s->skel->rodata->feat_memfd[sc] = feat->memfd[sc];
		s->skel->rodata->feat_overlay[sc] = feat->overlay[sc];
		s->skel->rodata->feat_named[sc] = named;
		s->skel->rodata->args_types[sc] = feat->args_types[sc];
	}
	/* the exec probe looks a name up only when its bit is set (NAME_BIT in sensor.bpf.c:
	 * the first two bytes) */
	for (size_t k = 0; feat && k < feat->nnames; k++)
		if (feat->masks[k][0] | feat->masks[k][1]) {
			unsigned b = ((unsigned)(unsigned char)feat->names[k][0] * 31 +
				      (unsigned char)feat->names[k][1]) &
				     1023;
			s->skel->rodata->name_bloom[b >> 6] |= 1ULL << (b & 63);
		}
	bpf_program__set_autoload(s->skel->progs.on_exit, (want_types & 1ULL << VRT_EXIT) != 0);
	bpf_program__set_autoload(s->skel->progs.on_sys_exit,
				  (want_types & 1ULL << VRT_ACCEPT) != 0);
	if (bpf_map__set_max_entries(s->skel->maps.rings, (unsigned)ncpu) < 0 ||
	    bpf_map__set_inner_map_fd(s->skel->maps.rings, s->ring_fds[0]) < 0) {
		snprintf(err, errlen, "cannot set up the ring buffers");
		goto fail;
	}
	if ((e = vigil_sensor__load(s->skel)) < 0) {
		snprintf(err, errlen,
			 "cannot load the BPF sensor (need root and a kernel with BTF): %s",
			 strerror(-e));
		goto fail;
	}
	for (size_t k = 0; feat && k < feat->nnames; k++)
		if ((feat->masks[k][0] | feat->masks[k][1]) &&
		    bpf_map__update_elem(s->skel->maps.feat_names, feat->names[k], VRT_COMM,
					 feat->masks[k], 2, BPF_ANY) < 0) {
			snprintf(err, errlen, "cannot fill the exec feature map: %s",
				 strerror(errno));
			goto fail;
		}
	for (unsigned i = 0; i < (unsigned)ncpu; i++)
		if (bpf_map__update_elem(s->skel->maps.rings, &i, sizeof(i), &s->ring_fds[i],
					 sizeof(int), BPF_ANY) < 0) {
			snprintf(err, errlen, "cannot install the ring buffers: %s",
				 strerror(errno));
			goto fail;
		}
	if ((e = vigil_sensor__attach(s->skel)) < 0) {
		snprintf(err, errlen, "cannot attach the BPF sensor: %s", strerror(-e));
		goto fail;
	}
	if (!(s->rb = ring_buffer__new(s->ring_fds[0], on_sample, s, NULL))) {
		snprintf(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
		goto fail;
	}
	for (int i = 1; i < ncpu; i++)
		if (ring_buffer__add(s->rb, s->ring_fds[i], on_sample, s) < 0) {
			snprintf(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
			goto fail;
		}
	*out = s;
	return 0;
fail:
	vigil_rt__sensor_close(s);
	return VIGIL_EIO;
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

int vigil_rt__sensor_poll(rt_sensor *s, int timeout_ms, rt_sensor_cb cb, void *payload)
{
	struct epoll_event ev;
	unsigned long long until;
	int n = 0;

	s->cb = cb;
	s->payload = payload;
	s->cb_error = 0;
	/* wait for a ring to be ready (its wake-up threshold) or the timeout, then read all
	 * rings: what was written before `until` is complete and goes out in time order,
	 * later records wait for the next round (timeout 0: everything goes out) */
	if (timeout_ms > 0 && s->nrecs == 0 &&
	    epoll_wait(ring_buffer__epoll_fd(s->rb), &ev, 1, timeout_ms) < 0 && errno != EINTR)
		return VIGIL_EIO;
	until = timeout_ms > 0 ? mono_ns() : ~0ULL;
	n = ring_buffer__consume(s->rb);
	flush(s, until);
	if (s->cb_error)
		return VIGIL_ECANCELLED;
	if (n < 0 && n != -EINTR)
		return VIGIL_EIO;
	return 0;
}

int vigil_rt__sensor_doom(rt_sensor *s, unsigned tgid, unsigned long long start)
{
	struct {
		unsigned sig, pad;
		unsigned long long start;
	} v = {9, 0, start};
	if (bpf_map__update_elem(s->skel->maps.doom, &tgid, sizeof(tgid), &v, sizeof(v), BPF_ANY) <
	    0)
		return -errno;
	s->skel->bss->doom_armed = 1;
	return 0;
}

int vigil_rt__sensor_deny_egress(rt_sensor *s, const char *cgroup_dir, unsigned long long cgid)
{
	struct bpf_link *l4, *l6;
	int fd, e;

	for (int i = 0; i < s->ndeny / 2; i++)
		if (s->denied[i] == cgid)
			return 1;
	if (s->ndeny + 2 > MAX_DENY)
		return -ENOSPC;
	if ((fd = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	l4 = bpf_program__attach_cgroup(s->skel->progs.deny_connect4, fd);
	e = l4 ? 0 : -errno;
	l6 = l4 ? bpf_program__attach_cgroup(s->skel->progs.deny_connect6, fd) : NULL;
	if (l4 && !l6)
		e = -errno;
	close(fd);
	if (e < 0) {
		bpf_link__destroy(l4);
		return e;
	}
	s->denied[s->ndeny / 2] = cgid;
	s->deny[s->ndeny++] = l4;
	s->deny[s->ndeny++] = l6;
	return 0;
}

unsigned long long vigil_rt__sensor_drops(rt_sensor *s)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long *v, total = 0;
	unsigned k = 0;

	if (ncpu <= 0 || !(v = calloc((size_t)ncpu, sizeof(*v))))
		return 0;
	if (bpf_map__lookup_elem(s->skel->maps.drops, &k, sizeof(k), v, sizeof(*v) * (size_t)ncpu,
				 0) == 0)
		for (int i = 0; i < ncpu; i++)
			total += v[i];
	free(v);
	return total;
}

void vigil_rt__sensor_close(rt_sensor *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->ndeny; i++)
		bpf_link__destroy(s->deny[i]);
	ring_buffer__free(s->rb);
	vigil_sensor__destroy(s->skel);
	for (int i = 0; s->ring_fds && i < s->nrings; i++)
		if (s->ring_fds[i] >= 0)
			close(s->ring_fds[i]);
	free(s->ring_fds);
	free(s->arena);
	free(s->recs);
	free(s);
}

/* loads one tiny program of the given type; 0 when the kernel accepts it */
static int probe_prog(enum bpf_prog_type type, enum bpf_attach_type at, const char *btf_name,
		      int helper)
{
	struct bpf_insn insns[4];
	int n = 0, fd, btf_id = 0;
	LIBBPF_OPTS(bpf_prog_load_opts, o);

	if (helper) { /* call helper(arg) then return 0 */
		insns[n++] = (struct bpf_insn){
			.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 1, .imm = 0};
		insns[n++] = (struct bpf_insn){.code = BPF_JMP | BPF_CALL, .imm = helper};
	}
	insns[n++] = (struct bpf_insn){.code = BPF_ALU64 | BPF_MOV | BPF_K,
				       .dst_reg = 0,
				       .imm = type == BPF_PROG_TYPE_CGROUP_SOCK_ADDR ? 1 : 0};
	insns[n++] = (struct bpf_insn){.code = BPF_JMP | BPF_EXIT};
	if (btf_name) {
		btf_id = libbpf_find_vmlinux_btf_id(btf_name, at);
		if (btf_id < 0)
			return btf_id;
		o.attach_btf_id = btf_id;
	}
	o.expected_attach_type = at;
	fd = bpf_prog_load(type, NULL, "GPL", insns, (size_t)n, &o);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

void vigil_rt__sensor_selfcheck(FILE *f)
{
	static const struct {
		const char *name;
		enum bpf_prog_type type;
		enum bpf_attach_type at;
		const char *btf;
		int helper;
		const char *use;
	} probes[] = {
		{"tp_btf (sched_process_exec)", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP,
		 "sched_process_exec", 0, "used: exec, exit, syscalls"},
		{"raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, NULL, 0, "fallback, not used"},
		{"fentry (do_unlinkat)", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "do_unlinkat", 0,
		 "not used"},
		{"lsm (bprm_check_security)", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "bprm_check_security",
		 0, "not used"},
		{"bpf_send_signal (tp_btf sys_enter)", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP,
		 "sys_enter", 109 /* BPF_FUNC_send_signal */, "used: kill action"},
		{"cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, NULL,
		 0, "used: deny action"},
	};
	libbpf_set_print(quiet_print);
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		int e = probe_prog(probes[i].type, probes[i].at, probes[i].btf, probes[i].helper);
		fprintf(f, "self-check: %-36s %s (%s)\n", probes[i].name,
			e == 0 ? "available" : strerror(-e), probes[i].use);
	}
	fprintf(f, "self-check: %-36s %s\n", "kill(2) from user space",
		"available (used with bpf_send_signal)");
	{
		int e = vigil_rt__guard_probe();
		fprintf(f, "self-check: %-36s %s (%s)\n", "fanotify FAN_OPEN_EXEC_PERM",
			e == 0 ? "available" : strerror(-e), "used: --deny-exec");
	}
	{
		struct stat sb;
		int ok = stat("/sys/fs/cgroup/unified/cgroup.controllers", &sb) == 0 ||
			 stat("/sys/fs/cgroup/cgroup.controllers", &sb) == 0;
		fprintf(f, "self-check: %-36s %s (%s)\n", "cgroup v2 freezer (cgroup.freeze)",
			ok ? "available" : "no cgroup v2 mount", "used: pause action");
	}
}

int vigil_rt__sensor_quiet(rt_sensor *s, unsigned long long cgid)
{
	unsigned char one = 1; /* MARK_QUIET */
	if (bpf_map__update_elem(s->skel->maps.quiet, &cgid, sizeof(cgid), &one, sizeof(one),
				 BPF_NOEXIST) < 0)
		return errno == EEXIST ? 0 : -errno;
	s->nquiet++;
	s->skel->bss->quiet_armed = 1;
	return 0;
}

int vigil_rt__sensor_lean(rt_sensor *s, unsigned long long cgid)
{
	unsigned char two = 2; /* MARK_LEAN */
	size_t h = (size_t)((cgid * 0x9E3779B97F4A7C15ULL) >> 50) & (LEANSET - 1), i;

	for (i = 0; i < LEANSET; i++) {
		size_t k = (h + i) & (LEANSET - 1);
		if (s->leanset[k] == cgid)
			return 0;
		if (!s->leanset[k])
			break;
	}
	if (i == LEANSET || s->nlean >= LEANSET / 2)
		return 0; /* enough marked: the rest stay whole */
	if (bpf_map__update_elem(s->skel->maps.quiet, &cgid, sizeof(cgid), &two, sizeof(two),
				 BPF_NOEXIST) < 0 &&
	    errno != EEXIST)
		return -errno;
	s->leanset[(h + i) & (LEANSET - 1)] = cgid;
	s->nlean++;
	s->skel->bss->quiet_armed = 1;
	return 0;
}

unsigned vigil_rt__sensor_lean_count(rt_sensor *s)
{
	return s->nlean;
}

void vigil_rt__sensor_quiet_clear(rt_sensor *s)
{
	unsigned long long key, next;
	int fd = bpf_map__fd(s->skel->maps.quiet);

	if (!s->nquiet && !s->nlean)
		return;
	s->skel->bss->quiet_armed = 0;
	while (bpf_map_get_next_key(fd, NULL, &next) == 0) {
		key = next;
		if (bpf_map_delete_elem(fd, &key) < 0)
			break;
	}
	s->nquiet = 0;
	s->nlean = 0;
	memset(s->leanset, 0, sizeof(s->leanset));
}

unsigned vigil_rt__sensor_quiet_count(rt_sensor *s)
{
	return s->nquiet;
}
