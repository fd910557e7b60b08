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
	double epss, epss_percentile;  /* FIRST EPSS probability and percentile; -1 unknown */
} vigil_vuln;

typedef struct vigil_match vigil_match;

/* Matches every package of `inv` against `db`. The result borrows from `inv`, which
 * must outlive it. Vulnerabilities are sorted by package, then severity, then id. */
int vigil_match_run(vigil_match **out, vigil_db *db, const vigil_inventory *inv);
/* When the database has no data for the distribution `d` (Amazon Linux, SUSE, or a
 * release no feed covers), writes a warning into msg and returns 1; 0 when it is
 * covered or there is no distribution; a negative error. */
int vigil_match_distro_uncovered(vigil_db *db, const vigil_distro *d, char *msg, size_t n);
size_t vigil_match_count(const vigil_match *m);
const vigil_vuln *vigil_match_get(const vigil_match *m, size_t i);
void vigil_match_free(vigil_match *m);

/* ---- policy: ignore rules, OpenVEX, check settings ---------------------------------- */

typedef struct vigil_policy vigil_policy;

/*
 * Loads a policy file (YAML, documented in docs/policy.md):
 *   ignore:            findings to suppress, each with a reason and an optional expiry
 *     - id: CVE-2024-1234        (a vulnerability id or alias, a secret rule, a YARA rule,
 *       package: openssl          a check id; every key given must match)
 *       path: "/app/..."          (glob on the package location or the finding's path)
 *       layer: 3                  (index, or a diff_id prefix "sha256:ab12")
 *       fingerprint: ...          (a secret's fingerprint)
 *       reason: "not reachable"
 *       expires: 2026-12-31       (after that day the rule stops applying, with a warning)
 *   checks: {skip: [VGL-IMG-002], severity: {VGL-IMG-001: LOW}}
 * VIGIL_EFORMAT with the line for a malformed file. `today` ("YYYY-MM-DD", NULL = the
 * current UTC date) decides expiry.
 */
int vigil_policy_load(vigil_policy **out, vigil_ctx *ctx, const char *path, const char *today);
/* An empty policy, to which VEX documents can be added. */
int vigil_policy_new(vigil_policy **out, vigil_ctx *ctx, const char *today);
/* Adds an OpenVEX document: its not_affected and fixed statements suppress findings
 * of the products (purls) they name, with the justification shown. */
int vigil_policy_add_vex(vigil_policy *p, const char *path);
/* The check settings (skip, severity) for the misconfiguration scanners. Borrowed. */
const vigil_config_opts *vigil_policy_config_opts(const vigil_policy *p);
/* Adds trust rules (command-line options) to those of the policy file. The strings are
 * copied. */
int vigil_policy_add_trust(vigil_policy *p, const vigil_trust_policy *extra);
/* The trust rules (trust: section plus vigil_policy_add_trust). Borrowed. */
const vigil_trust_policy *vigil_policy_trust(const vigil_policy *p);
void vigil_policy_free(vigil_policy *p);

/* ---- reports ------------------------------------------------------------------------ */

typedef struct vigil_report vigil_report;

/* Gate and filter: findings below `severities` or (ignore_unfixed) without a fix are
 * left out of the report; what remains after the policy decides the exit code. */
typedef struct vigil_report_opts {
	const char *severities; /* comma-separated: "HIGH,CRITICAL"; NULL = all */
	int ignore_unfixed;
	int color;	      /* ANSI colours in the table */
	const char *db_built; /* shown in the report when vulnerabilities were matched */
} vigil_report_opts;

#define VIGIL_REPORT_OPTS_INIT                                                                     \
	{                                                                                          \
		NULL, 0, 0, NULL                                                                   \
	}

/* How a report is written, beyond its format (docs/ci.md). */
typedef struct vigil_write_opts {
	const char *template_path; /* format "template": the template file */
	int show_suppressed;	   /* table: list suppressed findings with their reason */
	int width;		   /* table: the terminal's columns; 0 = no limit */
	int licenses;		   /* table: add the packages' licences */
} vigil_write_opts;

#define VIGIL_WRITE_OPTS_INIT                                                                      \
	{                                                                                          \
		NULL, 0, 0, 0                                                                      \
	}

/* A report of one target. The parts are borrowed; any may be NULL (that scanner did not
 * run). `img` and `inv` may be NULL for configuration-only reports. */
int vigil_report_new(vigil_report **out, vigil_ctx *ctx, const char *target, vigil_image *img,
		     const vigil_inventory *inv, const vigil_report_opts *opts);
void vigil_report_set_vulns(vigil_report *r, vigil_match *m);
void vigil_report_set_secrets(vigil_report *r, const vigil_secret_scan *s);
void vigil_report_set_malware(vigil_report *r, const vigil_malware_scan *s);
/* May be called several times (one result per scanned path). */
void vigil_report_set_config(vigil_report *r, const vigil_config_result *c);
/* The trust policy's findings (kind "trust"); borrowed. */
void vigil_report_set_trust(vigil_report *r, const vigil_trust_findings *t);
/* Adds a warning shown in the report (and on stderr by the caller). */
int vigil_report_warn(vigil_report *r, const char *msg);
/* Applies the filters and the policy (may be NULL); warnings of expired rules are added
 * to the report. Call once, after the parts are set. */
int vigil_report_apply(vigil_report *r, const vigil_policy *p);
/* Findings that pass the filters and are not suppressed. */
size_t vigil_report_failing(const vigil_report *r);

/* format: "table", "json", "sarif", "junit", "cyclonedx", "html". VIGIL_EINVAL for another. */
int vigil_report_write(FILE *f, vigil_report *r, const char *format);
/* The same with options; formats also "gitlab" (container scanning), "gitlab-dependency"
 * (language packages) and "template" (opts->template_path; VIGIL_EFORMAT with the line for
 * a malformed template). `opts` may be NULL. */
int vigil_report_write_ext(FILE *f, vigil_report *r, const char *format,
			   const vigil_write_opts *opts);
void vigil_report_free(vigil_report *r);
/* A report read back from Vigil's scan JSON (docs/scan-json.md), for writing it in another
 * format without the image (`vigil convert`); `opts` filters again (severities, unfixed).
 * VIGIL_EFORMAT for a file that is not such a report, VIGIL_ELIMIT past 512 MiB. CycloneDX
 * cannot be written from it (it needs the image). Free with vigil_report_free. */
int vigil_report_load_json(vigil_report **out, vigil_ctx *ctx, const char *path,
			   const vigil_report_opts *opts);

#endif
