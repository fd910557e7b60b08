/*
 * vigil/store.h - what `vigil serve` keeps: manifests by digest with their inventory and
 * latest report, repositories and tags, history of findings, a reverse index from
 * (ecosystem, package) and vulnerability id to manifests, the job queue, API tokens,
 * webhooks and their deliveries. One module; the SQLite backend lives in
 * src/lib/store/ and no SQL exists outside it. Every function is safe to call from
 * several threads at once (one lock per store). docs/serve.md.
 *
 * Functions return 0 (or a count) on success and a negative VIGIL_E* on failure; the
 * message of the calling thread's last failure is vigil_store_error(). Strings returned
 * through `char **out` are malloc'd and freed by the caller with free().
 */
#ifndef VIGIL_STORE_H
#define VIGIL_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct vigil_store vigil_store;

/* Opens (creating) the store under directory `dir` (made if missing): store.db in WAL
 * mode, with a schema version the code checks (VIGIL_EFORMAT for another version).
 * When `dir` is a URL "postgres://..." or "postgresql://..." the store is that
 * PostgreSQL database instead (src/lib/store/store_pg.c): its versioned migrations are
 * applied under an advisory lock, and several servers may share it (jobs are leased,
 * see vigil_store_tune). docs/postgres.md. */
int vigil_store_open(vigil_store **out, const char *dir);
/* 1 when several servers may share the store (PostgreSQL), 0 for SQLite. */
int vigil_store_shared(const vigil_store *s);
/* Reaches the database (a round trip for PostgreSQL): 0 or VIGIL_EIO. */
int vigil_store_ping(vigil_store *s);

/* Job leases of a shared store (ignored by SQLite): a claimed job is held for `lease`
 * seconds and renewed by a heartbeat; a job whose lease expired is queued again after
 * `backoff` * 2^(attempts-1) seconds (at most 300), or failed after `max_attempts`;
 * finished jobs older than `retention` seconds are deleted in batches. */
typedef struct vigil_store_tuning {
	unsigned lease, backoff, max_attempts, retention;
} vigil_store_tuning;
#define VIGIL_STORE_TUNING_INIT                                                                    \
	{                                                                                          \
		30, 5, 5, 3600                                                                     \
	}
void vigil_store_tune(vigil_store *s, const vigil_store_tuning *t);
/* A cluster-wide lock by number (PostgreSQL advisory lock; SQLite: always granted, one
 * server per store). vigil_store_lock waits for it. */
int vigil_store_lock(vigil_store *s, int64_t key);
int vigil_store_unlock(vigil_store *s, int64_t key);
void vigil_store_free(vigil_store *s);
/* The last error message of this thread ("" when none). */
const char *vigil_store_error(void);
/* PRAGMA integrity_check: 0 when "ok", VIGIL_EFORMAT otherwise. */
int vigil_store_check(vigil_store *s);

/* ---- tokens: only the SHA-256 of a token is kept ------------------------------------- */

enum { VIGIL_SCOPE_READ = 1, VIGIL_SCOPE_SCAN = 2, VIGIL_SCOPE_ADMIN = 4 };

/* Parses "read,scan,admin" into scope bits; VIGIL_EINVAL for an unknown word. */
int vigil_store_parse_scopes(unsigned *out, const char *s);
/* Creates a token named `name` (replacing one of that name) and writes it (64 hex
 * characters and a "vgl_" prefix, NUL-terminated) into out[72]. */
int vigil_store_token_add(vigil_store *s, char out[72], const char *name, unsigned scopes);
/* The scopes of `token`, or VIGIL_ENOTFOUND. Compares hashes, never the token. */
int vigil_store_token_check(vigil_store *s, unsigned *out, const char *token);

/* ---- jobs ---------------------------------------------------------------------------- */

typedef struct vigil_store_job {
	int64_t id;
	char *kind; /* "scan" or "dbupdate" */
	char *ref;  /* what to scan; NULL for dbupdate */
	char *repository, *tag;
	int attempts;
} vigil_store_job;

