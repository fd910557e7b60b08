/*
 * vigil/runtime.h - runtime detection for running containers (`vigil watch`): an eBPF
 * sensor (exec, exit, opens of system and sensitive files, connects, ptrace, setuid,
 * mount, module loads, memfd, packet sockets, links, namespaces, dup of sockets onto
 * stdio), container attribution from runc state, a YAML rule language in Falco's
 * spirit and response actions. Included by vigil.h.
 */
#ifndef VIGIL_RUNTIME_H
#define VIGIL_RUNTIME_H

/* A set of rules, lists and macros: the built-in rules plus rule files. */
typedef struct vigil_rules vigil_rules;

/* An empty rule set. Errors: VIGIL_ENOMEM. Free with vigil_rules_free. */
int vigil_rules_new(vigil_rules **out);
/* Adds the built-in rules (docs/runtime.md lists them). */
int vigil_rules_load_builtin(vigil_rules *r);
/* Adds the rules, lists and macros of a YAML file (or of `len` bytes at `buf`, named
 * `name` in messages). Later definitions of a list or macro replace earlier ones, a
 * later rule of the same name replaces the earlier rule, and an entry with only `rule`
 * and `enabled` switches an existing rule on or off. Errors: VIGIL_EIO,
 * VIGIL_EFORMAT (message "FILE:LINE: ..." in vigil_rules_error), VIGIL_ELIMIT. */
int vigil_rules_load_file(vigil_rules *r, const char *path);
int vigil_rules_load_buffer(vigil_rules *r, const char *name, const char *buf, size_t len);
/* Compiles every rule (conditions, macros, lists, exceptions, output templates);
 * call after the last load. Errors: VIGIL_EFORMAT with "FILE:LINE: rule 'X': ...". */
int vigil_rules_compile(vigil_rules *r);
/* The last error, "" when none. Lives as long as r. */
const char *vigil_rules_error(const vigil_rules *r);
/* Number of rules, and of enabled rules, after compile. */
size_t vigil_rules_count(const vigil_rules *r, size_t *enabled);
/* Name, priority ("CRITICAL", ...) and enabled flag of rule i (< count); borrowed. */
const char *vigil_rules_name(const vigil_rules *r, size_t i, const char **priority, int *enabled);
/* Writes what the sensor's exec probe will read for these rules (argv, controlling
 * terminal, stdio sockets: always, for some names, never), for execs in containers and
 * for execs in settled host cgroups, one line each, to f. 0 or VIGIL_ENOMEM. */
int vigil_rules_describe_exec(const vigil_rules *r, FILE *f);
void vigil_rules_free(vigil_rules *r);

enum {
	VIGIL_WATCH_ACTION_NONE = 0,
	VIGIL_WATCH_ACTION_KILL = 1,
	VIGIL_WATCH_ACTION_DENY = 2, /* deny the container's egress (cgroup connect4/6) */
	VIGIL_WATCH_ACTION_PAUSE = 3 /* freeze the container (cgroup v2 cgroup.freeze) */
};
enum { VIGIL_WATCH_JSON = 0, VIGIL_WATCH_TEXT = 1 };

typedef struct vigil_watch_opts {
	vigil_rules *rules;	 /* compiled; required */
	int action;		 /* default action of rules without `action:`; NONE never acts */
	int format;		 /* VIGIL_WATCH_JSON (one alert per line) or VIGIL_WATCH_TEXT */
	FILE *out;		 /* alerts; required */
	FILE *log;		 /* self-check, status and errors (stderr) */
	int containers_only;	 /* drop events of processes outside containers */
	int self_check;		 /* only probe and print what works, then return */
	const char *replay;	 /* read events (JSON lines) from this file instead of the kernel */
	const char *runc_root;	 /* runc state roots, ':' separated; default /run/runc,
				    /run/containerd/runc/NS and /run/docker/runtime-runc/NS */
	const char *cgroup_root; /* cgroup v2 mount; default: /sys/fs/cgroup/unified or
				    /sys/fs/cgroup */
	unsigned rate;		 /* alerts per second before suppression (default 100) */
	unsigned dedup_secs;	 /* identical alerts within this window are counted, not printed
				    (default 10) */
	double duration;	 /* stop after this many seconds (0: until *stop) */
	volatile int *stop;	 /* set (a sig_atomic_t) by a signal handler to stop */
	int deny_exec;		 /* guard every container: executing a file that is not in its
				    image fails (fanotify FAN_OPEN_EXEC_PERM) */
	int syslog;		 /* also send every alert to syslog (LOG_DAEMON) */
	const char *serve_url;	 /* also POST alerts to vigil serve (/api/v1/events/runtime) */
	const char *serve_token; /* bearer token for serve_url */
	const char *webhook_url; /* also POST batches of alerts, signed, to this URL */
	const char *webhook_secret;  /* HMAC-SHA256 key of the X-Vigil-Signature header */
	const char *containerd_root; /* containerd's root (meta.db); default /var/lib/containerd */
	const char *docker_root;     /* Docker's data root; default /var/lib/docker */
} vigil_watch_opts;

#define VIGIL_WATCH_OPTS_INIT                                                                      \
	{                                                                                          \
		NULL, VIGIL_WATCH_ACTION_NONE, VIGIL_WATCH_JSON, NULL, NULL, 0, 0, NULL, NULL,     \
			NULL, 100, 10, 0, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL           \
	}

/* Loads the sensor (or reads the replay file), matches events against the rules and
 * writes alerts until *stop, the duration or the end of the replay. Prints
 * "vigil watch: ready ..." on log once the sensor is attached. Returns 0, or
 * VIGIL_EIO / VIGIL_EINVAL / VIGIL_EFORMAT with a one-line message in err. */
int vigil_watch_run(const vigil_watch_opts *o, char *err, size_t errlen);

#endif
