/*
 * scan.c - the report of one scan: collects the findings of every scanner, applies the
 * severity / unfixed filters and the policy (ignore rules, VEX), decides the gate, and
 * writes Vigil's JSON (documented in docs/scan-json.md); the other formats are in
 * table.c, sarif.c and (CycloneDX) sbom.c.
 */
#include <stdlib.h>
#include <string.h>

#include "match/match.h"
#include "policy/policy.h"
#include "report/report.h"

const char *const VIGIL_KIND_NAMES[VIGIL_K_COUNT] = {"vulnerability", "secret", "malware",
						     "misconfiguration", "trust"};

int vigil_report_new(vigil_report **out, vigil_ctx *ctx, const char *target, vigil_image *img,
		     const vigil_inventory *inv, const vigil_report_opts *opts)
{
	static const vigil_report_opts defaults = VIGIL_REPORT_OPTS_INIT;
	vigil_report *r = calloc(1, sizeof(*r));
	*out = NULL;
	if (!r)
		return VIGIL_ENOMEM;
	r->ctx = ctx;
	vigil_arena_init(&r->arena);
	r->target = vigil_arena_strdup(&r->arena, target ? target : "");
	r->img = img;
	r->inv = inv;
	r->opts = opts ? *opts : defaults;
	r->entries = (vigil_vec)VIGIL_VEC_INIT(vigil_finding);
	r->warnings = (vigil_vec)VIGIL_VEC_INIT(const char *);
	r->configs = (vigil_vec)VIGIL_VEC_INIT(const vigil_config_result *);
	if (!r->target) {
		vigil_report_free(r);
		return VIGIL_ENOMEM;
	}
	*out = r;
	return 0;
}

void vigil_report_free(vigil_report *r)
{
	if (!r)
		return;
	vigil_vec_free(&r->entries);
	vigil_vec_free(&r->warnings);
	vigil_vec_free(&r->configs);
	vigil_arena_clear(&r->arena);
	free(r);
}

void vigil_report_set_vulns(vigil_report *r, vigil_match *m)
{
	r->vulns = m;
	r->ran[VIGIL_K_VULN] = 1;
}

void vigil_report_set_secrets(vigil_report *r, const vigil_secret_scan *s)
{
	r->secrets = s;
	r->ran[VIGIL_K_SECRET] = 1;
}

void vigil_report_set_malware(vigil_report *r, const vigil_malware_scan *s)
{
	r->malware = s;
	r->ran[VIGIL_K_MALWARE] = 1;
}

void vigil_report_set_config(vigil_report *r, const vigil_config_result *c)
{
	const vigil_config_result **slot;
	r->ran[VIGIL_K_CONFIG] = 1;
	if (c && (slot = vigil_vec_push(&r->configs))) /* on ENOMEM the part is missing */
		*slot = c;
}

void vigil_report_set_trust(vigil_report *r, const vigil_trust_findings *t)
{
	r->trust = t;
	r->ran[VIGIL_K_TRUST] = 1;
}

int vigil_report_warn(vigil_report *r, const char *msg)
{
	for (size_t i = 0; i < r->warnings.len; i++)
		if (strcmp(VIGIL_VEC_AT(&r->warnings, const char *, i), msg) == 0)
			return 0;
	const char **slot = vigil_vec_push(&r->warnings);
	if (!slot || !(*slot = vigil_arena_strdup(&r->arena, msg)))
		return VIGIL_ENOMEM;
	return 0;
}

static void on_expired(const char *msg, void *payload)
{
	vigil_report *r = payload;
	int fresh = 1;
	for (size_t i = 0; i < r->warnings.len; i++)
		fresh &= strcmp(VIGIL_VEC_AT(&r->warnings, const char *, i), msg) != 0;
	if (fresh) {
		vigil_warn(r->ctx, "%s", msg);
		vigil_report_warn(r, msg);
	}
}

const char *vigil_report__status(vigil_fstatus s)
{
	return s == VIGIL_FS_DELETED	   ? "deleted"
	       : s == VIGIL_FS_OVERWRITTEN ? "overwritten"
					   : "present";
}

