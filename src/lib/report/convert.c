/*
 * convert.c - a report read back from Vigil's JSON (docs/scan-json.md) so that `vigil
 * convert` writes it in another format without the image: the findings, their packages and
 * evidence, and what the policy suppressed. The filters of `opts` apply again. Formats
 * that need the image itself (CycloneDX: its package graph) refuse with a clear error.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report.h"

#define CONVERT_MAX_SIZE ((off_t)512 << 20)

typedef struct loader {
	vigil_report *r;
	vigil_arena *a;
	int error;
} loader;

/* A string member copied into the report's arena; NULL when absent or not a string. */
static const char *str(loader *l, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	const char *s;
	if (!json_is_string(v))
		return NULL;
	if (!(s = vigil_arena_strdup(l->a, json_string_value(v))))
		l->error = VIGIL_ENOMEM;
	return s;
}

static int num(json_t *o, const char *key, int dflt)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

/* A NULL-terminated array of the strings of `key`, or NULL. */
static const char *const *strv(loader *l, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key), *x;
	size_t i, n = json_is_array(v) ? json_array_size(v) : 0;
	const char **out;
	if (!n)
		return NULL;
	if (!(out = vigil_arena_alloc(l->a, (n + 1) * sizeof(*out)))) {
		l->error = VIGIL_ENOMEM;
		return NULL;
	}
	size_t k = 0;
	json_array_foreach(v, i, x) if (json_is_string(x) &&
					(out[k] = vigil_arena_strdup(l->a, json_string_value(x))))
		k++;
	out[k] = NULL;
	return out;
}

static vigil_fstatus status_of(const char *s)
{
	return s && strcmp(s, "deleted") == 0	    ? VIGIL_FS_DELETED
	       : s && strcmp(s, "overwritten") == 0 ? VIGIL_FS_OVERWRITTEN
						    : VIGIL_FS_PRESENT;
}

/* Adds one finding; `reason` marks it suppressed. */
static void add(loader *l, vigil_finding *f, const char *reason)
{
	if (l->error)
		return;
	if ((l->error = vigil_report__add(l->r, f, NULL, NULL)) < 0)
		return;
	vigil_finding *e = &VIGIL_VEC_AT(&l->r->entries, vigil_finding, l->r->entries.len - 1);
	if (reason) {
		if (e->shown && !e->suppressed)
			l->r->failing--;
		e->suppressed = reason;
	}
}

static void vuln(loader *l, json_t *o, const char *reason)
{
	vigil_vuln *v = vigil_arena_alloc(l->a, sizeof(*v));
	vigil_pkg *p = vigil_arena_alloc(l->a, sizeof(*p));
	json_t *pk = json_object_get(o, "package"), *cv = json_object_get(o, "cvss");
	json_t *ly = json_object_get(o, "layer");
	if (!v || !p) {
		l->error = VIGIL_ENOMEM;
		return;
	}
	p->name = str(l, pk, "name");
	p->version = str(l, pk, "version");
	p->type = str(l, pk, "type");
	p->purl = str(l, pk, "purl");
	p->source_name = str(l, pk, "source_name");
	p->source_version = str(l, pk, "source_version");
	p->location = str(l, pk, "location");
	p->license = str(l, pk, "license");
	p->layer = num(ly, "index", -1);
	p->os_package = p->type && (strcmp(p->type, "deb") == 0 || strcmp(p->type, "apk") == 0 ||
				    strcmp(p->type, "rpm") == 0);
	if (!p->name)
		p->name = "";
	v->id = str(l, o, "id");
	v->aliases = strv(l, o, "aliases");
	v->title = str(l, o, "title");
	v->status = str(l, o, "status");
	v->fixed = str(l, o, "fixed_version");
	v->severity = str(l, o, "severity");
	v->severity_source = str(l, o, "severity_source");
	v->cvss_vector = str(l, cv, "vector");
	v->cvss_score = json_is_number(json_object_get(cv, "score"))
				? json_number_value(json_object_get(cv, "score"))
				: 0;
	v->kev = json_is_true(json_object_get(o, "known_exploited"));
	v->references = strv(l, o, "references");
	v->feeds = strv(l, o, "feeds");
	v->pkg = p;
	v->suppressed = reason;
	if (!v->id)
		v->id = "";
	vigil_finding f = {VIGIL_FINDING_VULN,
			   v->id,
			   v->severity,
			   v->title,
			   p->location,
			   p,
			   p->layer,
			   str(l, ly, "diff_id"),
			   NULL,
			   0,
			   v->fixed != NULL,
			   v};
	add(l, &f, reason);
}

static void secret(loader *l, json_t *o, const char *reason)
{
	vigil_secret_finding *s = vigil_arena_alloc(l->a, sizeof(*s));
	if (!s) {
		l->error = VIGIL_ENOMEM;
		return;
	}
	s->rule_id = str(l, o, "rule_id");
	s->category = str(l, o, "category");
	s->title = str(l, o, "title");
	s->severity = str(l, o, "severity");
	s->source = str(l, o, "source");
	s->path = str(l, o, "path");
	s->redacted = str(l, o, "redacted");
	s->fingerprint = str(l, o, "fingerprint");
	s->line = num(o, "line", 0);
	s->layer = num(o, "layer", -1);
	s->status = status_of(str(l, o, "status"));
	s->removed_by = num(o, "removed_by", -1);
	if (!s->rule_id)
		s->rule_id = "";
	if (!s->path)
		s->path = "";
	vigil_finding f = {
		VIGIL_FINDING_SECRET, s->rule_id, s->severity, s->title, s->path, NULL, s->layer,
		str(l, o, "diff_id"), NULL,	  0,	       1,	 s};
	add(l, &f, reason);
}

