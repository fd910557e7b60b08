/* serve/internal.h - shared by the files of src/lib/serve. Not public API. */
#ifndef VIGIL_SERVE_INTERNAL_H
#define VIGIL_SERVE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "vigil.h"
#include "vigil/serve.h"
#include "vigil/store.h"

typedef struct vigil_server {
	vigil_serve_opts o;
	vigil_store *store;
	vigil_ctx *ctx; /* the engine's */
	pthread_rwlock_t engine_lock;
	vigil_engine *engine; /* NULL when the database is missing */
	char images_real[4096];
	pthread_mutex_t mu;
	pthread_cond_t work, deliver;
	int stop;
	int64_t db_loaded;	     /* UNIX time the engine was made */
	struct vigil_admission *adm; /* the admission webhook (admission.c) */
	atomic_llong requests, scans_done, scans_failed, rematches, scan_ms, deliveries_ok,
		deliveries_failed;
	struct vigil_harbor_state *harbor; /* harbor.c: credentials of queued Harbor scans */
	pthread_cond_t sched;		   /* wakes the scheduler (poll.c) */
	int poll_now;			   /* poll the registries now (a registry was added) */
	struct vigil_serve_rcache *rcache; /* readcache.c; NULL: no caching */
} vigil_server;

/* readcache.c: tokens' scopes and reports kept in memory (NULL srv->rcache: none). */
int vigil_serve__rcache_new(vigil_server *srv);
void vigil_serve__rcache_free(vigil_server *srv);
void vigil_serve__rcache_stats(vigil_server *srv, long long *hits, long long *misses);
/* vigil_store_token_check and vigil_store_report through the cache. */
int vigil_serve__token_scopes(vigil_server *srv, unsigned *out, const char *token);
int vigil_serve__report(vigil_server *srv, char **out, const char *digest);

/* One HTTP request as the API sees it. */
typedef struct vigil_serve_req {
	const char *method, *path, *authorization;
	const char *(*arg)(void *payload, const char *name); /* query argument or NULL */
	void *arg_payload;
	const char *body;
	size_t body_len;
	int body_too_large;
	const char *accept;  /* the Accept header or NULL (Harbor's report types) */
	const char *api_key; /* X-ScannerAdapter-API-Key or NULL (Harbor's third auth kind) */
	void *conn;	     /* the MHD connection (its TLS client certificate), or NULL */
} vigil_serve_req;

/* Answers one request: *status and the JSON (or Prometheus text) body in *out
 * (malloc'd); *content_type is static. Never fails: errors are JSON bodies. */
void vigil_serve__handle(vigil_server *srv, const vigil_serve_req *req, int *status, char **out,
			 const char **content_type);

/* JSON-lines log on stderr: level, msg and key/value string pairs ending in NULL. */
void vigil_serve__log(const char *level, const char *msg, ...);

/* Workers and the deliverer: started by vigil_serve_run, stopped with srv->stop. */
void *vigil_serve__worker(void *payload);
/* The per-layer cache's bound (worker.c; VIGIL_LAYER_CACHE_MAX MiB, 0 = off). */
uint64_t vigil_serve__layer_cache_max(void);
void *vigil_serve__deliverer(void *payload);
/* poll.c: registry polling and scheduled database updates (a thread), the registries
 * routes (1 when the request was one of them), and "[http(s)://]HOST[:PORT][/GLOB]". */
void *vigil_serve__scheduler(void *payload);
int vigil_serve__registries_route(vigil_server *srv, const vigil_serve_req *req, int *status,
				  char **out);
/* The credentials stored with a watched registry on the host of `ref` ("HOST/..."): 1
 * with *user and *pass (malloc'd; clear and free them), 0 when there are none. */
int vigil_serve__registry_creds(vigil_server *srv, const char *ref, char **user, char **pass);
#define VIGIL_SERVE_POLL_PAGE 1000
int vigil_serve__list_page(const char *doc, size_t len, const char *member, size_t *seen,
			   size_t max, char *last, size_t lastlen,
			   int (*each)(const char *name, void *payload), void *payload);