/* Queues a job; its id in *out. On a shared store a scan of a reference by digest
 * ("...@sha256:...") already queued, running or done (and not yet deleted) is not
 * queued again: *out is that job's id (a new tag of a scanned digest is recorded). */
int vigil_store_job_add(vigil_store *s, int64_t *out, const char *kind, const char *ref,
			const char *repository, const char *tag);
/* Takes the oldest queued job and marks it running: 1 with *out filled (free with
 * vigil_store_job_clear), 0 when the queue is empty. */
int vigil_store_job_claim(vigil_store *s, vigil_store_job *out);
void vigil_store_job_clear(vigil_store_job *j);
/* Marks a job done (digest may be NULL) or failed with a message. On a shared store,
 * VIGIL_ECANCELLED when this process no longer holds the job (its lease expired and
 * another worker took it); nothing is changed then. scan_commit likewise. */
int vigil_store_job_finish(vigil_store *s, int64_t id, const char *digest, const char *error);
/* Requeues every running job (their owner died: called once at start, under the data
 * directory's lock). Returns how many. */
int vigil_store_job_requeue_running(vigil_store *s);
/* {"id","kind","status","image","digest","error","created","updated"} and, for a done
 * scan, "report" (the report of that digest). VIGIL_ENOTFOUND for no such job. */
int vigil_store_job_json(vigil_store *s, char **out, int64_t id);

/* ---- scans, history and events ------------------------------------------------------- */

typedef struct vigil_store_scan {
	const char *digest;	    /* manifest digest, required */
	const char *repository;	    /* may be NULL */
	const char *const *tags;    /* NULL-terminated or NULL */
	const char *db_built;	    /* may be NULL */
	const char *inventory;	    /* Vigil's inventory JSON; NULL with rematch: kept */
	const char *report;	    /* `vigil scan --format json` */
	const int64_t *counts;	    /* 6: CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE, UNKNOWN */
	const char *const *vulns;   /* sorted "ID\tPACKAGE" keys, NULL-terminated */
	const char *const *pkgkeys; /* "ECOSYSTEM\tPACKAGE", NULL-terminated, may repeat */
	int64_t job_id;		    /* job done with this commit; 0 for none */
	int rematch;		    /* 1: a re-evaluation (the report replaces the latest) */
} vigil_store_scan;

/* What changed, for the event builder. added / removed are "ID\tPACKAGE" keys. */
typedef struct vigil_store_change {
	int first;   /* no history before */
	int changed; /* a history entry was written */
	const char *const *added, *const *removed;
	size_t nadded, nremoved;
	const char *const *tags; /* the image's tags */
	const char *repository;
} vigil_store_change;

/* Builds the webhook bodies of a commit: calls `emit(event, body, ctx)` for each. The
 * body must be copied by emit. */
typedef int (*vigil_store_emit_fn)(const char *event, const char *body, void *emit_ctx);
typedef int (*vigil_store_events_fn)(const vigil_store_change *c, const vigil_store_scan *sc,
				     vigil_store_emit_fn emit, void *emit_ctx, void *payload);

/* In one transaction: stores the manifest, its tags, inventory, report and indexes,
 * writes a history entry when the set of vulnerabilities differs from the latest one
 * (or there is none), finishes the job and queues one delivery per webhook that wants
 * each event `events` emits. Nothing is visible until all of it is. *out_changed (may
 * be NULL) says whether a history entry was written. */
int vigil_store_scan_commit(vigil_store *s, int *out_changed, const vigil_store_scan *sc,
			    vigil_store_events_fn events, void *payload);
/* Queues an event's delivery to every webhook that wants it (scan.failed). */
int vigil_store_event_add(vigil_store *s, const char *event, const char *body);