static void malware(loader *l, json_t *o, const char *reason)
{
	vigil_malware_finding *m = vigil_arena_alloc(l->a, sizeof(*m));
	if (!m) {
		l->error = VIGIL_ENOMEM;
		return;
	}
	m->engine = str(l, o, "engine");
	m->rule = str(l, o, "rule");
	m->category = str(l, o, "category");
	m->severity = str(l, o, "severity");
	m->title = str(l, o, "title");
	m->path = str(l, o, "path");
	m->sha256 = str(l, o, "sha256");
	m->layer = num(o, "layer", -1);
	m->status = status_of(str(l, o, "status"));
	m->removed_by = num(o, "removed_by", -1);
	if (!m->rule)
		m->rule = "";
	if (!m->path)
		m->path = "";
	vigil_finding f = {
		VIGIL_FINDING_MALWARE, m->rule, m->severity, m->title, m->path, NULL, m->layer,
		str(l, o, "diff_id"),  NULL,	0,	     1,	       m};
	add(l, &f, reason);
}

static void check(loader *l, json_t *o, int kind, const char *reason)
{
	vigil_check_info *ci = vigil_arena_alloc(l->a, sizeof(*ci));
	vigil_config_finding *c = vigil_arena_alloc(l->a, sizeof(*c));
	if (!ci || !c) {
		l->error = VIGIL_ENOMEM;
		return;
	}
	ci->id = str(l, o, "id");
	ci->kind = str(l, o, "kind");
	ci->cis = str(l, o, "cis");
	ci->refs = str(l, o, "refs");
	ci->severity = str(l, o, "severity");
	ci->title = str(l, o, "title");
	ci->remediation = str(l, o, "remediation");
	if (!ci->id)
		ci->id = "";
	c->check = ci;
	c->severity = ci->severity;
	c->message = str(l, o, "message");
	c->file = str(l, o, "file");
	c->line = num(o, "line", 0);
	c->object = str(l, o, "object");
	c->layer = num(o, "layer", -1);
	vigil_finding f = {kind,     ci->id, c->severity, ci->title, c->file, NULL,
			   c->layer, NULL,   NULL,	  0,	     1,	      c};
	add(l, &f, reason);
}

static void one(loader *l, int kind, json_t *o, const char *reason)
{
	if (!json_is_object(o))
		return;
	switch (kind) {
	case VIGIL_K_VULN:
		vuln(l, o, reason);
		break;
	case VIGIL_K_SECRET:
		secret(l, o, reason);
		break;
	case VIGIL_K_MALWARE:
		malware(l, o, reason);
		break;
	default:
		check(l, o, kind, reason);
	}
}

int vigil_report_load_json(vigil_report **out, vigil_ctx *ctx, const char *path,
			   const vigil_report_opts *opts)
{
	static const char *const SECTIONS[VIGIL_K_COUNT] = {"vulnerabilities", "secrets", "malware",
							    "misconfigurations", "trust"};
	struct stat st;
	json_error_t je;
	json_t *root = NULL, *x;
	vigil_report *r = NULL;
	loader l;
	size_t i;
	int error;
	*out = NULL;
	if (stat(path, &st) < 0)
		return vigil_error_set(ctx, VIGIL_EIO, "cannot read %s", path);
	if (st.st_size > CONVERT_MAX_SIZE)
		return vigil_error_set(ctx, VIGIL_ELIMIT, "%s: larger than 512 MiB", path);
	if (!(root = json_load_file(path, JSON_REJECT_DUPLICATES, &je)))
		return vigil_error_set(ctx, VIGIL_EFORMAT, "%s:%d: not valid JSON: %s", path,
				       je.line, je.text);
	if (!json_is_object(root) || !json_is_string(json_object_get(root, "vigil_version"))) {
		json_decref(root);
		return vigil_error_set(ctx, VIGIL_EFORMAT,
				       "%s: not a Vigil scan report (vigil scan --format json)",
				       path);
	}
	json_t *img = json_object_get(root, "image");
	const char *target = json_string_value(json_object_get(img, "name"));
	if ((error = vigil_report_new(&r, ctx, target ? target : path, NULL, NULL, opts)) < 0) {
		json_decref(root);
		return error;
	}
	memset(&l, 0, sizeof(l));
	l.r = r;
	l.a = &r->arena;
	for (int k = 0; k < VIGIL_K_COUNT; k++) {
		json_t *sec = json_object_get(root, SECTIONS[k]);
		if (!json_is_array(sec))
			continue;
		r->ran[k] = 1;
		json_array_foreach(sec, i, x) one(&l, k, x, NULL);
	}
	json_array_foreach(json_object_get(root, "suppressed"), i, x)
	{
		const char *kind = json_string_value(json_object_get(x, "kind"));
		const char *reason = str(&l, x, "reason");
		for (int k = 0; kind && k < VIGIL_K_COUNT; k++)
			if (strcmp(kind, VIGIL_KIND_NAMES[k]) == 0)
				one(&l, k, json_object_get(x, "finding"),
				    reason ? reason : "suppressed");
	}
	json_array_foreach(json_object_get(root, "warnings"), i,
			   x) if (json_is_string(x) && !l.error) l.error =
		vigil_report_warn(r, json_string_value(x));
	json_decref(root);
	if (l.error < 0) {
		vigil_report_free(r);
		return l.error == VIGIL_ENOMEM ? vigil_error_set(ctx, l.error, "out of memory")
					       : l.error;
	}
	*out = r;
	return 0;
}
