/*
 * vigil/scan.h - vulnerability matching, policy (ignores, VEX, gates) and scan
 * reports. Included by vigil.h.
 */
#ifndef VIGIL_SCAN_H
#define VIGIL_SCAN_H

/* ---- matching ------------------------------------------------------------------------ */

typedef struct vigil_vuln {
	const char *id;		       /* the CVE when there is one, else the advisory id */
	const char *const *aliases;    /* other ids (advisories naming it), NULL-terminated */
	const char *title;	       /* may be NULL */
	const char *status;	       /* fixed, unfixed, will_not_fix, fix_deferred, end_of_life */
	const char *fixed;	       /* fixed version, or NULL */
	const char *severity;	       /* CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE, UNKNOWN */
	const char *severity_source;   /* the feed it came from ("debian-security-tracker") */
	const char *cvss_vector;       /* may be NULL */
	double cvss_score;	       /* 0 when unknown */
	int kev;		       /* in CISA's Known Exploited Vulnerabilities catalog */
	const char *const *references; /* URLs, NULL-terminated */
	const char *const *feeds;      /* feeds with a statement, NULL-terminated */
	const vigil_pkg *pkg;	       /* the affected package (borrowed from the inventory) */
	const char *suppressed;	       /* NULL, or why the policy / VEX suppressed it */
} vigil_vuln;

typedef struct vigil_match vigil_match;

/* Matches every package of `inv` against `db`. The result borrows from `inv`, which
 * must outlive it. Vulnerabilities are sorted by package, then severity, then id. */
int vigil_match_run(vigil_match **out, vigil_db *db, const vigil_inventory *inv);
size_t vigil_match_count(const vigil_match *m);
const vigil_vuln *vigil_match_get(const vigil_match *m, size_t i);
void vigil_match_free(vigil_match *m);

#endif
