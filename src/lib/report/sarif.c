/*
 * sarif.c - SARIF 2.1.0 for GitHub code scanning and other SARIF consumers: one rule
 * per distinct id (with a security-severity GitHub uses to rank), one result per
 * finding with a physical location (the file in the image, the Dockerfile line).
 */
#include <string.h>

#include "match/match.h"
#include "report/report.h"

typedef struct srule {
	const char *id, *title, *severity, *help, *kind;
	const vigil_check_info *check; /* config findings: CIS id and peers (refs) */
	double score;
} srule;

static void kv(vigil_jsonw *w, const char *k, const char *v)
{
	vigil_jsonw_key(w, k);
	vigil_jsonw_str(w, v);
}

static void text(vigil_jsonw *w, const char *k, const char *v)
{
	vigil_jsonw_key(w, k);
	vigil_jsonw_obj_begin(w);
	kv(w, "text", v && *v ? v : "-");
	vigil_jsonw_obj_end(w);
}

static double sev_score(const char *s, double cvss)
{
	if (cvss > 0)
		return cvss;
	switch (vigil_match__severity_rank(s)) {
	case 5:
		return 9.5;
	case 4:
		return 8.0;
	case 3:
		return 5.5;
	case 2:
		return 2.0;
	default:
		return 0.0;
	}
}

static const char *level(const char *s)
{
	int k = vigil_match__severity_rank(s);
	return k >= 4 ? "error" : k == 3 ? "warning" : "note";
}

/* What a finding says about its rule and where it is. */
static void describe(const vigil_finding *e, srule *r, const char **uri, int *line, char *msg,
		     size_t n)
{
	memset(r, 0, sizeof(*r));
	r->id = e->id;
	r->severity = e->severity;
	r->kind = VIGIL_KIND_NAMES[e->kind];
	*line = 0;
	switch (e->kind) {
	case VIGIL_K_VULN: {
		const vigil_vuln *v = e->detail;
		r->title = v->title ? v->title : v->id;
		r->help = v->references && v->references[0] ? v->references[0] : NULL;
		r->score = v->cvss_score;
		*uri = v->pkg->location;
		snprintf(msg, n, "%s %s in %s %s%s%s%s", v->id, v->severity, v->pkg->name,
			 v->pkg->version, v->fixed ? ", fixed in " : " (",
			 v->fixed ? v->fixed : v->status, v->fixed ? "" : ")");
		break;
	}
	case VIGIL_K_SECRET: {
		const vigil_secret_finding *s = e->detail;
		r->title = s->title;
		*uri = s->path;
		*line = s->line;
		snprintf(msg, n, "%s: %s (layer %d%s)", s->title, s->redacted, s->layer,
			 s->status != VIGIL_FS_PRESENT ? ", removed later but still in the image"
						       : "");
		break;
	}
	case VIGIL_K_MALWARE: {
		const vigil_malware_finding *m = e->detail;
		r->title = m->title;
		*uri = m->path;
		snprintf(msg, n, "%s (%s, %s) sha256:%s", m->title, m->engine, m->category,
			 m->sha256 ? m->sha256 : "-");
		break;
	}
	default: {
		const vigil_config_finding *c = e->detail;
		r->title = c->check->title;
		r->help = c->check->remediation;
		r->check = c->check;
		*uri = c->file;
		*line = c->line;
		snprintf(msg, n, "%s", c->message);
	}
	}
}

/* Each cross-reference of a check ("DL3002, DS002"): calls fn with one token. */
static void each_ref(const vigil_check_info *c, void (*fn)(vigil_jsonw *, const char *, size_t),
		     vigil_jsonw *w)
{
	const char *p = c && c->refs ? c->refs : "";
	while (*p) {
		size_t k = strcspn(p, ", ");
		if (k)
			fn(w, p, k);
		p += k;
		p += strspn(p, ", ");
	}
}

static void ref_tag(vigil_jsonw *w, const char *ref, size_t len)
{
	char tag[32];
	snprintf(tag, sizeof(tag), "%.*s", (int)(len < 31 ? len : 31), ref);
	vigil_jsonw_str(w, tag);
}

/* The page of the first cross-reference that has one (hadolint's wiki, Trivy's AVD). */
static const char *help_uri(char *buf, size_t n, const vigil_check_info *c)
{
	const char *p = c && c->refs ? c->refs : "";
	while (*p) {
		size_t k = strcspn(p, ", ");
		if (k && vigil_config_ref_url(buf, n, p, k))
			return buf;
		p += k;
		p += strspn(p, ", ");
	}
	return NULL;
}

/* A relative URI: SARIF consumers resolve locations against the checkout. */
static const char *rel(const char *p)
{
	if (!p || !*p)
		return "image";
	while (*p == '/')
		p++;
	return *p ? p : "image";
}

