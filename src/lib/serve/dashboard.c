/*
 * dashboard.c - the API routes the web dashboard reads (GET /api/v1/overview,
 * /api/v1/images/{digest}/view, /api/v1/vulnerabilities/{id}, /api/v1/registries) and
 * the table of built-in web files (web/ compiled in by scripts/embed-web.sh). No HTTP
 * library and no SQL here: the store computes the aggregates, this file shapes them.
 * docs/dashboard.md.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/internal.h"
#include "util/util.h"

/* the generated table: static const vigil_serve_asset ASSETS[] = {...} */
#include "web_assets.inc"

const vigil_serve_asset *vigil_serve__asset(const char *path)
{
	if (!strcmp(path, "/") || !strcmp(path, "/index.html"))
		path = "/index.html";
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(ASSETS); i++)
		if (!strcmp(ASSETS[i].path, path))
			return &ASSETS[i];
	return NULL;
}

static void fail_json(int *status, char **out, int code, const char *msg)
{
	json_t *o = json_pack("{s:{s:s}}", "error", "message", msg);
	*out = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	*status = code;
}

static void store_answer(int *status, char **out, int error, char *json)
{
	if (error < 0) {
		free(json);
		fail_json(status, out,
			  error == VIGIL_ENOTFOUND			    ? 404
			  : error == VIGIL_EINVAL || error == VIGIL_EFORMAT ? 400
									    : 500,
			  vigil_store_error());
		return;
	}
	*status = 200;
	*out = json;
}

static const char *const SEVS[6] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN"};

/* Removes what could reveal a secret's value (even redacted) from a SECRET object. */
static void scrub_secret(json_t *f)
{
	json_object_del(f, "redacted");
	json_object_del(f, "fingerprint");
	json_object_del(f, "match");
	json_object_del(f, "value");
}

/* The layer object at index i of `layers`, made on first use. */
static json_t *layer_at(json_t *layers, json_int_t i)
{
	if (i < 0 || i >= 4096)
		return NULL;
	while ((json_int_t)json_array_size(layers) <= i) {
		json_t *vc = json_object();
		for (int k = 0; vc && k < 6; k++)
			json_object_set_new(vc, SEVS[k], json_integer(0));
		json_array_append_new(
			layers, json_pack("{s:I, s:n, s:n, s:[], s:I, s:o, s:I, s:I}", "index",
					  (json_int_t)json_array_size(layers), "diff_id",
					  "created_by", "packages", "packages_total", (json_int_t)0,
					  "vulnerabilities", vc ? vc : json_object(), "secrets",
					  (json_int_t)0, "malware", (json_int_t)0));
	}
	return json_array_get(layers, (size_t)i);
}

static void bump(json_t *o, const char *key)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + 1));
}

#define LAYER_PKGS_MAX 500

/* What each layer brought: packages (from the stored inventory), findings by layer,
 * diff_id and created_by where the report names them. */
static json_t *layers_of(json_t *report, json_t *inv)
{
	json_t *layers = json_array(), *f, *l;
	size_t i;
	json_int_t n =
		json_integer_value(json_object_get(json_object_get(report, "image"), "layers"));
	if (!layers)
		return NULL;
	if (n > 0)
		layer_at(layers, n - 1);
	json_array_foreach(json_object_get(inv, "packages"), i, f)
	{
		json_t *li = json_object_get(f, "layer");
		if (!json_is_integer(li) || !(l = layer_at(layers, json_integer_value(li))))
			continue;
		const char *d = json_string_value(json_object_get(f, "layer_diff_id"));
		if (d && json_is_null(json_object_get(l, "diff_id")))
			json_object_set_new(l, "diff_id", json_string(d));
		bump(l, "packages_total");
		json_t *pk = json_object_get(l, "packages");
		if (json_array_size(pk) < LAYER_PKGS_MAX)
			json_array_append_new(pk, json_pack("{s:O?, s:O?, s:O?}", "name",
							    json_object_get(f, "name"), "version",
							    json_object_get(f, "version"), "type",
							    json_object_get(f, "type")));
	}
	json_array_foreach(json_object_get(report, "vulnerabilities"), i, f)
	{
		json_t *lo = json_object_get(f, "layer");
		if (!json_is_object(lo) ||
		    !(l = layer_at(layers, json_integer_value(json_object_get(lo, "index")))))
			continue;
		const char *sev = json_string_value(json_object_get(f, "severity"));
		json_t *vc = json_object_get(l, "vulnerabilities");
		bump(vc, sev && json_object_get(vc, sev) ? sev : "UNKNOWN");
		for (const char *k = "diff_id"; k; k = strcmp(k, "diff_id") ? NULL : "created_by") {
			json_t *v = json_object_get(lo, k);
			if (json_is_string(v) && json_is_null(json_object_get(l, k)))
				json_object_set(l, k, v);
		}
	}
	static const char *const KINDS[2] = {"secrets", "malware"};
	for (int k = 0; k < 2; k++)
		json_array_foreach(json_object_get(report, KINDS[k]), i, f)
		{
			json_t *li = json_object_get(f, "layer");
			if (json_is_integer(li) && (l = layer_at(layers, json_integer_value(li))))
				bump(l, KINDS[k]);
		}
	return layers;
}