const char *vigil_report__diff_id(const vigil_report *r, int layer)
{
	const vigil_layer_info *l = r->img && layer >= 0 ? vigil_image_layer(r->img, layer) : NULL;
	return l ? l->diff_id : NULL;
}

const char *vigil_report__created_by(const vigil_report *r, int layer)
{
	const vigil_layer_info *l = r->img && layer >= 0 ? vigil_image_layer(r->img, layer) : NULL;
	return l ? l->created_by : NULL;
}

/* "HIGH,CRITICAL" contains sev? A NULL list contains everything. */
static int wanted(const char *list, const char *sev)
{
	size_t n = strlen(sev);
	for (const char *p = list; p && *p;) {
		size_t l = strcspn(p, ",");
		if (l == n && strncasecmp(p, sev, n) == 0)
			return 1;
		p += l + (p[l] == ',');
	}
	return list == NULL;
}

int vigil_report__add(vigil_report *r, const vigil_finding *f, const vigil_policy *p,
		      const vigil_policy_subject *subject)
{
	vigil_finding *e = vigil_vec_push(&r->entries);
	if (!e)
		return VIGIL_ENOMEM;
	*e = *f;
	e->severity = f->severity ? f->severity : "UNKNOWN";
	e->shown =
		wanted(r->opts.severities, e->severity) && !(r->opts.ignore_unfixed && !f->fixable);
	e->suppressed = vigil_policy__suppress(p, subject, on_expired, r);
	if (e->shown && !e->suppressed)
		r->failing++;
	return 0;
}

int vigil_report_apply(vigil_report *r, const vigil_policy *p)
{
	return vigil_pipeline__collect(r, p);
}

size_t vigil_report_failing(const vigil_report *r)
{
	return r ? r->failing : 0;
}

size_t vigil_report_finding_count(const vigil_report *r)
{
	return r ? r->entries.len : 0;
}

const vigil_finding *vigil_report_finding(const vigil_report *r, size_t i)
{
	return r && i < r->entries.len ? &VIGIL_VEC_AT(&r->entries, vigil_finding, i) : NULL;
}

void vigil_report__counts(const vigil_report *r, int kind, size_t out[6])
{
	memset(out, 0, 6 * sizeof(size_t));
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		if (e->kind == kind && e->shown && !e->suppressed)
			out[vigil_match__severity_rank(e->severity)]++;
	}
}

/* ---- JSON ---- */

static void kv(vigil_jsonw *w, const char *k, const char *v)
{
	vigil_jsonw_key(w, k);
	vigil_jsonw_str(w, v);
}

static void ki(vigil_jsonw *w, const char *k, int64_t v)
{
	vigil_jsonw_key(w, k);
	vigil_jsonw_int(w, v);
}

static void strv(vigil_jsonw *w, const char *k, const char *const *v)
{
	vigil_jsonw_key(w, k);
	vigil_jsonw_arr_begin(w);
	for (; v && *v; v++)
		vigil_jsonw_str(w, *v);
	vigil_jsonw_arr_end(w);
}

static void layer_obj(vigil_jsonw *w, const vigil_report *r, int layer)
{
	vigil_jsonw_key(w, "layer");
	if (layer < 0) {
		vigil_jsonw_null(w);
		return;
	}
	vigil_jsonw_obj_begin(w);
	ki(w, "index", layer);
	kv(w, "diff_id", vigil_report__diff_id(r, layer));
	kv(w, "created_by", vigil_report__created_by(r, layer));
	vigil_jsonw_obj_end(w);
}

/* a lockfile's dependency flags, only where the format records them */
void vigil_report__pkg_flags(vigil_jsonw *w, const vigil_pkg *p)
{
	if (p->flags & (VIGIL_PKG_DIRECT | VIGIL_PKG_INDIRECT)) {
		vigil_jsonw_key(w, "direct");
		vigil_jsonw_bool(w, (p->flags & VIGIL_PKG_DIRECT) != 0);
	}
	if (p->flags & VIGIL_PKG_DEV) {
		vigil_jsonw_key(w, "dev");
		vigil_jsonw_bool(w, 1);
	}
	if (p->flags & VIGIL_PKG_OPTIONAL) {
		vigil_jsonw_key(w, "optional");
		vigil_jsonw_bool(w, 1);
	}
}

