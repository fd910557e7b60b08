/*
 * store_util.c - what the SQLite (store.c) and PostgreSQL (store_pg.c) backends of
 * vigil/store.h share: JSON shapes of rows, string vectors, the history diff of a commit
 * and the call of the events callback. No SQL: the backends read the rows.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "store/store_internal.h"
#include "util/util.h"
#include "vigil.h"

const char *const vigil_store__sevs[6] = {"CRITICAL", "HIGH",	    "MEDIUM",
					  "LOW",      "NEGLIGIBLE", "UNKNOWN"};
const char *const vigil_store__sevcols[6] = {"critical", "high",       "medium",
					     "low",	 "negligible", "unknown"};

int64_t vigil_store__now(void)
{
	return (int64_t)time(NULL);
}

char *vigil_store__strdup(const char *p)
{
	return p ? strdup(p) : NULL;
}

int vigil_store__dump(char **out, json_t *v)
{
	*out = NULL;
	if (!v)
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	*out = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	return *out ? 0 : vigil_store__fail(VIGIL_ENOMEM, "out of memory");
}

json_t *vigil_store__str_array(const char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; a && v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *vigil_store__vuln_list(const char *const *keys, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++) {
		const char *tab = strchr(keys[i], '\t');
		json_t *o = tab ? json_pack("{s:s%, s:s}", "id", keys[i], (size_t)(tab - keys[i]),
					    "package", tab + 1)
				: json_pack("{s:s, s:n}", "id", keys[i], "package");
		json_array_append_new(a, o);
	}
	return a;
}

int vigil_store__cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void vigil_store__free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int vigil_store__strv_push(vigil_vec *v, const char *str)
{
	char **slot = vigil_vec_push(v);
	if (!slot)
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	if (!(*slot = strdup(str ? str : ""))) {
		v->len--;
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	}
	return 0;
}

int vigil_store__strv_finish(char ***out, size_t *n, vigil_vec *v, int error)
{
	char **end = error == 0 ? vigil_vec_push(v) : NULL;
	*out = NULL;
	if (n)
		*n = 0;
	if (!end) {
		for (size_t i = 0; i < v->len; i++)
			free(VIGIL_VEC_AT(v, char *, i));
		vigil_vec_free(v);
		return error < 0 ? error : vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	}
	*end = NULL;
	if (n)
		*n = v->len - 1;
	*out = v->data;
	v->data = NULL;
	v->len = v->cap = 0;
	return 0;
}

int vigil_store__severity(int *out, const char *name)
{
	for (int k = 0; k < 6; k++)
		if (!strcasecmp(name, vigil_store__sevs[k])) {
			*out = k;
			return 0;
		}
	*out = -1;
	return vigil_store__fail(
		VIGIL_EINVAL,
		"unknown severity (CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE, UNKNOWN)");
}

int vigil_store__wants(const char *events, const char *event)
{
	size_t n = strlen(event);
	for (const char *c = events; c && *c;) {
		size_t m = strcspn(c, ",");
		if ((m == n && !strncmp(c, event, n)) || (m == 1 && *c == '*'))
			return 1;
		c += m;
		if (*c == ',')
			c++;
	}
	return 0;
}

json_t *vigil_store__image_obj(const char *digest, const char *repository, int64_t scanned_at,
			       const char *db_built, const int64_t counts[6],
			       const char *const *tags)
{
	json_t *c = json_object();
	for (int k = 0; c && k < 6; k++)
		json_object_set_new(c, vigil_store__sevs[k], json_integer(counts[k]));
	if (!c)
		return NULL;
	return json_pack("{s:s, s:s?, s:o, s:I, s:s?, s:o}", "digest", digest, "repository",
			 repository, "tags", vigil_store__str_array(tags), "scanned_at",
			 (json_int_t)scanned_at, "db_built", db_built, "counts", c);
}

void vigil_store__diff_free(vigil_store_diff *d)
{
	json_decref(d->prev);
	free(d->old);
	free(d->added);
	free(d->removed);
	free(d->counts_s);
	free(d->added_s);
	free(d->removed_s);
	memset(d, 0, sizeof(*d));
}

int vigil_store__diff(vigil_store_diff *d, const vigil_store_scan *sc, int have_prev,
		      const char *prev_vulns)
{
	size_t nnew = 0, nold;
	memset(d, 0, sizeof(*d));
	d->first = !have_prev;
	if (have_prev) {
		d->prev = json_loads(prev_vulns ? prev_vulns : "[]", 0, NULL);
		if (!json_is_array(d->prev)) {
			vigil_store__diff_free(d);
			return vigil_store__fail(VIGIL_EFORMAT, "store: damaged history of %s",
						 sc->digest);
		}
	}
	while (sc->vulns && sc->vulns[nnew])
		nnew++;
	nold = d->prev ? json_array_size(d->prev) : 0;
	d->old = calloc(nold + 1, sizeof(*d->old));
	d->added = calloc(nnew + 1, sizeof(*d->added));
	d->removed = calloc(nold + 1, sizeof(*d->removed));
	if (!d->old || !d->added || !d->removed)
		goto nomem;
	for (size_t i = 0; i < nold; i++) {
		const char *s = json_string_value(json_array_get(d->prev, i));
		d->old[i] = s ? s : "";
	}
	vigil_qsort(d->old, nold, sizeof(*d->old), vigil_store__cmpstr);
	/* both sorted: a merge gives the added and removed keys */
	size_t i = 0, j = 0;
	while (i < nnew || j < nold) {
		int c = i == nnew ? 1 : j == nold ? -1 : strcmp(sc->vulns[i], d->old[j]);
		if (c < 0)
			d->added[d->na++] = sc->vulns[i++];
		else if (c > 0)
			d->removed[d->nr++] = d->old[j++];
		else
			i++, j++;
	}
	d->changed = d->first || d->na || d->nr;
	if (!d->changed)
		return 0;
	json_t *counts = json_object();
	for (int k = 0; counts && k < 6; k++)
		json_object_set_new(counts, vigil_store__sevs[k], json_integer(sc->counts[k]));
	json_t *aj = vigil_store__vuln_list(d->added, d->na);
	json_t *rj = vigil_store__vuln_list(d->removed, d->nr);
	d->counts_s = counts ? json_dumps(counts, JSON_COMPACT) : NULL;
	d->added_s = aj ? json_dumps(aj, JSON_COMPACT) : NULL;
	d->removed_s = rj ? json_dumps(rj, JSON_COMPACT) : NULL;
	json_decref(counts);
	json_decref(aj);
	json_decref(rj);
	if (d->counts_s && d->added_s && d->removed_s)
		return 0;
