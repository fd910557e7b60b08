/* report.h - the report of one scan, shared by its writers (table, JSON, SARIF, JUnit,
 * CycloneDX). */
#ifndef VIGIL_REPORT_INTERNAL_H
#define VIGIL_REPORT_INTERNAL_H

#include "internal.h"

/* The report's kinds are the finding kinds it writes (runtime comes later). */
enum {
	VIGIL_K_VULN = VIGIL_FINDING_VULN,
	VIGIL_K_SECRET = VIGIL_FINDING_SECRET,
	VIGIL_K_MALWARE = VIGIL_FINDING_MALWARE,
	VIGIL_K_CONFIG = VIGIL_FINDING_CONFIG,
	VIGIL_K_TRUST = VIGIL_FINDING_TRUST,
	VIGIL_K_COUNT
};

struct vigil_report {
	vigil_ctx *ctx;
	vigil_arena arena;
	const char *target;
	vigil_image *img;
	const vigil_inventory *inv;
	vigil_report_opts opts;
	vigil_match *vulns;
	const vigil_secret_scan *secrets;
	const vigil_malware_scan *malware;
	vigil_vec configs; /* const vigil_config_result * */
	const vigil_trust_findings *trust;
	vigil_vec entries;  /* vigil_finding, per kind in scanner order */
	vigil_vec warnings; /* const char * */
	int ran[VIGIL_K_COUNT];
	size_t failing;
	vigil_write_opts wopts; /* set for the duration of one vigil_report_write_ext */
};

/* Names used in every format. */
extern const char *const VIGIL_KIND_NAMES[VIGIL_K_COUNT];
/* "present", "deleted", "overwritten" */
const char *vigil_report__status(vigil_fstatus s);
/* Counts of shown, unsuppressed findings per severity rank (0 UNKNOWN .. 5 CRITICAL). */
void vigil_report__counts(const vigil_report *r, int kind, size_t out[6]);
/* The diff_id and created_by of a layer, or NULL. */
const char *vigil_report__diff_id(const vigil_report *r, int layer);
const char *vigil_report__created_by(const vigil_report *r, int layer);
/* A package's lockfile dependency flags as JSON members ("direct", "dev", "optional"),
 * only those the format recorded (scan.c; the scan and SBOM JSON writers). */
void vigil_report__pkg_flags(vigil_jsonw *w, const vigil_pkg *p);

/* The one way a finding enters the report: copies `f`, decides `shown` from the filters
 * and `suppressed` from the policy (may be NULL) matching `subject`. */
struct vigil_policy_subject;
int vigil_report__add(vigil_report *r, const vigil_finding *f, const vigil_policy *p,
		      const struct vigil_policy_subject *subject);
/* Turns the parts set on the report (match, secret, malware, config results) into
 * findings through vigil_report__add (src/lib/pipeline/findings.c). */
int vigil_pipeline__collect(vigil_report *r, const vigil_policy *p);

int vigil_report__sarif(FILE *f, vigil_report *r);
/* ci.c: GitLab reports (dependency: language packages only), the template output and a
 * finding's stable fingerprint (64 hex digits). */
int vigil_report__gitlab(FILE *f, vigil_report *r, int dependency);
int vigil_report__template(FILE *f, vigil_report *r, const char *path);
int vigil_report__fingerprint(char out[65], const vigil_finding *e);
int vigil_report__junit(FILE *f, vigil_report *r);
int vigil_report__table(FILE *f, vigil_report *r);
/* One self-contained HTML page (html.c). */
int vigil_report__html(FILE *f, vigil_report *r);
/* CycloneDX 1.6 with a vulnerabilities array (in sbom.c). */
int vigil_sbom__cyclonedx(FILE *f, const vigil_inventory *inv, vigil_image *img, const char *name,
			  void (*extra)(vigil_jsonw *w, void *payload), void *payload);

#endif
