/* rt.h - internal to the runtime module: event fields, containers, rule evaluation. */
#ifndef VIGIL_RT_H
#define VIGIL_RT_H

#include <stddef.h>
#include <stdio.h>

#include "event.h"
#include "vigil.h"

enum rt_field {
	F_EVT_TYPE,
	F_PROC_PID,
	F_PROC_PPID,
	F_PROC_NAME,
	F_PROC_EXE,
	F_PROC_EXEPATH_NAME, /* proc.exe_name: basename of the executable path */
	F_PROC_CMDLINE,
	F_PROC_ARGS,
	F_PROC_PNAME,
	F_PROC_GPNAME,
	F_PROC_ANAME, /* any ancestor's name (comparison true when one matches) */
	F_PROC_TTY,
	F_PROC_STDIN_SOCKET,
	F_PROC_STDOUT_SOCKET,
	F_PROC_EXE_MEMFD,
	F_PROC_EXE_NEW,
	F_PROC_EXE_OVERLAY,
	F_USER_UID,
	F_USER_GID,
	F_FD_NAME,
	F_FD_DIRECTORY,
	F_FD_FILENAME,
	F_FD_WRITE,
	F_FD_TRUNC,
	F_FD_NEWNAME, /* rename: the new path */
	F_NET_FAMILY,
	F_NET_IP,
	F_NET_PORT,
	F_NET_LPORT, /* net.lport: local port of a listen or an accept */
	F_NET_FIRST, /* net.first_connect: the container's first IPv4/IPv6 connect seen */
	F_PTRACE_REQUEST,
	F_PTRACE_PID,
	F_SETUID_UID,
	F_MOUNT_SOURCE,
	F_MOUNT_TARGET,
	F_MOUNT_FSTYPE,
	F_MODULE_SYSCALL,
	F_MEMFD_NAME,
	F_SOCKET_FAMILY,
	F_SOCKET_TYPE,
	F_LINK_TARGET,
	F_LINK_PATH,
	F_NS_FLAGS,
	F_DUP_NEWFD,
	F_BPF_CMD,
	F_CONTAINER_ID,
	F_CONTAINER_NAME,
	F_CONTAINER_IMAGE,
	F_CONTAINER_DIGEST,
	F_CONTAINER_PRIVILEGED,
	F_CONTAINER_RUNTIME,
	F_CONTAINER_HOST,
	F_COUNT
};

/* Looks a field name up; -1 when unknown. */
int vigil_rt__field_lookup(const char *name, size_t len);
const char *vigil_rt__field_name(int f);
/* Name of an event type ("exec", ...), or NULL. */
const char *vigil_rt__type_name(unsigned t);
int vigil_rt__type_lookup(const char *name);

typedef struct rt_container {
	char id[72];
	char name[128];
	char image[256];
	char digest[80];
	char runtime[16];
	long long created;    /* ns since the epoch, 0 when unknown */
	char cgroup_dir[300]; /* cgroup v2 directory */
	int privileged;
	int host;
} rt_container;

/* One event as the rules see it: the raw record, its container and what the
 * process table knows. */
typedef struct rt_view {
	const struct vrt_event *e;
	const rt_container *c;
	const char *exe;      /* executable path (exec: from the event; else cached), or NULL */
	const char *cmdline;  /* "name arg1 arg2" of the process, or NULL */
	const char *pcmdline; /* of the parent, or NULL */
	long long exe_ctime;  /* ctime of the executable (0 unknown) */
	int first_connect;    /* connect: the first non-loopback one of this container */
} rt_view;

/* Writes the value of field f for v into buf (size n); 0 when the field applies to the
 * event, -1 when it does not (comparisons with an absent field are false). For
 * F_PROC_ANAME, `idx` selects the ancestor (0 = parent); other fields ignore it. */
int vigil_rt__field(const rt_view *v, int f, int idx, char *buf, size_t n);

/* Evaluation of compiled rules (rules.c) */
typedef struct rt_rule rt_rule;
size_t vigil_rt__rule_count(const vigil_rules *r);
const rt_rule *vigil_rt__rule(const vigil_rules *r, size_t i);
/* 1 when rule i is enabled and matches v */
int vigil_rt__rule_match(const vigil_rules *r, size_t i, const rt_view *v);
const char *vigil_rt__rule_name(const rt_rule *rule);
const char *vigil_rt__rule_priority(const rt_rule *rule);
int vigil_rt__rule_prio_level(const rt_rule *rule);
/* -1 unset, else VIGIL_WATCH_ACTION_* */
int vigil_rt__rule_action(const rt_rule *rule);
size_t vigil_rt__rule_tags(const rt_rule *rule, const char *const **out);
/* Expands the output template into buf. */
void vigil_rt__rule_output(const rt_rule *rule, const rt_view *v, char *buf, size_t n);