nomem:
	vigil_store__diff_free(d);
	return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
}

typedef struct emit_state {
	vigil_store_queue_fn queue;
	void *backend;
	int error;
} emit_state;

static int emit_cb(const char *event, const char *body, void *emit_ctx)
{
	emit_state *e = emit_ctx;
	if (e->error == 0)
		e->error = e->queue(e->backend, event, body);
	return e->error;
}

int vigil_store__emit(const vigil_store_diff *d, const vigil_store_scan *sc,
		      const char *const *tags, const char *repository, vigil_store_events_fn events,
		      void *payload, vigil_store_queue_fn queue, void *backend)
{
	vigil_store_change c = {d->first, d->changed, d->added, d->removed,
				d->na,	  d->nr,      tags,	repository};
	emit_state e = {queue, backend, 0};
	int rc = events(&c, sc, emit_cb, &e, payload);
	return e.error < 0 ? e.error : rc < 0 ? rc : 0;
}

/* ---- the dashboard's read models -------------------------------------------------------- */

int vigil_store__trend_init(vigil_store_trend *t)
{
	memset(t, 0, sizeof(*t));
	t->latest = json_object();
	t->pts = json_array();
	if (t->latest && t->pts)
		return 0;
	vigil_store__trend_free(t);
	return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
}

void vigil_store__trend_free(vigil_store_trend *t)
{
	json_decref(t->latest);
	json_decref(t->pts);
	memset(t, 0, sizeof(*t));
}

/* After each history entry the sum over images of each image's latest counts; entries
 * at the same second make one point. */
void vigil_store__trend_add(vigil_store_trend *t, const char *digest, int64_t time,
			    const char *counts)
{
	json_t *c = json_loads(counts ? counts : "", 0, NULL), *prev;
	if (!json_is_object(c) || !digest) {
		json_decref(c);
		return;
	}
	if ((prev = json_object_get(t->latest, digest)))
		for (int k = 0; k < 6; k++)
			t->tot[k] -=
				json_integer_value(json_object_get(prev, vigil_store__sevs[k]));
	for (int k = 0; k < 6; k++)
		t->tot[k] += json_integer_value(json_object_get(c, vigil_store__sevs[k]));
	json_object_set_new(t->latest, digest, c);
	json_t *p = json_object(), *last = json_array_get(t->pts, json_array_size(t->pts) - 1);
	json_object_set_new(p, "time", json_integer(time));
	for (int k = 0; k < 6; k++)
		json_object_set_new(p, vigil_store__sevs[k], json_integer(t->tot[k]));
	if (last && json_integer_value(json_object_get(last, "time")) == time)
		json_array_set_new(t->pts, json_array_size(t->pts) - 1, p);
	else
		json_array_append_new(t->pts, p);
}

