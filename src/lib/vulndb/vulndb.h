/*
 * Internal interface of the vulnerability database builder. A feed importer names the
 * archive members it reads and parses one member at a time, adding rows through the
 * vigil_vdb__* helpers; the builder writes a temporary SQLite file and renames it into
 * place only when every requested feed has been imported.
 */
#ifndef VIGIL_VULNDB_H
#define VIGIL_VULNDB_H

#include <sqlite3.h>

#include "../internal.h"

#define VIGIL_DB_SCHEMA_VERSION 5
/* References kept per advisory and feed. */
#define VIGIL_DB_MAX_REFS 4

typedef struct vigil_vdb_build vigil_vdb_build;

/* Gives an open handle to another scan: its errors go to `ctx` from now on (the pipeline's
 * pool of handles kept open between scans). */
void vigil_vdb__set_ctx(vigil_db *d, vigil_ctx *ctx);

typedef struct vigil_feed {
	const char *name;     /* the mirror archive is <name>.tar.gz with a top folder <name>/ */
	const char *upstream; /* where an online update downloads it from (documentation) */
	/* 1 when the member (path inside the archive, without the top folder) is read */
	int (*want)(const char *member);
	/* Parses one member. A malformed record is skipped with vigil_vdb__skipped; a
	 * negative return fails the whole feed. */
	int (*parse)(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len);
	uint64_t max_member; /* larger members fail the feed */
	/* Optional: called once after the last member (failed = 0), or when the import
	 * stopped early (failed = 1: only release what the feed's state holds). For feeds
	 * that merge statements across members; their state lives in *vigil_vdb__state(b). */
	int (*finish)(vigil_vdb_build *b, int failed);
	/* 1: not part of an update without --only (large exports other feeds cover) */
	int opt_in;
} vigil_feed;

/* Statuses of an affected row (SEMANTICS.md). */
#define VIGIL_ST_FIXED "fixed"
#define VIGIL_ST_UNFIXED "unfixed"
#define VIGIL_ST_NOT_AFFECTED "not_affected"
#define VIGIL_ST_WILL_NOT_FIX "will_not_fix"
#define VIGIL_ST_FIX_DEFERRED "fix_deferred"
#define VIGIL_ST_END_OF_LIFE "end_of_life"

/* Adds (or finds) a vulnerability by id; *out is its row id. Title and severity may be NULL. */
int vigil_vdb__vuln(vigil_vdb_build *b, int64_t *out, const char *id, const char *title,
		    const char *severity);
/* vigil_vdb__vuln without recording `severity` as the current feed's rating (for a
 * severity that is not the feed's own, e.g. copied from elsewhere). */
int vigil_vdb__vuln_row(vigil_vdb_build *b, int64_t *out, const char *id, const char *title,
			const char *severity);
/* Adds one affected-package statement of the current feed. */
int vigil_vdb__affected(vigil_vdb_build *b, const char *ecosystem, const char *package,
			int64_t vuln, const char *status, const char *fixed, const char *ranges,
			const char *severity);
/* Records another id (CVE, GHSA) of a vulnerability. */
int vigil_vdb__alias(vigil_vdb_build *b, int64_t vuln, const char *alias);
/* Sets the CVSS vector and base score (0 = unknown) and the publication date
 * ("YYYY-MM-DD..."; may be NULL) of a vulnerability, where no feed has set them yet. */
int vigil_vdb__details(vigil_vdb_build *b, int64_t vuln, const char *cvss_vector, double cvss_score,
		       const char *published);
/* Adds a reference URL of a vulnerability. */
int vigil_vdb__reference(vigil_vdb_build *b, int64_t vuln, const char *url);
/* Records a CVE's EPSS probability and percentile (0-1). */
int vigil_vdb__epss(vigil_vdb_build *b, const char *cve, double score, double percentile);
/* Marks a CVE as known exploited (CISA KEV). */
int vigil_vdb__kev(vigil_vdb_build *b, const char *cve, const char *added, const char *vendor,
		   const char *product, const char *name);
/* Counts one record of the feed (its own unit: a secfix pair, a KEV entry, an OSV file). */
void vigil_vdb__record(vigil_vdb_build *b);
/* Counts a malformed record that was skipped. */
void vigil_vdb__skipped(vigil_vdb_build *b, const char *member, const char *what);
/* Sets the feed's source date (catalog version, commit date) when the data names one. */
void vigil_vdb__source_date(vigil_vdb_build *b, const char *date);

/* A slot for the current feed's own state between members (NULL at the feed's start). */
void **vigil_vdb__state(vigil_vdb_build *b);
/* Adds an end-of-security-support statement (debian-security-support). */
int vigil_vdb__support(vigil_vdb_build *b, const char *ecosystem, const char *package,
		       const char *version, const char *date, const char *note, int limited);

extern const vigil_feed vigil_feed_kev, vigil_feed_alpine_secdb, vigil_feed_golang,
	vigil_feed_almalinux, vigil_feed_debian_changelog;
extern const vigil_feed vigil_feed_pypa, vigil_feed_rustsec, vigil_feed_rubyadv, vigil_feed_phpadv,
	vigil_feed_nodejs, vigil_feed_ubuntu_osv;
extern const vigil_feed vigil_feed_debtracker, vigil_feed_debsupport, vigil_feed_ubuntu,
	vigil_feed_wolfi, vigil_feed_azurelinux;
extern const vigil_feed vigil_feed_osv, vigil_feed_nvd, vigil_feed_epss, vigil_feed_alas;
extern const vigil_feed vigil_feed_redhat_oval, vigil_feed_oracle_oval, vigil_feed_suse_oval,
	vigil_feed_rocky_osv, vigil_feed_osv_distros;

/* For tests and fuzzers: runs one feed parser on `data` as the member `member` into an
 * in-memory database; *records and *skipped get the counts (may be NULL). */
int vigil_vdb__parse_buffer(const vigil_feed *f, const char *member, const uint8_t *data,
			    size_t len, uint64_t *records, uint64_t *skipped);

#endif