int vigil_report__sarif(FILE *f, vigil_report *r)
{
	vigil_vec rules = VIGIL_VEC_INIT(srule);
	vigil_jsonw jw, *w = &jw;
	char msg[4600];
	int error = 0;
	/* the distinct rules, in order of first appearance */
	for (size_t i = 0; i < r->entries.len && error == 0; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const char *uri;
		int line, seen = 0;
		srule s;
		if (!e->shown || e->suppressed)
			continue;
		describe(e, &s, &uri, &line, msg, sizeof(msg));
		for (size_t k = 0; k < rules.len && !seen; k++)
			seen = strcmp(VIGIL_VEC_AT(&rules, srule, k).id, s.id) == 0;
		srule *slot = seen ? NULL : vigil_vec_push(&rules);
		if (!seen && !slot)
			error = VIGIL_ENOMEM;
		else if (slot)
			*slot = s;
	}
	if (error < 0) {
		vigil_vec_free(&rules);
		return error;
	}
	vigil_jsonw_init(w, f, 5);
	vigil_jsonw_obj_begin(w);
	kv(w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	kv(w, "version", "2.1.0");
	vigil_jsonw_key(w, "runs");
	vigil_jsonw_arr_begin(w);
	vigil_jsonw_obj_begin(w);
	vigil_jsonw_key(w, "tool");
	vigil_jsonw_obj_begin(w);
	vigil_jsonw_key(w, "driver");
	vigil_jsonw_obj_begin(w);
	kv(w, "name", "vigil");
	kv(w, "version", VIGIL_VERSION);
	kv(w, "informationUri", "https://github.com/vigil-security/vigil");
	vigil_jsonw_key(w, "rules");
	vigil_jsonw_arr_begin(w);
	for (size_t k = 0; k < rules.len; k++) {
		const srule *s = &VIGIL_VEC_AT(&rules, srule, k);
		char score[16];
		vigil_jsonw_obj_begin(w);
		kv(w, "id", s->id);
		kv(w, "name", s->kind);
		text(w, "shortDescription", s->title);
		if (s->help)
			text(w, "help", s->help);
		char url[160];
		if (help_uri(url, sizeof(url), s->check))
			kv(w, "helpUri", url);
		vigil_jsonw_key(w, "defaultConfiguration");
		vigil_jsonw_obj_begin(w);
		kv(w, "level", level(s->severity));
		vigil_jsonw_obj_end(w);
		vigil_jsonw_key(w, "properties");
		vigil_jsonw_obj_begin(w);
		snprintf(score, sizeof(score), "%.1f", sev_score(s->severity, s->score));
		kv(w, "security-severity", score);
		vigil_jsonw_key(w, "tags");
		vigil_jsonw_arr_begin(w);
		vigil_jsonw_str(w, "security");
		vigil_jsonw_str(w, s->kind);
		vigil_jsonw_str(w, s->severity);
		if (s->check && s->check->cis) {
			char cis[48];
			snprintf(cis, sizeof(cis), "CIS %s", s->check->cis);
			vigil_jsonw_str(w, cis);
		}
		each_ref(s->check, ref_tag, w);
		vigil_jsonw_arr_end(w);
		vigil_jsonw_obj_end(w);
		vigil_jsonw_obj_end(w);
	}
	vigil_jsonw_arr_end(w);
	vigil_jsonw_obj_end(w);
	vigil_jsonw_obj_end(w);
	vigil_jsonw_key(w, "results");
	vigil_jsonw_arr_begin(w);
	for (size_t i = 0; i < r->entries.len; i++) {
		const vigil_finding *e = &VIGIL_VEC_AT(&r->entries, vigil_finding, i);
		const char *uri;
		int line;
		srule s;
		size_t idx = 0;
		if (!e->shown || e->suppressed)
			continue;
		describe(e, &s, &uri, &line, msg, sizeof(msg));
		while (idx < rules.len && strcmp(VIGIL_VEC_AT(&rules, srule, idx).id, s.id) != 0)
			idx++;
		vigil_jsonw_obj_begin(w);
		kv(w, "ruleId", s.id);
		vigil_jsonw_key(w, "ruleIndex");
		vigil_jsonw_uint(w, idx);
		kv(w, "level", level(e->severity));
		text(w, "message", msg);
		/* GitHub code scanning keeps one alert per fingerprint across runs */
		char fp[65];
		if (vigil_report__fingerprint(fp, e) == 0) {
			vigil_jsonw_key(w, "partialFingerprints");
			vigil_jsonw_obj_begin(w);
			kv(w, "vigilFinding/v1", fp);
			vigil_jsonw_obj_end(w);
		}
		vigil_jsonw_key(w, "locations");
		vigil_jsonw_arr_begin(w);
		vigil_jsonw_obj_begin(w);
		vigil_jsonw_key(w, "physicalLocation");
		vigil_jsonw_obj_begin(w);
		vigil_jsonw_key(w, "artifactLocation");
		vigil_jsonw_obj_begin(w);
		kv(w, "uri", rel(uri));
		vigil_jsonw_obj_end(w);
		vigil_jsonw_key(w, "region");
		vigil_jsonw_obj_begin(w);
		vigil_jsonw_key(w, "startLine");
		vigil_jsonw_int(w, line > 0 ? line : 1);
		vigil_jsonw_obj_end(w);
		vigil_jsonw_obj_end(w);
		vigil_jsonw_obj_end(w);
		vigil_jsonw_arr_end(w);
		vigil_jsonw_obj_end(w);
	}
	vigil_jsonw_arr_end(w);
	vigil_jsonw_obj_end(w);
	vigil_jsonw_arr_end(w);
	vigil_jsonw_obj_end(w);
	vigil_jsonw_end(w);
	vigil_vec_free(&rules);
	return ferror(f) ? VIGIL_EIO : 0;
}
