/*
 * findings.c - the adapters from each scanner's own results (vulnerability match,
 * secrets, malware, configuration checks) to the uniform vigil_finding that the report
 * and its writers read. The only place that knows the scanners' accessors.
 */
#include "match/match.h"
#include "policy/policy.h"
#include "report/report.h"

static int add_vulns(vigil_report *r, const vigil_policy *p)
{
	int error = 0;
	for (size_t i = 0; i < vigil_match_count(r->vulns) && error == 0; i++) {
		vigil_vuln *v = vigil_match__get_mut(r->vulns, i);
		const char *diff_id = vigil_report__diff_id(r, v->pkg->layer);
		vigil_finding f = {VIGIL_FINDING_VULN,
				   v->id,
				   v->severity,
				   v->title,
				   v->pkg->location,
				   v->pkg,
				   v->pkg->layer,
				   diff_id,
				   NULL,
				   0,
				   v->fixed != NULL,
				   v};
		vigil_policy_subject s = {
			v->id,	       v->aliases, v->pkg->name, v->pkg->purl, v->pkg->location,
			v->pkg->layer, diff_id,	   NULL};
		if ((error = vigil_report__add(r, &f, p, &s)) == 0) /* the vuln shows it too */
			v->suppressed = VIGIL_VEC_AT(&r->entries, vigil_finding, r->entries.len - 1)
						.suppressed;
	}
	return error;
}

static int add_secrets(vigil_report *r, const vigil_policy *p)
{
	int error = 0;
	for (size_t i = 0; i < vigil_secret_scan_count(r->secrets) && error == 0; i++) {
		const vigil_secret_finding *x = vigil_secret_scan_get(r->secrets, i);
		const char *diff_id = vigil_report__diff_id(r, x->layer);
		vigil_finding f = {VIGIL_FINDING_SECRET,
				   x->rule_id,
				   x->severity,
				   x->title,
				   x->path,
				   NULL,
				   x->layer,
				   diff_id,
				   NULL,
				   0,
				   1,
				   x};
		vigil_policy_subject s = {x->rule_id, NULL,	NULL,	 NULL,
					  x->path,    x->layer, diff_id, x->fingerprint};
		error = vigil_report__add(r, &f, p, &s);
	}
	return error;
}

static int add_malware(vigil_report *r, const vigil_policy *p)
{
	int error = 0;
	for (size_t i = 0; i < vigil_malware_scan_count(r->malware) && error == 0; i++) {
		const vigil_malware_finding *x = vigil_malware_scan_get(r->malware, i);
		const char *diff_id = vigil_report__diff_id(r, x->layer);
		vigil_finding f = {VIGIL_FINDING_MALWARE,
				   x->rule,
				   x->severity,
				   x->title,
				   x->path,
				   NULL,
				   x->layer,
				   diff_id,
				   NULL,
				   0,
				   1,
				   x};
		vigil_policy_subject s = {x->rule, NULL,     NULL,    NULL,
					  x->path, x->layer, diff_id, x->sha256};
		error = vigil_report__add(r, &f, p, &s);
	}
	return error;
}

static int add_config(vigil_report *r, const vigil_policy *p, const vigil_config_result *c)
{
	int error = 0;
	for (size_t i = 0; i < vigil_config_result_count(c) && error == 0; i++) {
		const vigil_config_finding *x = vigil_config_result_get(c, i);
		const char *diff_id = vigil_report__diff_id(r, x->layer);
		vigil_finding f = {VIGIL_FINDING_CONFIG,
				   x->check->id,
				   x->severity,
				   x->check->title,
				   x->file,
				   NULL,
				   x->layer,
				   diff_id,
				   NULL,
				   0,
				   1,
				   x};
		vigil_policy_subject s = {x->check->id, NULL,	  NULL,	   NULL,
					  x->file,	x->layer, diff_id, NULL};
		error = vigil_report__add(r, &f, p, &s);
	}
	return error;
}

static int add_trust(vigil_report *r, const vigil_policy *p)
{
	int error = 0;
	for (size_t i = 0; i < vigil_trust_findings_count(r->trust) && error == 0; i++) {
		const vigil_config_finding *x = vigil_trust_findings_get(r->trust, i);
		vigil_finding f = {VIGIL_FINDING_TRUST,
				   x->check->id,
				   x->severity,
				   x->check->title,
				   NULL,
				   NULL,
				   -1,
				   NULL,
				   NULL,
				   0,
				   1,
				   x};
		vigil_policy_subject s = {x->check->id, NULL, NULL, NULL, NULL, -1, NULL, NULL};
		error = vigil_report__add(r, &f, p, &s);
	}
	return error;
}

int vigil_pipeline__collect(vigil_report *r, const vigil_policy *p)
{
	int error;
	if ((error = add_vulns(r, p)) < 0 || (error = add_secrets(r, p)) < 0 ||
	    (error = add_malware(r, p)) < 0)
		return error;
	for (size_t k = 0; k < r->configs.len && error == 0; k++)
		error = add_config(r, p, VIGIL_VEC_AT(&r->configs, const vigil_config_result *, k));
	if (error == 0)
		error = add_trust(r, p);
	return error;
}