static void pkg_obj(vigil_jsonw *w, const vigil_pkg *p)
{
	vigil_jsonw_obj_begin(w);
	kv(w, "name", p->name);
	kv(w, "version", p->version);
	kv(w, "type", p->type);
	kv(w, "purl", p->purl);
	kv(w, "source_name", p->source_name);
	kv(w, "source_version", p->source_version);
	kv(w, "location", p->location);
	vigil_report__pkg_flags(w, p);
	vigil_jsonw_obj_end(w);
}

static void vuln_json(vigil_jsonw *w, const vigil_report *r, const vigil_vuln *v)
{
	vigil_jsonw_obj_begin(w);
	kv(w, "id", v->id);
	strv(w, "aliases", v->aliases);
	kv(w, "title", v->title);
	kv(w, "severity", v->severity);
	kv(w, "severity_source", v->severity_source);
	vigil_jsonw_key(w, "cvss");
	if (v->cvss_vector || v->cvss_score > 0) {
		vigil_jsonw_obj_begin(w);
		kv(w, "vector", v->cvss_vector);
		vigil_jsonw_key(w, "score");
		vigil_jsonw_fixed1(w, v->cvss_score);
		vigil_jsonw_obj_end(w);
	} else {
		vigil_jsonw_null(w);
	}
	vigil_jsonw_key(w, "epss"); /* FIRST EPSS: probability of exploitation in 30 days */
	if (v->epss >= 0) {
		vigil_jsonw_obj_begin(w);
		vigil_jsonw_key(w, "score");
		vigil_jsonw_fixed5(w, v->epss);
		vigil_jsonw_key(w, "percentile");
		vigil_jsonw_fixed5(w, v->epss_percentile);
		vigil_jsonw_obj_end(w);
	} else {
		vigil_jsonw_null(w);
	}
	vigil_jsonw_key(w, "known_exploited");
	vigil_jsonw_bool(w, v->kev);
	kv(w, "status", v->status);
	kv(w, "fixed_version", v->fixed);
	vigil_jsonw_key(w, "package");
	pkg_obj(w, v->pkg);
	layer_obj(w, r, v->pkg->layer);
	strv(w, "feeds", v->feeds);
	strv(w, "references", v->references);
	vigil_jsonw_obj_end(w);
}

static void secret_json(vigil_jsonw *w, const vigil_report *r, const vigil_secret_finding *f)
{
	vigil_jsonw_obj_begin(w);
	kv(w, "rule_id", f->rule_id);
	kv(w, "category", f->category);
	kv(w, "title", f->title);
	kv(w, "severity", f->severity);
	kv(w, "source", f->source);
	kv(w, "path", f->path);
	ki(w, "line", f->line);
	ki(w, "layer", f->layer);
	kv(w, "status", vigil_report__status(f->status));
	ki(w, "removed_by", f->removed_by);
	kv(w, "redacted", f->redacted);
	kv(w, "fingerprint", f->fingerprint);
	kv(w, "diff_id", vigil_report__diff_id(r, f->layer));
	vigil_jsonw_obj_end(w);
}

static void malware_json(vigil_jsonw *w, const vigil_report *r, const vigil_malware_finding *f)
{
	vigil_jsonw_obj_begin(w);
	kv(w, "engine", f->engine);
	kv(w, "rule", f->rule);
	kv(w, "category", f->category);
	kv(w, "severity", f->severity);
	kv(w, "title", f->title);
	kv(w, "path", f->path);
	kv(w, "sha256", f->sha256);
	ki(w, "layer", f->layer);
	kv(w, "status", vigil_report__status(f->status));
	ki(w, "removed_by", f->removed_by);
	kv(w, "diff_id", vigil_report__diff_id(r, f->layer));
	vigil_jsonw_obj_end(w);
}

