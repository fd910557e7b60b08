/* report.h - the report of one scan, shared by its writers (table, JSON, SARIF, JUnit,
 * CycloneDX). */
#ifndef VIGIL_REPORT_INTERNAL_H
#define VIGIL_REPORT_INTERNAL_H

#include "internal.h"

enum {
	VIGIL_K_VULN = 0,
	VIGIL_K_SECRET,
	VIGIL_K_MALWARE,
	VIGIL_K_CONFIG,
	VIGIL_K_TRUST,
	VIGIL_K_COUNT
};

/* One finding of any scanner, as the writers see it. */
typedef struct vigil_rentry {
	int kind;
	const void *f; /* vigil_vuln, vigil_secret_finding, ... */
	const char *id;
	const char *severity;
	const char *suppressed; /* why, or NULL */
	int shown;		/* passes the severity / unfixed filters */
} vigil_rentry;

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
	vigil_vec entries;  /* vigil_rentry, per kind in scanner order */
	vigil_vec warnings; /* const char * */
	int ran[VIGIL_K_COUNT];
	size_t failing;
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

int vigil_report__sarif(FILE *f, vigil_report *r);
int vigil_report__junit(FILE *f, vigil_report *r);
int vigil_report__table(FILE *f, vigil_report *r);
/* CycloneDX 1.6 with a vulnerabilities array (in sbom.c). */
int vigil_sbom__cyclonedx(FILE *f, const vigil_inventory *inv, vigil_image *img, const char *name,
			  void (*extra)(vigil_jsonw *w, void *payload), void *payload);

#endif