/* Bit t set: rule i (or some enabled rule) can match an event of type t (enum vrt_type),
 * from the evt.type comparisons of its condition; the rest are skipped (and not
 * reported by the kernel). */
unsigned long long vigil_rt__rule_types(const vigil_rules *r, size_t i);
unsigned long long vigil_rt__rules_types(const vigil_rules *r);
/* What the exec probe reads beyond the fixed record, per scope: [0] execs in containers
 * (and in cgroups not yet settled), [1] execs in settled host cgroups. A feature is read
 * for every exec (all), for execs whose name (comm) has it in `masks`, or whose
 * executable is a memfd / on overlayfs. Computed from the enabled rules: a feature is
 * needed where some rule reads its fields and can still be true, and argv wherever some
 * rule on execs can match (every alert shows the command line). args_types: event
 * types (not exec) whose records carry the process's argv, because the scope's execs
 * do not always. */
#define RT_FEAT_ARGV 1u
#define RT_FEAT_TTY 2u
#define RT_FEAT_STDIO 4u
typedef struct rt_features {
	unsigned all[2], memfd[2], overlay[2];
	unsigned long long args_types[2];
	char (*names)[VRT_COMM]; /* NUL-padded */
	unsigned char (*masks)[2];
	size_t nnames, capnames;
} rt_features;
int vigil_rt__rules_features(const vigil_rules *r, rt_features *f);
void vigil_rt__features_free(rt_features *f);
void vigil_rt__features_describe(const rt_features *f, int scope, char *buf, size_t n);
int vigil_rt__features_host_lean(const rt_features *f);
/* 1 when some enabled rule reads field f (enum rt_field) in its condition or output */
int vigil_rt__rules_use_field(const vigil_rules *r, int field);

extern const char vigil_rt__builtin_rules[];

/* containers.c: cgroup id -> container */
typedef struct rt_containers rt_containers;
/* runc_root: runc state roots separated by ':' (NULL: /run/runc and containerd's and
 * Docker's) */
int vigil_rt__containers_new(rt_containers **out, const char *runc_root, const char *cgroup_root);
/* containerd's root (meta.db below it; default /var/lib/containerd) and Docker's data
 * root (default /var/lib/docker); NULL keeps the default */
void vigil_rt__containers_set_roots(rt_containers *cs, const char *containerd_root,
				    const char *docker_root);
/* The container of cgroup id cgid (host when none); borrowed until the next call. */
const rt_container *vigil_rt__containers_get(rt_containers *cs, unsigned long long cgid);
void vigil_rt__containers_free(rt_containers *cs);

/* Calls cb for every container in runc's state whose cgroup exists, with its init pid. */
void vigil_rt__containers_each(rt_containers *cs,
			       void (*cb)(const rt_container *c, int pid, void *payload),
			       void *payload);
/* The runc state generation: changes when runc's state files change. */
unsigned long long vigil_rt__containers_generation(rt_containers *cs);
/* 1 when cgid was found to be no container more than a second ago and runc's state has not
 * changed since (its events can be dropped in the kernel with --containers-only) */
int vigil_rt__containers_settled_host(rt_containers *cs, unsigned long long cgid);
/* 1 when runc's state files changed since the last call (0 the first time they are empty) */
int vigil_rt__containers_changed(rt_containers *cs);

/* guard.c: the deny-exec policy (fanotify FAN_OPEN_EXEC_PERM) */
typedef struct rt_guard rt_guard;
typedef struct rt_guard_denial {
	unsigned pid;
	char comm[VRT_COMM + 1];
	char path[VRT_PATH]; /* inside the container when it can be told */
	char reason[80];
	char result[64]; /* "denied" or "failed: ..." */
	long long exe_ctime;
	rt_container c;
} rt_guard_denial;
int vigil_rt__guard_open(rt_guard **out, char *err, size_t errlen);
/* Guards container c whose init process is pid: 0 (msg says what was marked), 1 when
 * already guarded, or -errno (msg says why). */
