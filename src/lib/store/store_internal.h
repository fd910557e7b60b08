/* store/store_internal.h - helpers shared by the two backends of vigil/store.h (store.c for
 * SQLite, store_pg.c for PostgreSQL), implemented in store_util.c. No SQL here: each backend
 * reads its rows and hands the values to these. Not public API. */
#ifndef VIGIL_STORE_INTERNAL_H
#define VIGIL_STORE_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"
#include "vigil/store.h"

/* Severity names in report order and the manifests columns that count them. */
extern const char *const vigil_store__sevs[6];
extern const char *const vigil_store__sevcols[6];

/* Sets the calling thread's store error (vigil_store_error) and returns code. */
int vigil_store__fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int64_t vigil_store__now(void);
/* strdup that passes NULL through. */
char *vigil_store__strdup(const char *p);
/* Serialises a jansson value (taking the reference) into *out (malloc'd); VIGIL_ENOMEM when
 * v is NULL or on failure. */
int vigil_store__dump(char **out, json_t *v);
/* A JSON array of the strings of a NULL-terminated vector (NULL: empty array). */
json_t *vigil_store__str_array(const char *const *v);
/* [{"id","package"}] from "ID\tPACKAGE" keys. */
json_t *vigil_store__vuln_list(const char *const *keys, size_t n);
/* qsort comparator of `const char *` elements. */
int vigil_store__cmpstr(const void *a, const void *b);
/* Frees a NULL-terminated vector of malloc'd strings and the vector; NULL is a no-op. */
void vigil_store__free_strv(char **v);
/* Appends a copy of `str` (NULL becomes "") to a vigil_vec of char *. */
int vigil_store__strv_push(vigil_vec *v, const char *str);
/* Ends a vigil_vec of char * with NULL and gives it to *out (count in *n when n is not
 * NULL); with error < 0 or out of memory frees it and returns the error. */
int vigil_store__strv_finish(char ***out, size_t *n, vigil_vec *v, int error);
/* The index of severity `name` (any case) in vigil_store__sevs into *out, or VIGIL_EINVAL. */
int vigil_store__severity(int *out, const char *name);
/* Whether a webhook subscribed to the comma-separated `events` ("*" = all) wants `event`. */
int vigil_store__wants(const char *events, const char *event);

/* {"digest","repository","tags","scanned_at","db_built","counts"} of one manifests row. */
json_t *vigil_store__image_obj(const char *digest, const char *repository, int64_t scanned_at,
			       const char *db_built, const int64_t counts[6],
			       const char *const *tags);

/* What a scan changed against the image's previous history entry. */
typedef struct vigil_store_diff {
	int first, changed;	       /* no previous entry; the keys differ (or first) */
	const char **added, **removed; /* borrowed from the scan and prev */
	size_t na, nr;
	/* when changed: the history row's counts, added and removed (JSON text) */
	char *counts_s, *added_s, *removed_s;
	/* internal */
	json_t *prev;
	const char **old;
} vigil_store_diff;

/* Compares sc->vulns (sorted) with `prev_vulns`, the JSON array of the last history entry
 * (have_prev 0: none). VIGIL_EFORMAT when that entry is damaged. Free with _diff_free. */
int vigil_store__diff(vigil_store_diff *d, const vigil_store_scan *sc, int have_prev,
		      const char *prev_vulns);
void vigil_store__diff_free(vigil_store_diff *d);

/* Queues one event's deliveries in the backend's open transaction. */
typedef int (*vigil_store_queue_fn)(void *backend, const char *event, const char *body);

/* Calls `events` with the change a commit made; every event it emits goes to `queue` (with
 * `backend`) until one fails. The first error of either is returned. */
int vigil_store__emit(const vigil_store_diff *d, const vigil_store_scan *sc,
		      const char *const *tags, const char *repository, vigil_store_events_fn events,
		      void *payload, vigil_store_queue_fn queue, void *backend);

/* ---- shared parts of reports and inventories (docs/layer-cache.md "In the store") ----- */

/* Images on the same base have the same packages and vulnerabilities: the report and the
 * inventory JSON are kept as a head, a part and a tail, the part once per content (by its
 * SHA-256) for every image that has it. Where the text is cut changes only how much is
 * shared, never what is read back (head + part + tail, byte for byte). */
typedef struct vigil_store_cut {
	char *head, *part, *tail; /* malloc'd; part and tail NULL: the text is whole in head */
	char hash[72];		  /* "sha256:..." of part */
} vigil_store_cut;