int vigil_store__trend_finish(json_t **out, vigil_store_trend *t, int maxpts)
{
	json_t *pts = t->pts;
	size_t n = json_array_size(pts);
	t->pts = NULL;
	*out = NULL;
	if (n > (size_t)maxpts) {
		/* keep the last point of each of maxpts equal slices of [t0, t1] */
		int64_t t0 = json_integer_value(json_object_get(json_array_get(pts, 0), "time"));
		int64_t t1 =
			json_integer_value(json_object_get(json_array_get(pts, n - 1), "time"));
		json_t *kept = json_array();
		int64_t span = t1 - t0 + 1;
		for (size_t i = 0; kept && i < n; i++) {
			json_t *p = json_array_get(pts, i), *q = json_array_get(pts, i + 1);
			int64_t bp = (json_integer_value(json_object_get(p, "time")) - t0) *
				     maxpts / span;
			int64_t bq = q ? (json_integer_value(json_object_get(q, "time")) - t0) *
						     maxpts / span
				       : -1;
			if (bp != bq)
				json_array_append(kept, p);
		}
		json_decref(pts);
		pts = kept;
	}
	vigil_store__trend_free(t);
	*out = pts;
	return pts ? 0 : vigil_store__fail(VIGIL_ENOMEM, "out of memory");
}

int vigil_store__findings_init(vigil_store_findings *f)
{
	memset(f, 0, sizeof(*f));
	f->kev = json_object();
	f->ids = json_object();
	if (f->kev && f->ids)
		return 0;
	vigil_store__findings_free(f);
	return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
}

void vigil_store__findings_free(vigil_store_findings *f)
{
	json_decref(f->kev);
	json_decref(f->ids);
	memset(f, 0, sizeof(*f));
}

void vigil_store__findings_add(vigil_store_findings *f, const char *digest, int64_t findings,
			       int64_t fixable, int64_t kev, const char *kev_ids,
			       const int64_t other[3])
{
	f->findings += findings;
	f->fixable += fixable;
	f->kevf += kev;
	for (int i = 0; i < 3; i++)
		f->other[i] += other[i];
	if (kev > 0 && digest) {
		f->kevimg++;
		json_object_set_new(f->kev, digest, json_integer(kev));
	}
	for (const char *p = kev_ids; p && *p;) {
		size_t n = strcspn(p, "\t");
		char id[256];
		snprintf(id, sizeof(id), "%.*s", (int)(n < 255 ? n : 255), p);
		json_object_set_new(f->ids, id, json_true());
		p += n + (p[n] == '\t');
	}
}

int vigil_store__findings_finish(json_t *o, json_t **kev_out, vigil_store_findings *f)
{
	json_object_set_new(o, "vulnerabilities",
			    json_pack("{s:I, s:I, s:I, s:I, s:I}", "findings",
				      (json_int_t)f->findings, "fixable", (json_int_t)f->fixable,
				      "kev_findings", (json_int_t)f->kevf, "kev_ids",
				      (json_int_t)json_object_size(f->ids), "kev_images",
				      (json_int_t)f->kevimg));
	json_object_set_new(o, "other",
			    json_pack("{s:I, s:I, s:I}", "secrets", (json_int_t)f->other[0],
				      "malware", (json_int_t)f->other[1], "misconfigurations",
				      (json_int_t)f->other[2]));
	*kev_out = f->kev;
	f->kev = NULL;
	vigil_store__findings_free(f);
	return 0;
}

int vigil_store__risk_push(vigil_vec *v, const char *digest, json_t *kev, const int64_t counts[5])
{
	vigil_store_risk_row *r = vigil_vec_push(v);
	if (!r)
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	snprintf(r->digest, sizeof(r->digest), "%s", digest ? digest : "");
	r->k[0] = json_integer_value(json_object_get(kev, r->digest));
	for (int i = 1; i < 6; i++)
		r->k[i] = counts[i - 1];
	return 0;
}

static int risk_cmp(const void *a, const void *b)
{
	const vigil_store_risk_row *x = a, *y = b;
	for (int i = 0; i < 6; i++)
		if (x->k[i] != y->k[i])
			return x->k[i] > y->k[i] ? -1 : 1;
	return strcmp(x->digest, y->digest);
}

void vigil_store__risk_sort(vigil_vec *v)
{
	if (v->len)
		qsort(v->data, v->len, sizeof(vigil_store_risk_row), risk_cmp);
}

json_t *vigil_store__vuln_facts(const char *severity, const char *title, int kev, int have_cvss,
				double cvss)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "severity", json_string(severity ? severity : "UNKNOWN"));
	if (title)
		json_object_set_new(o, "title", json_string(title));
	json_object_set_new(o, "known_exploited", json_boolean(kev));
	if (have_cvss)
		json_object_set_new(o, "cvss", json_real(cvss));
	return o;
}