int vigil_rt__guard_add(rt_guard *g, const rt_container *c, int pid, char *msg, size_t n);
/* A sweep: begin, guard_add every container still there, end forgets the mounts of the
 * others (returns how many). */
void vigil_rt__guard_sweep_begin(rt_guard *g);
/* 1 when the answering thread got SCHED_FIFO */
int vigil_rt__guard_realtime(const rt_guard *g);
size_t vigil_rt__guard_sweep_end(rt_guard *g);
/* Moves up to max queued denials into out; returns how many. */
size_t vigil_rt__guard_take(rt_guard *g, rt_guard_denial *out, size_t max);
void vigil_rt__guard_counts(rt_guard *g, unsigned long long *allowed, unsigned long long *denied);
void vigil_rt__guard_close(rt_guard *g);
int vigil_rt__guard_probe(void);

/* post.c: alerts to vigil serve or to a signed webhook (a bounded queue and a posting
 * thread each) */
typedef struct rt_post rt_post;
int vigil_rt__post_open(rt_post **out, const char *url, const char *token, char *err,
			size_t errlen);
int vigil_rt__webhook_open(rt_post **out, const char *url, const char *secret, char *err,
			   size_t errlen);
/* Queues one alert (JSON); never blocks: dropped and counted when the queue is full. */
void vigil_rt__post_queue(rt_post *p, const char *alert);
/* Posts what is queued, stops the thread and prints the counts on log (may be NULL). */
void vigil_rt__post_close(rt_post *p, FILE *log);

/* bolt.c: one value of a bbolt file (containerd's meta.db), read-only: the buckets
 * path[0..depth) then key. 0 and out (a NUL-free string, NUL-terminated), 1 when absent,
 * -1 when the file is unreadable or malformed (or the value does not fit). */
int vigil_rt__bolt_get(const char *file, const char *const *path, size_t depth, const char *key,
		       char *out, size_t outlen);
int vigil_rt__bolt_get_buf(const unsigned char *data, size_t size, const char *const *path,
			   size_t depth, const char *key, char *out, size_t outlen);

/* sensor.c */
typedef struct rt_sensor rt_sensor;
typedef int (*rt_sensor_cb)(const struct vrt_event *e, void *payload);
/* Loads and attaches the sensor; err receives a one-line reason on failure. */
/* want_types: bit t set for the event types (enum vrt_type) to report; exec is always
 * reported, exit only when asked. feat: what the exec probe reads, per scope (NULL:
 * everything); host_lean: scope 1 of feat applies to cgroups marked with sensor_lean. */
int vigil_rt__sensor_open(rt_sensor **out, unsigned long long want_types, int host_lean,
			  const rt_features *feat, char *err, size_t errlen);
/* Waits up to timeout_ms, then hands every pending event to cb. */
int vigil_rt__sensor_poll(rt_sensor *s, int timeout_ms, rt_sensor_cb cb, void *payload);
/* Arms a SIGKILL for process tgid at its next syscall (bpf_send_signal). 0 or -errno. */
int vigil_rt__sensor_doom(rt_sensor *s, unsigned tgid, unsigned long long start);
/* Drops the events of cgroup cgid in the kernel from now on (0 or -errno); quiet_clear
 * forgets all such cgroups; quiet_count says how many there are. */
int vigil_rt__sensor_quiet(rt_sensor *s, unsigned long long cgid);
void vigil_rt__sensor_quiet_clear(rt_sensor *s);
/* Marks cgroup cgid as a settled host cgroup whose execs are lean (see sensor_open);
 * quiet_clear forgets these too. 0 or -errno. */
int vigil_rt__sensor_lean(rt_sensor *s, unsigned long long cgid);
unsigned vigil_rt__sensor_lean_count(rt_sensor *s);
unsigned vigil_rt__sensor_quiet_count(rt_sensor *s);
/* Attaches the deny programs to the cgroup directory (cgroup v2) of container cgid:
 * its connects fail with EPERM until the agent stops. 0, 1 when already denied, or -errno. */
int vigil_rt__sensor_deny_egress(rt_sensor *s, const char *cgroup_dir, unsigned long long cgid);
unsigned long long vigil_rt__sensor_drops(rt_sensor *s);
void vigil_rt__sensor_close(rt_sensor *s);
/* Probes program types and helpers on this kernel; writes one line per probe to f. */
void vigil_rt__sensor_selfcheck(FILE *f);

#endif