int vigil_serve__registry_parse(char *key, size_t keylen, char *host, size_t hostlen, char *glob,
				size_t globlen, const char *url, const char **why);
/* dbmirror.c: a database update from --db-from (a mirror directory, or a bundle URL
 * fetched conditionally); *changed = 0 when an HTTP mirror answered "not modified". */
int vigil_serve__db_update(vigil_server *srv, vigil_ctx *ctx, int *changed);
int vigil_serve__db_from_url(const char *from);
/* --db-from for logs: a URL's user:password replaced by *** (buf holds the copy). */
const char *vigil_serve__db_from_display(const char *from, char *buf, size_t len);
/* Wakes the workers (a job was queued) / the deliverer. */
void vigil_serve__kick(vigil_server *srv);
/* Checks a local image reference against --images-dir: 0 or VIGIL_EINVAL with msg. */
int vigil_serve__check_ref(vigil_server *srv, const char *ref, char *msg, size_t msglen);
/* HMAC-SHA256 signature header value "t=T,v1=HEX" of body with secret into out. */
int vigil_serve__sign(char *out, size_t outlen, const char *secret, int64_t t, const char *body);

/* ---- Harbor's Pluggable Scanner API (harbor.c) ---- */

/* A parsed Harbor scan request. */
typedef struct vigil_harbor_scan {
	char host[256]; /* registry HOST[:PORT] from registry.url */
	int plain_http; /* registry.url was http:// */
	char repository[256], digest[80], tag[130], mime_type[128];
	char *authorization; /* registry.authorization (malloc'd) or NULL */
	int want_vuln, want_sbom;
} vigil_harbor_scan;

/* Parses and checks a ScanRequest body: 0, or the HTTP status of the spec (400 bad JSON
 * or types, 422 invalid field, 501 an artifact or report type Vigil does not handle) with
 * a one-line message. Clear *out with vigil_serve__harbor_scan_clear. */
int vigil_serve__harbor_parse(vigil_harbor_scan *out, const char *body, size_t len, char *msg,
			      size_t msglen);
void vigil_serve__harbor_scan_clear(vigil_harbor_scan *s);

typedef struct vigil_harbor_resp {
	int status;
	char *body;		   /* malloc'd */
	const char *content_type;  /* static */
	const char *refresh_after; /* static, or NULL */
} vigil_harbor_resp;

/* Answers a request under /harbor/api/v1/. Never fails: errors are the spec's envelope. */
void vigil_serve__harbor(vigil_server *srv, const vigil_serve_req *req, vigil_harbor_resp *r);
void vigil_serve__harbor_free(vigil_server *srv);

/* The registry credentials Harbor sent for job `id`, set on *ro (taken out of memory: a
 * second call returns NULL). Free the returned holder after the pull. */
typedef struct vigil_harbor_job vigil_harbor_job;
vigil_harbor_job *vigil_serve__harbor_job_opts(vigil_server *srv, int64_t id,
					       vigil_registry_opts *ro);
void vigil_serve__harbor_job_free(vigil_harbor_job *j);

/* A web file of the dashboard built into the binary (web/, scripts/embed-web.sh). */
typedef struct vigil_serve_asset {
	const char *path, *type, *etag;
	const unsigned char *data;
	size_t len;
} vigil_serve_asset;
/* The built-in file for a request path ("/" is /index.html), or NULL. */
const vigil_serve_asset *vigil_serve__asset(const char *path);
/* Answers the dashboard's API routes (dashboard.c) for an authenticated request: 1 when
 * the path is one of them (*status, *out set as vigil_serve__handle does), else 0. */
int vigil_serve__dashboard(vigil_server *srv, const vigil_serve_req *req, int *status, char **out);

#endif