static void config_json(vigil_jsonw *w, const vigil_config_finding *f)
{
	vigil_jsonw_obj_begin(w);
	kv(w, "id", f->check->id);
	kv(w, "cis", f->check->cis);
	kv(w, "refs", f->check->refs);
	kv(w, "kind", f->check->kind);
	kv(w, "severity", f->severity);
	kv(w, "title", f->check->title);
	kv(w, "message", f->message);
	kv(w, "file", f->file);
	ki(w, "line", f->line);
	kv(w, "object", f->object);
	ki(w, "layer", f->layer);
	kv(w, "remediation", f->check->remediation);
	vigil_jsonw_obj_end(w);
}

static void entry_json(vigil_jsonw *w, const vigil_report *r, const vigil_finding *e)
{
	switch (e->kind) {
	case VIGIL_K_VULN:
		vuln_json(w, r, e->detail);
		break;
	case VIGIL_K_SECRET:
		secret_json(w, r, e->detail);
		break;
	case VIGIL_K_MALWARE:
		malware_json(w, r, e->detail);
		break;
	default:
		config_json(w, e->detail);
	}
}

static void image_json(vigil_jsonw *w, const vigil_report *r)
{
	vigil_jsonw_key(w, "image");
	vigil_jsonw_obj_begin(w);
	kv(w, "name", r->target);
	if (r->img) {
		const vigil_distro *d = r->inv ? vigil_inventory_distro(r->inv) : NULL;
		kv(w, "format", vigil_image_format(r->img));
		kv(w, "manifest_digest", vigil_image_manifest_digest(r->img));
		kv(w, "config_digest", vigil_image_config_digest(r->img));
		vigil_jsonw_key(w, "os");
		if (d && d->id) {
			vigil_jsonw_obj_begin(w);
			kv(w, "id", d->id);
			kv(w, "version_id", d->version_id);
			kv(w, "pretty_name", d->pretty_name);
			vigil_jsonw_key(w, "end_of_life");
			vigil_jsonw_bool(w, d->eol);
			vigil_jsonw_obj_end(w);
		} else {
			vigil_jsonw_null(w);
		}
		ki(w, "layers", vigil_image_layer_count(r->img));
	}
	vigil_jsonw_obj_end(w);
}

static const char *const SECTION[VIGIL_K_COUNT] = {"vulnerabilities", "secrets", "malware",
						   "misconfigurations", "trust"};