/* Every stored digest, in *out (NULL-terminated; free each and the array). */
int vigil_store_digests(vigil_store *s, char ***out, size_t *n);
/* The stored inventory JSON of a digest; VIGIL_ENOTFOUND. */
int vigil_store_inventory(vigil_store *s, char **out, const char *digest);

typedef struct vigil_store_filter {
	const char *repository, *severity, *vuln, *package; /* NULL = any */
	const char *after;				    /* the "next" cursor or NULL */
	int limit;					    /* 1..500 */
} vigil_store_filter;

/* {"images":[{"digest","repository","tags","scanned_at","db_built","counts"}],"next"} */
int vigil_store_images_json(vigil_store *s, char **out, const vigil_store_filter *f);
/* The latest report of a digest; VIGIL_ENOTFOUND. */
int vigil_store_report(vigil_store *s, char **out, const char *digest);
/* {"digest","history":[{"time","db_built","counts","added","removed"}]}; ENOTFOUND. */
int vigil_store_history_json(vigil_store *s, char **out, const char *digest);
/* {"id","images":[{"digest","repository","tags","packages"}]} */
int vigil_store_vuln_images_json(vigil_store *s, char **out, const char *vuln_id);

/* ---- dashboard aggregates (docs/dashboard.md) -------------------------------------- */

/* {"images":{"scanned","known","pending","failed"},"severity":{SEV:n},
 * "vulnerabilities":{"findings","fixable","kev_findings","kev_ids","kev_images"},
 * "other":{"secrets","malware","misconfigurations"},"riskiest":[image + "kev"] (most
 * KEV-listed findings first, then by severity counts),
 * "widespread":[{"id","images","severity","title","known_exploited","cvss"}],
 * "trend":[{"time",SEV:n}],"time"}: `top` (1..100) entries in the two lists. */
int vigil_store_overview_json(vigil_store *s, char **out, int top);
/* A short text that changes whenever a scan, a re-evaluation or a job is committed
 * (cheap: no report is read), for caching what is computed from the whole store. */
int vigil_store_generation(vigil_store *s, char *out, size_t outlen);
/* {"digest","repository","tags","scanned_at","db_built","counts"}; VIGIL_ENOTFOUND. */
int vigil_store_image_json(vigil_store *s, char **out, const char *digest);
/* {"id","title","severity","cvss","known_exploited","aliases","references","feeds",
 * "images_total","images":[image + "findings":[{"package","version","status",
 * "fixed_version","layer"}]]}: the first `limit` affected images by digest;
 * VIGIL_ENOTFOUND when no stored image has it. */
int vigil_store_vuln_detail_json(vigil_store *s, char **out, const char *vuln_id, int limit);
/* {"targets":[{"ref","repository","digest","status","updated"}]}: every scanned reference. */
int vigil_store_scan_targets_json(vigil_store *s, char **out);

/* ---- webhooks ------------------------------------------------------------------------ */

/* events: comma-separated event names. */
int vigil_store_webhook_add(vigil_store *s, int64_t *out, const char *url, const char *events,
			    const char *secret);
/* {"webhooks":[{"id","url","events","created"}]} (never the secret). */
int vigil_store_webhooks_json(vigil_store *s, char **out);
int vigil_store_webhook_delete(vigil_store *s, int64_t id);
/* {"deliveries":[{"id","event","status","attempts","last_code","last_error","created",
 * "updated"}]}; VIGIL_ENOTFOUND for no such webhook. */
int vigil_store_deliveries_json(vigil_store *s, char **out, int64_t webhook_id);

typedef struct vigil_store_delivery {
	int64_t id;
	char *url, *secret, *event, *body;
	int attempts;
} vigil_store_delivery;

/* A pending delivery due at `now` (UNIX seconds): 1 and *out (clear it), or 0. */
int vigil_store_delivery_next(vigil_store *s, vigil_store_delivery *out, int64_t now);
void vigil_store_delivery_clear(vigil_store_delivery *d);
/* Records an attempt: done when ok, else pending again at next_at, or failed when
 * next_at is 0. */