/* The signature status from the report's trust checks (docs/trust.md). */
static json_t *signature_of(json_t *report)
{
	json_t *trust = json_object_get(report, "trust"), *f;
	size_t i;
	const char *status = "signed";
	if (!json_is_array(trust))
		return json_pack("{s:s, s:[]}", "status", "not_checked", "checks");
	json_array_foreach(trust, i, f)
	{
		const char *id = json_string_value(json_object_get(f, "id"));
		if (id && !strcmp(id, "VGL-TRUST-001"))
			status = "unsigned";
	}
	return json_pack("{s:s, s:O}", "status", status, "checks", trust);
}

/* GET /api/v1/images/{digest}/view: the image, its report (secrets scrubbed), layers
 * and signature status in one answer. */
static void image_view(vigil_server *srv, const char *digest, int *status, char **out)
{
	char *img = NULL, *rep = NULL, *inv = NULL;
	json_t *o = NULL, *report = NULL, *invj = NULL, *f;
	size_t i;
	int error;
	if ((error = vigil_store_image_json(srv->store, &img, digest)) < 0 ||
	    (error = vigil_store_report(srv->store, &rep, digest)) < 0) {
		store_answer(status, out, error, NULL);
		goto done;
	}
	if (vigil_store_inventory(srv->store, &inv, digest) == 0)
		invj = json_loads(inv, 0, NULL);
	if (!(o = json_loads(img, 0, NULL)) || !(report = json_loads(rep, 0, NULL)) ||
	    !json_is_object(report)) {
		fail_json(status, out, 500, "stored report is not JSON");
		goto done;
	}
	json_array_foreach(json_object_get(report, "secrets"), i, f) scrub_secret(f);
	json_array_foreach(json_object_get(report, "suppressed"), i, f)
	{
		const char *kind = json_string_value(json_object_get(f, "kind"));
		if (kind && !strcmp(kind, "secret"))
			scrub_secret(json_object_get(f, "finding"));
	}
	json_object_set_new(o, "layers", layers_of(report, invj));
	json_object_set_new(o, "signature", signature_of(report));
	json_object_set(o, "report", report);
	*out = json_dumps(o, JSON_COMPACT);
	*status = 200;
done:
	json_decref(o);
	json_decref(report);
	json_decref(invj);
	free(img);
	free(rep);
	free(inv);
}

/* The overview reads every report: it is kept and served again while the store's
 * generation (vigil_store_generation) stays the same. One cache per process. */
static pthread_mutex_t ov_mu = PTHREAD_MUTEX_INITIALIZER;
static vigil_store *ov_store;
static char ov_gen[256];
static int ov_top;
static char *ov_json;

static void overview(vigil_server *srv, int top, int *status, char **out)
{
	char gen[256];
	char *json = NULL;
	int error;
	if ((error = vigil_store_generation(srv->store, gen, sizeof(gen))) < 0) {
		store_answer(status, out, error, NULL);
		return;
	}
	pthread_mutex_lock(&ov_mu);
	if (ov_json && ov_store == srv->store && ov_top == top && !strcmp(ov_gen, gen)) {
		*out = strdup(ov_json);
		*status = 200;
		pthread_mutex_unlock(&ov_mu);
		return;
	}
	pthread_mutex_unlock(&ov_mu);
	error = vigil_store_overview_json(srv->store, &json, top);
	if (error == 0) {
		pthread_mutex_lock(&ov_mu);
		free(ov_json);
		ov_json = strdup(json);
		ov_store = srv->store;
		ov_top = top;
		snprintf(ov_gen, sizeof(ov_gen), "%s", gen);
		pthread_mutex_unlock(&ov_mu);
	}
	store_answer(status, out, error, json);
}

/* The registry host of a scan reference: "local" for a path, layout or archive, the
 * host part of HOST/REPO, else "docker.io". */
static void host_of(char *out, size_t outlen, const char *ref)
{
	static const char *const LOCAL[] = {"oci:", "oci-archive:", "docker-archive:", "rootfs:"};
	size_t n = strcspn(ref, "/");
	if (ref[0] == '/') {
		snprintf(out, outlen, "local");
		return;
	}
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(LOCAL); i++)
		if (!strncmp(ref, LOCAL[i], strlen(LOCAL[i]))) {
			snprintf(out, outlen, "local");
			return;
		}
	if (ref[n] == '/' && n > 0 &&
	    (memchr(ref, '.', n) || memchr(ref, ':', n) ||
	     (n == 9 && !strncmp(ref, "localhost", 9))))
		snprintf(out, outlen, "%.*s", (int)(n < 255 ? n : 255), ref);
	else
		snprintf(out, outlen, "docker.io");
}

