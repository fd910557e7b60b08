/* match.h - internals of the vulnerability matcher, shared with its tests. */
#ifndef VIGIL_MATCH_INTERNAL_H
#define VIGIL_MATCH_INTERNAL_H

#include "internal.h"

/* Where a package is looked up, and how its versions compare. */
typedef struct vigil_match_query {
	char eco[64];	  /* "debian:12", "alpine:3.10", "pypi" */
	const char *name; /* the package key (source name for deb/apk) */
	const char *version;
	vigil_vscheme scheme;
	char namebuf[512], verbuf[128];
} vigil_match_query;

/* Fills q for package p of an image of distribution d; 0 when the package has no
 * ecosystem the database covers (then it is not matched). */
int vigil_match__query(vigil_match_query *q, const vigil_pkg *p, const vigil_distro *d);

/* The distribution key of d for this database (out, n bytes): the distribution's own
 * ("rhel:8", "sles:15.5"), or its fallback ("almalinux:8", "sles:15") when the database
 * has data for the fallback only. 0 when no feed covers the distribution. */
int vigil_match__distro_key(vigil_db *db, char *out, size_t n, const vigil_distro *d);

/* 1 when statement a says `version` is affected; `fixed` (n bytes, may be NULL) gets
 * the version that fixes it: for OSV ranges the fix of the range the version is in,
 * "" when that range has none. */
int vigil_match__affects(vigil_vscheme s, const char *version, const vigil_db_affected *a,
			 char *fixed, size_t n);

/* Rank of a severity name: CRITICAL 5 ... NEGLIGIBLE 1, UNKNOWN / NULL 0. */
int vigil_match__severity_rank(const char *severity);

/* A finding, writable: the policy marks suppressed ones. */
vigil_vuln *vigil_match__get_mut(vigil_match *m, size_t i);

/* A process-wide memo of finished matches (run.c): the match of a package set (every
 * field the matcher reads, in inventory order, with the distribution and the database's
 * build) is kept and copied for the next inventory with the same set, its packages put
 * in. Bounded to `max_entries` (least recently used out; 0 = off); thread-safe. Copies
 * outlive the memo. */
typedef struct vigil_match_memo vigil_match_memo;
int vigil_match_memo_new(vigil_match_memo **out, size_t max_entries);
void vigil_match_memo_free(vigil_match_memo *mm);
void vigil_match_memo_stats(vigil_match_memo *mm, uint64_t *hits, uint64_t *misses);
/* vigil_match_run through the memo (NULL: no memo). */
int vigil_match_run_memo(vigil_match **out, vigil_db *db, const vigil_inventory *inv,
			 vigil_match_memo *mm);

#endif