int vigil_store__vuln_detail_add(json_t *arr, json_t **facts, json_t *img, const char *findings)
{
	json_t *fs = json_loads(findings ? findings : "[]", 0, NULL), *f;
	size_t i;
	if (!img || !json_is_array(fs)) {
		json_decref(img);
		json_decref(fs);
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	}
	json_t *list = json_array();
	json_array_foreach(fs, i, f)
	{
		json_t *pkg = json_object_get(f, "package");
		json_array_append_new(list, json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?}", "package",
						      json_object_get(pkg, "name"), "version",
						      json_object_get(pkg, "version"), "status",
						      json_object_get(f, "status"), "fixed_version",
						      json_object_get(f, "fixed_version"), "layer",
						      json_object_get(f, "layer")));
		if (!*facts)
			*facts = json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}", "title",
					   json_object_get(f, "title"), "severity",
					   json_object_get(f, "severity"), "cvss",
					   json_object_get(f, "cvss"), "known_exploited",
					   json_object_get(f, "known_exploited"), "aliases",
					   json_object_get(f, "aliases"), "references",
					   json_object_get(f, "references"), "feeds",
					   json_object_get(f, "feeds"));
	}
	json_decref(fs);
	json_object_set_new(img, "findings", list);
	json_array_append_new(arr, img);
	return 0;
}

int vigil_store__vuln_detail_dump(char **out, json_t **facts, const char *id, int64_t total,
				  json_t *arr)
{
	json_t *o = *facts ? *facts : json_object();
	*facts = NULL;
	if (o) {
		json_object_set_new(o, "id", json_string(id));
		json_object_set_new(o, "images_total", json_integer(total));
		json_object_set(o, "images", arr);
	}
	return vigil_store__dump(out, o);
}

json_t *vigil_store__admission_obj(int64_t id, int64_t time, const char *uid, const char *kind,
				   const char *ns, const char *name, const char *operation,
				   const char *user, int dry_run, int allowed, const char *message,
				   const char *detail)
{
	json_t *d = detail ? json_loads(detail, 0, NULL) : NULL;
	json_t *o =
		json_pack("{s:I, s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:b, s:b, s:s?}", "id",
			  (json_int_t)id, "time", (json_int_t)time, "uid", uid ? uid : "", "kind",
			  kind, "namespace", ns, "name", name, "operation", operation, "user", user,
			  "dry_run", dry_run, "allowed", allowed, "message", message);
	if (o && json_is_object(d))
		json_object_update(o, d);
	json_decref(d);
	return o;
}

/* ---- shared parts of reports and inventories ------------------------------------------ */

/* A member at the top level of the pretty-printed JSON of `vigil scan --format json` and of
 * the inventory starts a line with two spaces and a quote. */
#define MEMBER "\n  \""

int vigil_store__cut(vigil_store_cut *c, const char *text)
{
	const char *start, *end = NULL, *cur;
	memset(c, 0, sizeof(*c));
	if (!text)
		return 0;
	if ((start = strstr(text, MEMBER "packages\": ")))
		for (cur = ++start; (cur = strstr(cur, MEMBER)); cur++)
			if (strncmp(cur + 4, "vulnerabilities\": ", 18)) {
				end = cur + 1;
				break;
			}
	if (!end || (size_t)(end - start) < VIGIL_STORE_PART_MIN) {
		if (!(c->head = strdup(text)))
			return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
		return 0;
	}
	if (!(c->head = strndup(text, (size_t)(start - text))) ||
	    !(c->part = strndup(start, (size_t)(end - start))) || !(c->tail = strdup(end)) ||
	    vigil_sha256_buf(c->hash, c->part, (size_t)(end - start)) < 0) {
		vigil_store__cut_free(c);
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	}
	return 0;
}

void vigil_store__cut_free(vigil_store_cut *c)
{
	free(c->head);
	free(c->part);
	free(c->tail);
	memset(c, 0, sizeof(*c));
}

int vigil_store__set_name(char out[72], const char *const *keys)
{
	size_t n = 0, o = 0;
	char *buf;
	int error;
	out[0] = '\0';
	for (size_t i = 0; keys && keys[i]; i++)
		n += strlen(keys[i]) + 1;
	if (n == 0)
		return 0;
	if (!(buf = malloc(n)))
		return vigil_store__fail(VIGIL_ENOMEM, "out of memory");
	for (size_t i = 0; keys[i]; i++) {
		size_t l = strlen(keys[i]);
		memcpy(buf + o, keys[i], l);
		buf[o + l] = '\n';
		o += l + 1;
	}
	error = vigil_sha256_buf(out, buf, n);
	free(buf);
	return error < 0 ? vigil_store__fail(VIGIL_ENOMEM, "out of memory") : 0;
}
