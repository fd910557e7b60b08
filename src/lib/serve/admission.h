/*
 * serve/admission.h - the Kubernetes validating admission webhook of `vigil serve`
 * (POST /k8s/admission, docs/admission.md): the AdmissionReview parser (fuzzed by
 * tests/fuzz/fuzz_admission_review.c), the admission policy and the decision. Not
 * public API.
 */
#ifndef VIGIL_SERVE_ADMISSION_H
#define VIGIL_SERVE_ADMISSION_H

#include <stddef.h>
#include <stdint.h>

#include "serve/internal.h"

#define VIGIL_ADM_MAX_CONTAINERS 256 /* containers of all kinds in one object */
#define VIGIL_ADM_MAX_IMAGE 4096     /* bytes of one image reference */

/* One container of the object: which list it is in and its image. */
typedef struct vigil_adm_container {
	char *name;	   /* containers[].name ("" when missing) */
	char *image;	   /* containers[].image ("" when missing) */
	const char *field; /* "containers", "initContainers" or "ephemeralContainers" */
} vigil_adm_container;

/* What an AdmissionReview admission.k8s.io/v1 request asks. */
typedef struct vigil_adm_review {
	char *uid;	 /* request.uid, copied into the response */
	char *kind;	 /* request.kind.kind ("Pod", "Deployment", ...) */
	char *name;	 /* request.name, else object.metadata.name / generateName, or "" */
	char *namespace; /* request.namespace, or "" (cluster-scoped) */
	char *operation; /* CREATE, UPDATE, DELETE, CONNECT */
	char *user;	 /* request.userInfo.username, or "" */
	int dry_run;	 /* request.dryRun */
	int workload;	 /* a kind with a pod template the webhook checks */
	char *object;	 /* request.object as compact JSON (for the Kubernetes checks), or NULL */
	vigil_adm_container *containers;
	size_t ncontainers;
	/* UPDATE: request.oldObject's images and the object itself (compact JSON); only
	 * images not in it are judged, and Kubernetes findings it had too only warn */
	char **old_images;
	size_t nold_images;
	char *old_object; /* NULL: no usable oldObject (everything is judged) */
} vigil_adm_review;

/* Is `image` one of the images of the review's oldObject (an UPDATE that keeps it)? */
int vigil_serve__adm_old_image(const vigil_adm_review *r, const char *image);

/* Parses an AdmissionReview. VIGIL_EFORMAT with a one-line reason in err for anything
 * that is not a v1 AdmissionReview with a request and a uid, VIGIL_ELIMIT past the
 * bounds above, VIGIL_ENOMEM. Free with vigil_serve__adm_review_free. */
int vigil_serve__adm_parse(vigil_adm_review **out, const char *body, size_t len, char *err,
			   size_t errlen);
void vigil_serve__adm_review_free(vigil_adm_review *r);

/* The AdmissionReview answer (malloc'd JSON): allowed, status.message when denied
 * (or NULL), warnings (NULL-terminated or NULL). NULL when out of memory. */
char *vigil_serve__adm_response(const char *uid, int allowed, const char *message,
				const char *const *warnings);

typedef struct vigil_admission vigil_admission;

/* Loads the admission policy (`path`, YAML or JSON; NULL for the defaults) for `srv`.
 * VIGIL_E* with a one-line message in err. */
int vigil_serve__admission_new(vigil_admission **out, vigil_server *srv, const char *path,
			       char *err, size_t errlen);
void vigil_serve__admission_free(vigil_admission *a);

/* Returns once every admission decision made so far is in the store (the audit API). */
void vigil_serve__admission_flush(vigil_server *srv);

/* admission_tls.c: 1 when the TLS client of `conn` (an MHD connection) presented a
 * certificate that verifies against --admission-client-ca for client authentication,
 * else 0 with the reason in why. */
int vigil_serve__adm_client_verified(void *conn, char *why, size_t whylen);

/* POST /k8s/admission: *status and the body in *out (malloc'd). */
void vigil_serve__admission(vigil_server *srv, const vigil_serve_req *req, int *status, char **out);

/* ---- shared by admission.c and admission_policy.c -------------------------------------- */

/* Actions of the policy for a kind of finding. */

enum { VIGIL_ADM_IGNORE, VIGIL_ADM_WARN, VIGIL_ADM_DENY };
#define VIGIL_ADM_SEV_NONE 99
#define VIGIL_ADM_CACHE_SLOTS 512
#define VIGIL_ADM_PENDING_SLOTS 64
#define VIGIL_ADM_MAX_IDS 5	  /* finding ids named per reason */
#define VIGIL_ADM_REQUEST_MS 5000 /* no registry is asked later in a request */
#define VIGIL_ADM_MAX_WARNINGS 30 /* warnings in one answer */

typedef struct vigil_adm_cache {
	char *key, *value;
	int64_t at; /* monotonic seconds */
} vigil_adm_cache;

typedef struct vigil_adm_pending {
	char digest[72];
	int64_t job;
} vigil_adm_pending;

/* ---- the audit trail's writer (admission_audit.c) ---- */
typedef struct vigil_adm_audit vigil_adm_audit;
/* Starts the writer thread of `store`: VIGIL_ENOMEM when it cannot. */
int vigil_serve__adm_audit_start(vigil_adm_audit **out, vigil_store *store);
/* Records one decision (copied; time 0 = now): queued for the writer, or written here when
 * the queue is full or w is NULL. 0, or the store's error of a write done here. */
int vigil_serve__adm_audit_add(vigil_adm_audit *w, vigil_store *store,
			       const vigil_store_admission *rec);
/* Returns once every decision queued before the call is stored (at most 15 s). */
void vigil_serve__adm_audit_flush(vigil_adm_audit *w);
/* Decisions written by a request because the queue was full, transactions, rows. */
void vigil_serve__adm_audit_stats(vigil_adm_audit *w, long long *sync_writes, long long *batches,
				  long long *rows);
/* Writes what is still queued, then stops the thread and frees w (NULL: nothing). */
void vigil_serve__adm_audit_stop(vigil_adm_audit *w);

/* The policy and the caches of the webhook; one per server. */
struct vigil_admission {
	vigil_ctx *ctx;
	vigil_policy *policy; /* ignore:, checks:, trust: of the same file; NULL = none */
	int sev;	      /* deny vulnerabilities of this rank or above */
	int fixable_only, kev, secrets, malware, unknown, k8s_sev;
	long budget_ms, cache_s;
	char **exclude;
	size_t nexclude;
	vigil_trust_key **keys;
	size_t nkeys;
	vigil_trust_policy lists; /* the trust policy without its keys */
	pthread_mutex_t mu;
	/* tag -> digest, digest+key -> signature verdict, digest -> the report's judgement */
	vigil_adm_cache resolved[VIGIL_ADM_CACHE_SLOTS], sigs[VIGIL_ADM_CACHE_SLOTS],
		verdicts[VIGIL_ADM_CACHE_SLOTS];
	vigil_adm_pending pend[VIGIL_ADM_PENDING_SLOTS];
	vigil_adm_audit *audit; /* NULL: each request writes its own row */
	vigil_store *store;
};
/* 1 LOW, 2 MEDIUM, 3 HIGH, 4 CRITICAL, 0 anything else. */
int vigil_serve__adm_rank(const char *severity);

#endif