/* GET /api/v1/registries: the scanned references grouped by registry host. */
static void registries(vigil_server *srv, int *status, char **out)
{
	char *raw = NULL, host[256];
	json_t *t = NULL, *by = json_object(), *e, *arr = json_array();
	size_t i;
	int error = vigil_store_scan_targets_json(srv->store, &raw);
	if (error < 0 || !by || !arr || !(t = json_loads(raw, 0, NULL))) {
		store_answer(status, out, error < 0 ? error : VIGIL_ENOMEM, NULL);
		goto done;
	}
	json_array_foreach(json_object_get(t, "targets"), i, e)
	{
		const char *ref = json_string_value(json_object_get(e, "ref"));
		const char *repo = json_string_value(json_object_get(e, "repository"));
		const char *digest = json_string_value(json_object_get(e, "digest"));
		const char *st = json_string_value(json_object_get(e, "status"));
		json_t *r;
		if (!ref)
			continue;
		host_of(host, sizeof(host), ref);
		if (!(r = json_object_get(by, host))) {
			r = json_pack("{s:s, s:{}, s:{}, s:I, s:I}", "name", host, "repositories",
				      "images", "failed", (json_int_t)0, "last_scan",
				      (json_int_t)0);
			if (!r)
				continue;
			json_object_set_new(by, host, r);
		}
		if (repo)
			json_object_set_new(json_object_get(r, "repositories"), repo, json_true());
		if (digest)
			json_object_set_new(json_object_get(r, "images"), digest, json_true());
		if (st && !strcmp(st, "failed"))
			bump(r, "failed");
		json_int_t up = json_integer_value(json_object_get(e, "updated"));
		if (up > json_integer_value(json_object_get(r, "last_scan")))
			json_object_set_new(r, "last_scan", json_integer(up));
	}
	const char *k;
	json_object_foreach(by, k, e)
	{
		json_t *repos = json_array();
		const char *rk;
		json_t *rv;
		json_object_foreach(json_object_get(e, "repositories"), rk, rv)
			json_array_append_new(repos, json_string(rk));
		json_object_set_new(
			e, "images",
			json_integer((json_int_t)json_object_size(json_object_get(e, "images"))));
		json_object_set_new(e, "repositories", repos);
		json_array_append(arr, e);
	}
	json_t *o = json_pack("{s:O}", "registries", arr);
	*out = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	*status = 200;
	json_decref(o);
done:
	json_decref(t);
	json_decref(by);
	json_decref(arr);
	free(raw);
}

/* A vulnerability id as the store keys them: 1..127 printable characters, no slash. */
static int vuln_id_ok(const char *s, size_t n)
{
	if (n == 0 || n > 127)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f || s[i] == '/' || s[i] == '%')
			return 0;
	return 1;
}

int vigil_serve__dashboard(vigil_server *srv, const vigil_serve_req *req, int *status, char **out)
{
	const char *p = req->path, *rest;
	char *json = NULL;
	if (strcmp(req->method, "GET"))
		return 0;
	if (!strcmp(p, "/api/v1/overview")) {
		const char *top = req->arg ? req->arg(req->arg_payload, "top") : NULL;
		uint64_t n = 10;
		if (top && (vigil_parse_uint(&n, top, 100) < 0 || n == 0)) {
			fail_json(status, out, 400, "top must be 1 to 100");
			return 1;
		}
		overview(srv, (int)n, status, out);
		return 1;
	}
	if (!strcmp(p, "/api/v1/registries")) {
		registries(srv, status, out);
		return 1;
	}
	if (!strncmp(p, "/api/v1/images/", 15)) {
		rest = p + 15;
		size_t n = strcspn(rest, "/");
		char digest[80];
		if (strcmp(rest + n, "/view"))
			return 0;
		if (n >= sizeof(digest)) {
			fail_json(status, out, 404, "no such image");
			return 1;
		}
		memcpy(digest, rest, n);
		digest[n] = '\0';
		if (!vigil_digest_is_sha256(digest))
			fail_json(status, out, 400, "not a sha256 digest");
		else
			image_view(srv, digest, status, out);
		return 1;
	}
	if (!strncmp(p, "/api/v1/vulnerabilities/", 24)) {
		rest = p + 24;
		size_t n = strlen(rest);
		if (strchr(rest, '/'))
			return 0;
		if (!vuln_id_ok(rest, n)) {
			fail_json(status, out, 400, "not a vulnerability id");
			return 1;
		}
		const char *lim = req->arg ? req->arg(req->arg_payload, "limit") : NULL;
		uint64_t l = 200;
		if (lim && (vigil_parse_uint(&l, lim, 1000) < 0 || l == 0)) {
			fail_json(status, out, 400, "limit must be 1 to 1000");
			return 1;
		}
		int error = vigil_store_vuln_detail_json(srv->store, &json, rest, (int)l);
		store_answer(status, out, error, json);
		return 1;
	}
	return 0;
}
