/*
 * vigil/serve.h - `vigil serve`: the HTTP API over the store (vigil/store.h), the scan
 * workers, re-evaluation after database updates and webhooks. docs/serve.md.
 */
#ifndef VIGIL_SERVE_H
#define VIGIL_SERVE_H

#include <stddef.h>
#include <stdint.h>

typedef struct vigil_serve_opts {
	const char *listen;		/* "ADDR:PORT" (IPv4; port 0 picks a free one) */
	const char *data_dir;		/* the store and the lock */
	const char *db_path;		/* the vulnerability database */
	const char *db_from;		/* mirror directory or bundle URL (db updates), or NULL */
	const char *images_dir;		/* local image paths must be under it; NULL refuses them */
	const char *tls_cert, *tls_key; /* PEM files; both or neither */
	const char *port_file;		/* the bound port is written there, or NULL */
	int workers;			/* scan workers (1..64) */
	int http_threads;		/* HTTP threads (1..64) */
	size_t max_body;		/* request bodies above it get 413 */
	size_t max_header;		/* per-connection memory for headers (bytes) */
	unsigned conn_timeout;		/* seconds of inactivity before a connection is closed */
	unsigned max_conns, max_conns_per_ip;
	unsigned scanners; /* VIGIL_SCANNER_* bits */
	/* registry references: hosts reached over plain HTTP (NULL-terminated, or NULL) and
	 * trusted CAs; credentials from VIGIL_REGISTRY_* / docker config (vigil/registry.h) */
	const char *const *insecure_registries;
	const char *ca_file;
	/* a shared store ("postgres://...", vigil/store.h) instead of DIR/store.db; with it
	 * --data is not needed and several servers may run against one database */
	const char *store;
	int role; /* VIGIL_SERVE_ROLE_*: what this process does */
	/* leases of a shared store (0: VIGIL_STORE_TUNING_INIT's) */
	unsigned lease, backoff, max_attempts, job_retention;
	unsigned poll; /* seconds an idle worker waits before looking for jobs (0: 1) */
	/* the admission webhook's policy (YAML or JSON, docs/admission.md); NULL = defaults */
	const char *admission_policy;
	/* registries to poll ("[http(s)://]HOST[:PORT][/GLOB]", NULL-terminated, or NULL)
	 * besides those of POST /api/v1/registries, every poll_interval seconds (0: 300);
	 * a database update from db_from every update_interval seconds (0: never) */
	const char *const *registries;
	unsigned poll_interval, update_interval;
	/* db_from as an http(s):// URL of a database bundle: the pinned public key (PEM) its
	 * signature at URL.sig must verify with (NULL: checksum only), and the largest
	 * bundle accepted (0: 1 GiB) */
	const char *db_key;
	uint64_t db_max_bytes;
	/* PEM CA file: POST /k8s/admission needs a TLS client certificate it signed (the
	 * API server's), else 401; NULL = no client certificates asked for */
	const char *admission_client_ca;
} vigil_serve_opts;

/* all: HTTP, workers and webhook deliveries; api: HTTP only (no engine, no jobs run);
 * worker: jobs and deliveries, and HTTP for /healthz and /metrics. */
enum { VIGIL_SERVE_ROLE_ALL = 0, VIGIL_SERVE_ROLE_API = 1, VIGIL_SERVE_ROLE_WORKER = 2 };

#define VIGIL_SERVE_OPTS_INIT                                                                      \
	{                                                                                          \
		"127.0.0.1:8080", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 2, 4, 1 << 20, 32768,  \
			30, 1024, 256, 15                                                          \
	}

/* Runs the server until SIGINT or SIGTERM (which the caller must have blocked in every
 * thread): returns 0 after a clean stop, or a negative VIGIL_E* with the message in
 * `err` (which it may fill on a failed start). */
int vigil_serve_run(const vigil_serve_opts *opts, char *err, size_t errlen);

/* One pushed manifest from a Distribution notification envelope. Borrowed: valid
 * during the callback. */
typedef struct vigil_serve_push {
	const char *host, *repository, *digest, *tag; /* tag may be NULL */
	const char *media_type;
} vigil_serve_push;

/* Parses a notification envelope (application/vnd.docker.distribution.events.v1+json)
 * and calls cb for every "push" event of a manifest or index with a valid sha256
 * digest and repository name; other events are skipped. Returns the number of pushes,
 * VIGIL_EFORMAT for a malformed envelope, VIGIL_ELIMIT beyond 1000 events, or cb's
 * negative return. */
int vigil_serve_parse_envelope(const char *body, size_t len,
			       int (*cb)(const vigil_serve_push *p, void *payload), void *payload);

#endif