/* The smallest part worth keeping apart (bytes). */
#define VIGIL_STORE_PART_MIN 2048

/* Cuts `text` (NULL: nothing, all NULL) before its top-level "packages" member and before
 * the first top-level member after it but "vulnerabilities"; a text without them (or whose
 * part would be under VIGIL_STORE_PART_MIN) is kept whole. VIGIL_ENOMEM. Free with
 * vigil_store__cut_free. */
int vigil_store__cut(vigil_store_cut *c, const char *text);
void vigil_store__cut_free(vigil_store_cut *c);

/* The package and vulnerability index of an image is a set of keys ("ECOSYSTEM\tNAME",
 * "ID\tPACKAGE") kept once per content in pkgsets / vulnsets; the row names its sets and
 * the views pkgindex / vulnindex give (key, digest) as before. The set's name into out:
 * the SHA-256 of the keys in order, "" when there are none. VIGIL_ENOMEM. */
int vigil_store__set_name(char out[72], const char *const *keys);

/* ---- the dashboard's read models (one pass over rows each backend reads) -------------- */

/* The severity trend: feed history rows in (time, id) order. */
typedef struct vigil_store_trend {
	json_t *latest, *pts;
	int64_t tot[6];
} vigil_store_trend;

int vigil_store__trend_init(vigil_store_trend *t);
/* One history row: its digest, time and counts object (JSON text; damaged ones skipped). */
void vigil_store__trend_add(vigil_store_trend *t, const char *digest, int64_t time,
			    const char *counts);
/* The points (at most maxpts: the last of each equal slice of time) into *out; frees t. */
int vigil_store__trend_finish(json_t **out, vigil_store_trend *t, int maxpts);
void vigil_store__trend_free(vigil_store_trend *t);

/* The overview's totals over every report's findings, fed one image at a time. */
typedef struct vigil_store_findings {
	json_t *kev, *ids;
	int64_t findings, fixable, kevf, kevimg, other[3];
} vigil_store_findings;

int vigil_store__findings_init(vigil_store_findings *f);
/* One image: its findings, fixable and KEV-listed ones, the KEV ids (tab-separated or
 * NULL), and its secrets, malware and misconfigurations. */
void vigil_store__findings_add(vigil_store_findings *f, const char *digest, int64_t findings,
			       int64_t fixable, int64_t kev, const char *kev_ids,
			       const int64_t other[3]);
/* Sets "vulnerabilities" and "other" of `o`; *kev_out maps each digest with KEV-listed
 * findings to their number (the caller's). Frees f. */
int vigil_store__findings_finish(json_t *o, json_t **kev_out, vigil_store_findings *f);
void vigil_store__findings_free(vigil_store_findings *f);

/* An image ranked by risk: KEV-listed findings, then CRITICAL, HIGH, MEDIUM, LOW, rest. */
typedef struct vigil_store_risk_row {
	char digest[80];
	int64_t k[6];
} vigil_store_risk_row;

/* Appends a row to a vigil_vec of vigil_store_risk_row: counts are critical, high, medium,
 * low, negligible + unknown; the KEV number comes from `kev` (digest -> n). */
int vigil_store__risk_push(vigil_vec *v, const char *digest, json_t *kev, const int64_t counts[5]);
/* Sorts the rows riskiest first. */
void vigil_store__risk_sort(vigil_vec *v);

/* {"severity","title","known_exploited"[,"cvss"]} of a vulnerability. */
json_t *vigil_store__vuln_facts(const char *severity, const char *title, int kev, int have_cvss,
				double cvss);

/* Adds image `img` (taken) with the findings (a JSON array of report entries for the id)
 * to `arr`; the first finding also gives *facts. */
int vigil_store__vuln_detail_add(json_t *arr, json_t **facts, json_t *img, const char *findings);
/* {facts..., "id", "images_total", "images"} into *out; takes *facts. */
int vigil_store__vuln_detail_dump(char **out, json_t **facts, const char *id, int64_t total,
				  json_t *arr);

/* One decision of the admission webhook: its columns, with `detail`'s members merged. */
json_t *vigil_store__admission_obj(int64_t id, int64_t time, const char *uid, const char *kind,
				   const char *ns, const char *name, const char *operation,
				   const char *user, int dry_run, int allowed, const char *message,
				   const char *detail);

#endif