static const char *const RANKS[6] = {"UNKNOWN", "NEGLIGIBLE", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

static int write_json(FILE *f, vigil_report *r)
{
	vigil_jsonw w;
	vigil_jsonw_init(&w, f, 2);
	vigil_jsonw_obj_begin(&w);
	kv(&w, "vigil_version", VIGIL_VERSION);
	image_json(&w, r);
	if (r->opts.db_built && r->ran[VIGIL_K_VULN]) {
		vigil_jsonw_key(&w, "database");
		vigil_jsonw_obj_begin(&w);
		kv(&w, "built", r->opts.db_built);
		vigil_jsonw_obj_end(&w);
	}
	vigil_jsonw_key(&w, "packages");
	vigil_jsonw_arr_begin(&w);
	for (size_t i = 0; r->inv && i < vigil_inventory_count(r->inv); i++)
		pkg_obj(&w, vigil_inventory_pkg(r->inv, i));
	vigil_jsonw_arr_end(&w);
	for (int k = 0; k < VIGIL_K_COUNT; k++) {
		if (k == VIGIL_K_TRUST && !r->ran[k])
			continue; /* present only when a trust policy was given */
		vigil_jsonw_key(&w, SECTION[k]);
		if (!r->ran[k]) {
			vigil_jsonw_null(&w); /* the scanner did not run */
			continue;
		}
		vigil_jsonw_arr_begin(&w);
		for (size_t i = 0; i < r->entries.len; i++) {
			const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
			if (e->kind == k && e->shown && !e->suppressed)
				entry_json(&w, r, e);
		}
		vigil_jsonw_arr_end(&w);
	}
	vigil_jsonw_key(&w, "suppressed");
	vigil_jsonw_arr_begin(&w);
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		if (!e->shown || !e->suppressed)
			continue;
		vigil_jsonw_obj_begin(&w);
		kv(&w, "kind", VIGIL_KIND_NAMES[e->kind]);
		kv(&w, "id", e->id);
		kv(&w, "reason", e->suppressed);
		vigil_jsonw_key(&w, "finding");
		entry_json(&w, r, e);
		vigil_jsonw_obj_end(&w);
	}
	vigil_jsonw_arr_end(&w);
	vigil_jsonw_key(&w, "summary");
	vigil_jsonw_obj_begin(&w);
	for (int k = 0; k < VIGIL_K_COUNT; k++) {
		size_t c[6];
		if (!r->ran[k])
			continue;
		vigil_report__counts(r, k, c);
		vigil_jsonw_key(&w, SECTION[k]);
		vigil_jsonw_obj_begin(&w);
		for (int s = 5; s >= 0; s--) {
			vigil_jsonw_key(&w, RANKS[s]);
			vigil_jsonw_uint(&w, c[s]);
		}
		vigil_jsonw_obj_end(&w);
	}
	vigil_jsonw_key(&w, "failing");
	vigil_jsonw_uint(&w, r->failing);
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_key(&w, "warnings");
	vigil_jsonw_arr_begin(&w);
	for (size_t i = 0; i < r->warnings.len; i++)
		vigil_jsonw_str(&w, VIGIL_VEC_AT(&r->warnings, const char *, i));
	const char *const *iw = r->img ? vigil_image_warnings(r->img) : NULL;
	for (; iw && *iw; iw++)
		vigil_jsonw_str(&w, *iw);
	vigil_jsonw_arr_end(&w);
	vigil_jsonw_obj_end(&w);
	vigil_jsonw_end(&w);
	return ferror(f) ? VIGIL_EIO : 0;
}

/* ---- CycloneDX: the SBOM with a vulnerabilities array ---- */

static void cdx_analysis(vigil_jsonw *w, const vigil_finding *e, const vigil_vuln *v);

static void cdx_vulns(vigil_jsonw *w, void *payload)
{
	vigil_report *r = payload;
	vigil_jsonw_key(w, "vulnerabilities");
	vigil_jsonw_arr_begin(w);
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const vigil_vuln *v = e->detail;
		char ref[32] = "";
		if (e->kind != VIGIL_K_VULN || !e->shown)
			continue;
		for (size_t k = 0; k < vigil_inventory_count(r->inv); k++)
			if (vigil_inventory_pkg(r->inv, k) == v->pkg)
				snprintf(ref, sizeof(ref), "pkg-%zu", k + 1);
		char vref[32];
		snprintf(vref, sizeof(vref), "vuln-%zu", i + 1); /* ids repeat over packages */
		vigil_jsonw_obj_begin(w);
		kv(w, "bom-ref", vref);
		kv(w, "id", v->id);
		if (v->feeds && v->feeds[0]) {
			vigil_jsonw_key(w, "source");
			vigil_jsonw_obj_begin(w);
			kv(w, "name", v->feeds[0]);
			vigil_jsonw_obj_end(w);
		}
		vigil_jsonw_key(w, "ratings");
		vigil_jsonw_arr_begin(w);
		vigil_jsonw_obj_begin(w);
		char sev[16];
		size_t n = 0;
		for (const char *s = v->severity; *s && n + 1 < sizeof(sev); s++)
			sev[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
		sev[n] = '\0';
		kv(w, "severity", strcmp(sev, "negligible") == 0 ? "info" : sev);
		if (v->cvss_score > 0) {
			vigil_jsonw_key(w, "score");
			vigil_jsonw_fixed1(w, v->cvss_score);
		}
		if (v->cvss_vector) {
			kv(w, "method",
			   strncmp(v->cvss_vector, "CVSS:3", 6) == 0   ? "CVSSv31"
			   : strncmp(v->cvss_vector, "CVSS:4", 6) == 0 ? "CVSSv4"
								       : "other");
			kv(w, "vector", v->cvss_vector);
		}
		vigil_jsonw_obj_end(w);
		vigil_jsonw_arr_end(w);
		if (v->title)
			kv(w, "description", v->title);
		if (v->references && v->references[0]) {
			vigil_jsonw_key(w, "advisories");
			vigil_jsonw_arr_begin(w);
			for (const char *const *u = v->references; *u; u++) {
				vigil_jsonw_obj_begin(w);
				kv(w, "url", *u);
				vigil_jsonw_obj_end(w);
			}
			vigil_jsonw_arr_end(w);
		}
		cdx_analysis(w, e, v);
		vigil_jsonw_key(w, "affects");
		vigil_jsonw_arr_begin(w);
		vigil_jsonw_obj_begin(w);
		kv(w, "ref", ref[0] ? ref : "image");
		vigil_jsonw_obj_end(w);
		vigil_jsonw_arr_end(w);
		vigil_jsonw_obj_end(w);
	}
	vigil_jsonw_arr_end(w);
}