int vigil_store_delivery_result(vigil_store *s, int64_t id, int ok, int code, const char *error,
				int64_t next_at);

/* ---- numbers for /metrics ------------------------------------------------------------ */

typedef struct vigil_store_stats {
	int64_t queued, running, done, failed, manifests, history, deliveries_pending,
		deliveries_failed;
	int64_t queue_age;     /* seconds the oldest queued job has waited (0: none) */
	int64_t lease_rescues; /* jobs requeued or failed after their lease expired */
} vigil_store_stats;
int vigil_store_stats_get(vigil_store *s, vigil_store_stats *out);

/* ---- admission decisions (docs/admission.md) ----------------------------------------- */

typedef struct vigil_store_admission {
	const char *uid, *kind, *namespace, *name, *operation, *user; /* may be NULL */
	int dry_run, allowed;
	const char *message; /* the denial message, or NULL */
	const char *detail;  /* a JSON object merged into the entry: reasons, warnings, images */
	int64_t time;	     /* UNIX seconds of the decision; 0 = now (add_many only) */
} vigil_store_admission;

/* Records one decision (the time is now); its id in *out (may be NULL). */
int vigil_store_admission_add(vigil_store *s, int64_t *out, const vigil_store_admission *a);
/* Records n decisions in one transaction (all or none), in the order given, each at its
 * own `time` (0 = now). 0 or a negative VIGIL_E* (vigil_store_error()). */
int vigil_store_admission_add_many(vigil_store *s, const vigil_store_admission *a, size_t n);

typedef struct vigil_store_admission_filter {
	const char *namespace; /* NULL = any */
	int allowed;	       /* 1, 0, or -1 for any */
	int64_t before;	       /* the "next" cursor (ids below it), 0 = from the newest */
	int limit;	       /* 1..500 */
} vigil_store_admission_filter;

/* {"admissions":[{"id","time","uid","kind","namespace","name","operation","user",
 * "dry_run","allowed","message", and the detail's members}],"next"}, newest first. */
int vigil_store_admissions_json(vigil_store *s, char **out, const vigil_store_admission_filter *f);
/* The status of job `id` ("queued", "running", "done", "failed") into out;
 * VIGIL_ENOTFOUND. */
int vigil_store_job_status(vigil_store *s, char out[16], int64_t id);
/* 1 when a report of `digest` is stored, 0 when not, or a negative VIGIL_E*. */
int vigil_store_has_report(vigil_store *s, const char *digest);

/* Calls fn(payload) from a thread of the store whenever a job is queued by any process
 * sharing it (PostgreSQL LISTEN/NOTIFY on one connection per store, re-established after
 * a lost connection, then fn is called once for what it missed), so idle workers wake at
 * once; their poll remains the fallback. Set once, before the workers start. SQLite
 * (one process per store): nothing to do, returns 0. */
int vigil_store_on_job(vigil_store *s, void (*fn)(void *payload), void *payload);

/* ---- runtime alerts of `vigil watch --serve` (docs/runtime.md) ------------------------- */

/* Records one alert: its rule, priority, container id (may be NULL) and the whole alert
 * (a JSON object, as vigil watch writes it); the time received is now; its id in *out
 * (may be NULL). */
int vigil_store_runtime_event_add(vigil_store *s, int64_t *out, const char *rule,
				  const char *priority, const char *container, const char *body);

typedef struct vigil_store_runtime_filter {
	const char *container; /* NULL = any */
	const char *rule;      /* NULL = any */
	int64_t before;	       /* the "next" cursor (ids below it), 0 = from the newest */
	int limit;	       /* 1..500 */
} vigil_store_runtime_filter;

/* {"events":[{"id","received","alert":{...}}],"next"}, newest first. */
int vigil_store_runtime_events_json(vigil_store *s, char **out,
				    const vigil_store_runtime_filter *f);

