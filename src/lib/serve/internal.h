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
} vigil_server;

/* One HTTP request as the API sees it. */
typedef struct vigil_serve_req {
	const char *method, *path, *authorization;
	const char *(*arg)(void *payload, const char *name); /* query argument or NULL */
	void *arg_payload;
	const char *body;
	size_t body_len;
	int body_too_large;
} vigil_serve_req;

/* Answers one request: *status and the JSON (or Prometheus text) body in *out
 * (malloc'd); *content_type is static. Never fails: errors are JSON bodies. */
void vigil_serve__handle(vigil_server *srv, const vigil_serve_req *req, int *status, char **out,
			 const char **content_type);

/* JSON-lines log on stderr: level, msg and key/value string pairs ending in NULL. */
void vigil_serve__log(const char *level, const char *msg, ...);

/* Workers and the deliverer: started by vigil_serve_run, stopped with srv->stop. */
void *vigil_serve__worker(void *payload);
void *vigil_serve__deliverer(void *payload);
/* Wakes the workers (a job was queued) / the deliverer. */
void vigil_serve__kick(vigil_server *srv);
/* Checks a local image reference against --images-dir: 0 or VIGIL_EINVAL with msg. */
int vigil_serve__check_ref(vigil_server *srv, const char *ref, char *msg, size_t msglen);
/* HMAC-SHA256 signature header value "t=T,v1=HEX" of body with secret into out. */
int vigil_serve__sign(char *out, size_t outlen, const char *secret, int64_t t, const char *body);

#endif