/* CycloneDX VEX analysis: a finding the policy or VEX suppressed is not_affected (or
 * resolved when a VEX statement says fixed); an active one is exploitable only when it is
 * known to be exploited (KEV), else in_triage; the response says whether an update fixes
 * it or the vendor will not fix it. */
static void cdx_analysis(vigil_jsonw *w, const vigil_finding *e, const vigil_vuln *v)
{
	const char *state, *response = NULL;
	if (e->suppressed)
		state = strncmp(e->suppressed, "vex: fixed", 10) == 0 ? "resolved" : "not_affected";
	else if (v->kev)
		state = "exploitable";
	else
		state = "in_triage";
	if (!e->suppressed) {
		if (v->fixed)
			response = "update";
		else if (v->status && strcmp(v->status, "will_not_fix") == 0)
			response = "will_not_fix";
	}
	vigil_jsonw_key(w, "analysis");
	vigil_jsonw_obj_begin(w);
	kv(w, "state", state);
	if (response) {
		vigil_jsonw_key(w, "response");
		vigil_jsonw_arr_begin(w);
		vigil_jsonw_str(w, response);
		vigil_jsonw_arr_end(w);
	}
	if (e->suppressed)
		kv(w, "detail", e->suppressed);
	else if (v->fixed)
		kv(w, "detail", v->fixed);
	vigil_jsonw_obj_end(w);
}

int vigil_report_write(FILE *f, vigil_report *r, const char *format)
{
	if (strcmp(format, "json") == 0)
		return write_json(f, r);
	if (strcmp(format, "table") == 0)
		return vigil_report__table(f, r);
	if (strcmp(format, "sarif") == 0)
		return vigil_report__sarif(f, r);
	if (strcmp(format, "junit") == 0)
		return vigil_report__junit(f, r);
	if (strcmp(format, "html") == 0)
		return vigil_report__html(f, r);
	if (strcmp(format, "cyclonedx") == 0) {
		if (!r->inv || !r->img)
			return vigil_error_set(r->ctx, VIGIL_EINVAL,
					       "cyclonedx needs an image scan with packages");
		return vigil_sbom__cyclonedx(f, r->inv, r->img, r->target, cdx_vulns, r);
	}
	if (strcmp(format, "gitlab") == 0 || strcmp(format, "gitlab-dependency") == 0)
		return vigil_report__gitlab(f, r, format[6] == '-');
	if (strcmp(format, "template") == 0)
		return vigil_report__template(f, r, r->wopts.template_path);
	return vigil_error_set(
		r->ctx, VIGIL_EINVAL,
		"unknown format '%s' (table, json, sarif, junit, cyclonedx, html, gitlab, "
		"gitlab-dependency, template)",
		format);
}

int vigil_report_write_ext(FILE *f, vigil_report *r, const char *format,
			   const vigil_write_opts *opts)
{
	static const vigil_write_opts none = VIGIL_WRITE_OPTS_INIT;
	r->wopts = opts ? *opts : none;
	int error = vigil_report_write(f, r, format);
	r->wopts = none;
	return error;
}