/* A counter this handle raises after every commit of a scan or re-evaluation (so after
 * a report changes). A reader that notes it before a read and finds it unchanged later
 * knows that no report was written through this handle in between (writes by other
 * processes are not counted). */
unsigned long long vigil_store_commits(vigil_store *s);

/* ---- the per-layer cache (docs/layer-cache.md) ---------------------------------------- */

/* 1 with *data (malloc'd, the caller frees it) when an entry is kept under `key` (its
 * use is counted and its time updated), 0 when none, or a negative VIGIL_E*. */
int vigil_store_layer_get(vigil_store *s, const char *key, uint8_t **data, size_t *len);
/* Keeps `data` under `key` (the layer `diff_id`), replacing an entry of the same key,
 * then removes the least recently used entries while all of them hold more than
 * `max_bytes` (0: no bound). */
int vigil_store_layer_put(vigil_store *s, const char *key, const char *diff_id, const uint8_t *data,
			  size_t len, uint64_t max_bytes);
/* Counts `uses` uses of the entry kept under `key` and updates its time, without reading
 * it (for a reader that holds the entry in memory): 1 when the entry is kept, 0 when it
 * is not (evicted), or a negative VIGIL_E*. */
int vigil_store_layer_touch(vigil_store *s, const char *key, uint64_t uses);
typedef struct vigil_store_layer_stats {
	int64_t entries, bytes, hits;
} vigil_store_layer_stats;
int vigil_store_layer_stats_get(vigil_store *s, vigil_store_layer_stats *out);
/* {"layers":[{"diff_id","size","hits","used"}...]} ordered by diff_id. */
int vigil_store_layers_json(vigil_store *s, char **out);
/* Fills `out` (a vigil_layer_cache of vigil.h) with get/put/touch over the store's layer cache,
 * bounded by lc->max_bytes (0: none); `lc` must outlive its use. */
typedef struct vigil_store_layer_cache {
	vigil_store *store;
	uint64_t max_bytes;
} vigil_store_layer_cache;
struct vigil_layer_cache;
void vigil_store_layer_cache_init(struct vigil_layer_cache *out, vigil_store_layer_cache *lc);

/* ---- watched registries (docs/serve.md "Registry polling") --------------------------- */

typedef struct vigil_store_registry {
	int64_t id;
	char *url;		   /* "https://HOST[:PORT]" or "http://HOST[:PORT]" */
	char *repositories;	   /* a glob of repository names ("*": all) */
	char *username, *password; /* NULL when none */
} vigil_store_registry;

/* Adds a registry to watch; its id in *out. username/password may be NULL. */
int vigil_store_registry_add(vigil_store *s, int64_t *out, const char *url,
			     const char *repositories, const char *username, const char *password);
/* {"registries":[{"id","url","repositories","credentials","created"}]}: never the
 * username or the password ("credentials" says whether there are some). */
int vigil_store_registries_json(vigil_store *s, char **out);
/* VIGIL_ENOTFOUND for no such registry. */
int vigil_store_registry_delete(vigil_store *s, int64_t id);
/* Every registry with its credentials, for the poller: *out (free with
 * vigil_store_registries_free) and its length in *n. */
int vigil_store_registries(vigil_store *s, vigil_store_registry **out, size_t *n);
void vigil_store_registries_free(vigil_store_registry *v, size_t n);
/* What a poll saw: tag `tag` of `repository` on `registry` points at `digest`. When it
 * did not already, queues a scan job of `ref` (its id in *out) and records the digest,
 * in one transaction (PostgreSQL: the job is queued first and de-duplicated by digest,
 * so a crash in between queues nothing twice). Returns 1 when queued, 0 when known. */
int vigil_store_poll_seen(vigil_store *s, int64_t *out, const char *registry,
			  const char *repository, const char *tag, const char *digest,
			  const char *ref);

#endif
