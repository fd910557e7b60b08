/*
 * api.c - the /api/v1 routes of `vigil serve`: authentication, parsing of request
 * bodies (bounded, JSON only) and the answers. No HTTP library here, so the fuzzer
 * drives it directly (tests/fuzz/fuzz_serve_api.c).
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/admission.h"
#include "serve/internal.h"
#include "serve/runtime_events.h"
#include "util/util.h"

#define JSON_TYPE "application/json"

/* {"error":{"message":MSG}} */
static void err(int *status, char **out, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void err(int *status, char **out, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *o = json_pack("{s:{s:s}}", "error", "message", msg);
	*out = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	*status = code;
}

static int http_of(int error)
{
	switch (error) {
	case VIGIL_ENOTFOUND:
		return 404;
	case VIGIL_EINVAL:
	case VIGIL_EFORMAT:
		return 400;
	case VIGIL_ELIMIT:
		return 413;
	default:
		return 500;
	}
}

/* A store answer: the JSON or the store's error. */
static void answer(int *status, char **out, int error, char **jsonp, int ok)
{
	char *json = *jsonp;
	*jsonp = NULL;
	if (error < 0) {
		free(json);
		err(status, out, http_of(error), "%s", vigil_store_error());
		return;
	}
	*status = ok;
	*out = json;
}

/* "Bearer TOKEN" -> the token's scopes, 0 for none or a wrong token. */
static unsigned scopes_of(vigil_server *srv, const char *authz)
{
	unsigned sc = 0;
	if (!authz || strncasecmp(authz, "Bearer ", 7))
		return 0;
	const char *t = authz + 7;
	while (*t == ' ')
		t++;
	if (vigil_serve__token_scopes(srv, &sc, t) < 0)
		return 0;
	return sc & VIGIL_SCOPE_ADMIN ? VIGIL_SCOPE_READ | VIGIL_SCOPE_SCAN | VIGIL_SCOPE_ADMIN
				      : sc;
}

/* Parses the body as a JSON object; NULL with the error answered. */
static json_t *body_object(const vigil_serve_req *req, int *status, char **out)
{
	json_error_t je;
	if (req->body_too_large) {
		err(status, out, 413, "request body too large");
		return NULL;
	}
	json_t *o =
		json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		char t[256];
		vigil_text_escape(t, sizeof(t), je.text);
		err(status, out, 400, "malformed JSON: %s (line %d)", t, je.line);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		err(status, out, 400, "the body must be a JSON object");
		return NULL;
	}
	return o;
}

/* A bounded printable string without control characters, else NULL. */
static const char *str_field(json_t *o, const char *key, size_t max)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s || !*s || strlen(s) > max)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return NULL;
	return s;
}

static int is_digest_seg(const char *s)
{
	return vigil_digest_is_sha256(s);
}

static void post_scan(vigil_server *srv, const vigil_serve_req *req, int *status, char **out)
{
	json_t *o = body_object(req, status, out);
	char msg[512];
	int64_t id;
	if (!o)
		return;
	const char *ref = str_field(o, "image", 4096);
	json_t *rj = json_object_get(o, "repository");
	const char *repo = str_field(o, "repository", 256);
	if (!ref) {
		err(status, out, 400, "\"image\" must be a non-empty string (at most 4096 bytes)");
	} else if (rj && !repo) {
		err(status, out, 400, "\"repository\" must be a string (at most 256 bytes)");
	} else if (vigil_serve__check_ref(srv, ref, msg, sizeof(msg)) < 0) {
		err(status, out, 400, "%s", msg);
	} else if (vigil_store_job_add(srv->store, &id, "scan", ref, repo, NULL) < 0) {
		err(status, out, 500, "%s", vigil_store_error());
	} else {
		json_t *r = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "queued");
		*out = r ? json_dumps(r, JSON_COMPACT) : NULL;
		json_decref(r);
		*status = 202;
		vigil_serve__log("info", "scan queued", "image", ref, NULL);
		vigil_serve__kick(srv);
	}
	json_decref(o);
}

typedef struct push_state {
	vigil_server *srv;
	json_t *ids;
} push_state;

static int on_push(const vigil_serve_push *p, void *payload)
{
	push_state *ps = payload;
	char ref[1024];
	int64_t id;
	if ((size_t)snprintf(ref, sizeof(ref), "%s/%s@%s", p->host, p->repository, p->digest) >=
	    sizeof(ref))
		return 0;
	if (vigil_store_job_add(ps->srv->store, &id, "scan", ref, p->repository, p->tag) < 0)
		return VIGIL_EIO;
	json_array_append_new(ps->ids, json_integer(id));
	vigil_serve__log("info", "push event queued", "image", ref, NULL);
	return 0;
}

static void post_events(vigil_server *srv, const vigil_serve_req *req, int *status, char **out)
{
	push_state ps = {srv, json_array()};
	if (req->body_too_large) {
		json_decref(ps.ids);
		err(status, out, 413, "request body too large");
		return;
	}
	int n = ps.ids ? vigil_serve_parse_envelope(req->body ? req->body : "", req->body_len,
						    on_push, &ps)
		       : VIGIL_ENOMEM;
	if (n < 0) {
		err(status, out,
		    n == VIGIL_EIO	? 500
		    : n == VIGIL_ELIMIT ? 413
					: 400,
		    "%s", n == VIGIL_EIO ? vigil_store_error() : "malformed notification envelope");
	} else {
		json_t *r = json_pack("{s:O}", "queued", ps.ids);
		*out = r ? json_dumps(r, JSON_COMPACT) : NULL;
		json_decref(r);
		*status = 202;
		if (n)
			vigil_serve__kick(srv);
	}
	json_decref(ps.ids);
}

/* Webhook URLs: http or https, no credentials in them, printable. */
static int url_ok(const char *u)
{
	if (strncmp(u, "http://", 7) && strncmp(u, "https://", 8))
		return 0;
	const char *host = strstr(u, "://") + 3;
	size_t hl = strcspn(host, "/?#");
	return hl > 0 && !memchr(host, '@', hl);
}

static int events_ok(const char *ev)
{
	static const char *const NAMES[] = {"image.scanned", "vulnerabilities.changed",
					    "scan.failed", "*"};
	for (const char *p = ev; *p;) {
		size_t n = strcspn(p, ",");
		int ok = 0;
		for (size_t i = 0; i < VIGIL_ARRAY_LEN(NAMES); i++)
			ok |= strlen(NAMES[i]) == n && !strncmp(NAMES[i], p, n);
		if (!ok)
			return 0;
		p += n;
		if (*p == ',' && *++p == '\0')
			return 0;
	}
	return *ev != '\0';
}

static void post_webhook(vigil_server *srv, const vigil_serve_req *req, int *status, char **out)
{
	json_t *o = body_object(req, status, out);
	char events[256] = "";
	int64_t id;
	if (!o)
		return;
	const char *url = str_field(o, "url", 2048), *secret = str_field(o, "secret", 512);
	json_t *ev = json_object_get(o, "events");
	size_t i;
	json_t *e;
	int bad = ev && !json_is_array(ev) && !json_is_string(ev);
	if (json_is_string(ev))
		snprintf(events, sizeof(events), "%s", json_string_value(ev));
	json_array_foreach(ev, i, e)
	{
		const char *s = json_string_value(e);
		size_t len = strlen(events);
		if (!s || len + strlen(s) + 2 > sizeof(events)) {
			bad = 1;
			break;
		}
		snprintf(events + len, sizeof(events) - len, "%s%s", len ? "," : "", s);
	}
	if (!ev)
		snprintf(events, sizeof(events), "*");
	if (!url || !url_ok(url))
		err(status, out, 400,
		    "\"url\" must be an http:// or https:// URL without "
		    "credentials");
	else if (!secret || strlen(secret) < 16)
		err(status, out, 400, "\"secret\" must be a string of 16 to 512 bytes");
	else if (bad || !events_ok(events))
		err(status, out, 400,
		    "\"events\": image.scanned, vulnerabilities.changed, "
		    "scan.failed");
	else if (vigil_store_webhook_add(srv->store, &id, url, events, secret) < 0)
		err(status, out, 500, "%s", vigil_store_error());
	else {
		json_t *r = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "url", url, "events",
				      events);
		*out = r ? json_dumps(r, JSON_COMPACT) : NULL;
		json_decref(r);
		*status = 201;
	}
	json_decref(o);
}

/* A positive decimal id of at most 18 digits, else -1. */
static int64_t parse_id(const char *s, size_t n)
{
	int64_t v = 0;
	if (n == 0 || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v > 0 ? v : -1;
}

static void get_db(vigil_server *srv, int *status, char **out)
{
	vigil_db *db = NULL;
	vigil_ctx *ctx = NULL;
	json_t *o = NULL;
	if (vigil_ctx_new(&ctx) < 0) {
		err(status, out, 500, "out of memory");
		return;
	}
	if (vigil_db_open(&db, ctx, srv->o.db_path) < 0) {
		err(status, out, 404, "%s", vigil_ctx_error(ctx));
		vigil_ctx_free(ctx);
		return;
	}
	json_t *feeds = json_array();
	for (size_t i = 0; feeds && i < vigil_db_feed_count(db); i++) {
		const vigil_db_feed_info *f = vigil_db_feed(db, i);
		json_array_append_new(feeds, json_pack("{s:s?, s:s?, s:s?, s:I, s:I, s:I}", "name",
						       f->name, "source_date", f->source_date,
						       "imported_at", f->imported_at, "records",
						       (json_int_t)f->records, "packages",
						       (json_int_t)f->packages, "skipped",
						       (json_int_t)f->skipped));
	}
	o = json_pack("{s:s, s:i, s:s?, s:o}", "path", srv->o.db_path, "schema_version",
		      vigil_db_schema_version(db), "built", vigil_db_built(db), "feeds", feeds);
	*out = o ? json_dumps(o, JSON_COMPACT) : NULL;
	*status = 200;
	json_decref(o);
	vigil_db_free(db);
	vigil_ctx_free(ctx);
}

static void metrics(vigil_server *srv, int *status, char **out)
{
	vigil_store_stats st;
	char *buf = NULL;
	size_t len = 0;
	if (vigil_store_stats_get(srv->store, &st) < 0) {
		err(status, out, 500, "%s", vigil_store_error());
		return;
	}
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		err(status, out, 500, "out of memory");
		return;
	}
	fprintf(f,
		"# HELP vigil_queue_depth Jobs waiting.\n# TYPE vigil_queue_depth gauge\n"
		"vigil_queue_depth %lld\n"
		"# TYPE vigil_jobs_running gauge\nvigil_jobs_running %lld\n"
		"# HELP vigil_jobs Jobs by final status (stored).\n# TYPE vigil_jobs gauge\n"
		"vigil_jobs{status=\"done\"} %lld\nvigil_jobs{status=\"failed\"} %lld\n"
		"# TYPE vigil_images gauge\nvigil_images %lld\n"
		"# TYPE vigil_history_entries gauge\nvigil_history_entries %lld\n"
		"# TYPE vigil_webhook_deliveries gauge\n"
		"vigil_webhook_deliveries{status=\"pending\"} %lld\n"
		"vigil_webhook_deliveries{status=\"failed\"} %lld\n"
		"# TYPE vigil_http_requests_total counter\nvigil_http_requests_total %lld\n"
		"# TYPE vigil_scans_total counter\nvigil_scans_total{result=\"done\"} %lld\n"
		"vigil_scans_total{result=\"failed\"} %lld\n"
		"# TYPE vigil_scan_duration_seconds_sum counter\n"
		"vigil_scan_duration_seconds_sum %.3f\n"
		"# TYPE vigil_rematches_total counter\nvigil_rematches_total %lld\n"
		"# TYPE vigil_deliveries_total counter\n"
		"vigil_deliveries_total{result=\"ok\"} %lld\n"
		"vigil_deliveries_total{result=\"error\"} %lld\n"
		"# HELP vigil_db_loaded_seconds UNIX time the database was loaded (0: none).\n"
		"# TYPE vigil_db_loaded_seconds gauge\nvigil_db_loaded_seconds %lld\n"
		"# HELP vigil_queue_age_seconds How long the oldest queued job has waited.\n"
		"# TYPE vigil_queue_age_seconds gauge\nvigil_queue_age_seconds %lld\n"
		"# HELP vigil_lease_rescues_total Jobs requeued or failed after their lease "
		"expired (shared store).\n"
		"# TYPE vigil_lease_rescues_total counter\nvigil_lease_rescues_total %lld\n",
		(long long)st.queued, (long long)st.running, (long long)st.done,
		(long long)st.failed, (long long)st.manifests, (long long)st.history,
		(long long)st.deliveries_pending, (long long)st.deliveries_failed,
		(long long)srv->requests, (long long)srv->scans_done, (long long)srv->scans_failed,
		(double)srv->scan_ms / 1000.0, (long long)srv->rematches,
		(long long)srv->deliveries_ok, (long long)srv->deliveries_failed,
		(long long)srv->db_loaded, (long long)st.queue_age, (long long)st.lease_rescues);
	vigil_store_layer_stats ls; /* the per-layer cache (docs/layer-cache.md) */
	if (vigil_store_layer_stats_get(srv->store, &ls) == 0)
		fprintf(f,
			"# TYPE vigil_layer_cache_entries gauge\nvigil_layer_cache_entries %lld\n"
			"# TYPE vigil_layer_cache_bytes gauge\nvigil_layer_cache_bytes %lld\n"
			"# HELP vigil_layer_cache_hits_total Layers not read because the cache had "
			"them.\n# TYPE vigil_layer_cache_hits_total counter\n"
			"vigil_layer_cache_hits_total %lld\n",
			(long long)ls.entries, (long long)ls.bytes, (long long)ls.hits);
	long long rh, rm; /* the read cache (readcache.c) */
	vigil_serve__rcache_stats(srv, &rh, &rm);
	fprintf(f,
		"# HELP vigil_report_cache_total Reports answered from memory (hit) or the store.\n"
		"# TYPE vigil_report_cache_total counter\nvigil_report_cache_total{result=\"hit\"} "
		"%lld\nvigil_report_cache_total{result=\"miss\"} %lld\n",
		rh, rm);
	if (fclose(f) != 0) {
		free(buf);
		err(status, out, 500, "out of memory");
		return;
	}
	*out = buf;
	*status = 200;
}

/* GET /api/v1/admissions?namespace=&allowed=true|false&limit=&after= */
static void admissions(vigil_server *srv, const vigil_serve_req *req, int *status, char **out)
{
	vigil_store_admission_filter f = {NULL, -1, 0, 50};
	const char *lim = NULL, *al = NULL, *after_id = NULL;
	char *json = NULL;
	uint64_t v;
	if (req->arg) {
		f.namespace = req->arg(req->arg_payload, "namespace");
		lim = req->arg(req->arg_payload, "limit");
		al = req->arg(req->arg_payload, "allowed");
		after_id = req->arg(req->arg_payload, "after");
	}
	if (lim && (vigil_parse_uint(&v, lim, 500) < 0 || v == 0)) {
		err(status, out, 400, "limit must be 1 to 500");
		return;
	}
	if (lim)
		f.limit = (int)v;
	if (al && strcmp(al, "true") && strcmp(al, "false")) {
		err(status, out, 400, "allowed must be true or false");
		return;
	}
	if (al)
		f.allowed = !strcmp(al, "true");
	if (after_id && (vigil_parse_uint(&v, after_id, INT64_MAX) < 0 || v == 0)) {
		err(status, out, 400, "after must be an id from \"next\"");
		return;
	}
	if (after_id)
		f.before = (int64_t)v;
	vigil_serve__admission_flush(srv); /* every decision made so far */
	answer(status, out, vigil_store_admissions_json(srv->store, &json, &f), &json, 200);
}

/* Route table helpers: `rest` is the path after the prefix when it starts with it. */
static const char *after(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(path, prefix, n) ? NULL : path + n;
}

void vigil_serve__handle(vigil_server *srv, const vigil_serve_req *req, int *status, char **out,
			 const char **content_type)
{
	const char *m = req->method, *p = req->path, *rest;
	int get = !strcmp(m, "GET"), post = !strcmp(m, "POST"), del = !strcmp(m, "DELETE");
	unsigned need = 0, have;
	char *json = NULL;
	int error;

	*out = NULL;
	*content_type = JSON_TYPE;
	atomic_fetch_add(&srv->requests, 1);
	if (!strcmp(p, "/healthz")) {
		if (!get) {
			err(status, out, 405, "method not allowed");
			return;
		}
		/* the store must answer: a load balancer takes a node without it out */
		if (vigil_store_ping(srv->store) < 0) {
			err(status, out, 503, "store unreachable: %s", vigil_store_error());
			return;
		}
		*out = strdup("{\"status\":\"ok\"}");
		*status = 200;
		return;
	}
	if (!strcmp(p, "/k8s/admission")) { /* the API server: TLS, no bearer token */
		if (!post)
			err(status, out, 405, "method not allowed");
		else
			vigil_serve__admission(srv, req, status, out);
		if (!*out)
			err(status, out, 500, "out of memory");
		return;
	}
	if (strncmp(p, "/api/v1/", 8) && strcmp(p, "/metrics")) {
		err(status, out, 404, "no such endpoint");
		return;
	}
	/* every route needs a token: read for GET, scan to queue, admin for the rest */
	need = get ? VIGIL_SCOPE_READ : VIGIL_SCOPE_ADMIN;
	if (post && (!strcmp(p, "/api/v1/scans") || !strcmp(p, "/api/v1/events/registry") ||
		     !strcmp(p, "/api/v1/events/runtime")))
		need = VIGIL_SCOPE_SCAN;
	if (get && (after(p, "/api/v1/webhooks") || after(p, "/api/v1/registries/")))
		need = VIGIL_SCOPE_ADMIN;
	have = scopes_of(srv, req->authorization);
	if (!have) {
		err(status, out, 401, "a valid bearer token is required");
		return;
	}
	if ((have & need) != need) {
		err(status, out, 403, "the token lacks the %s scope",
		    need == VIGIL_SCOPE_READ   ? "read"
		    : need == VIGIL_SCOPE_SCAN ? "scan"
					       : "admin");
		return;
	}

	if (vigil_serve__registries_route(srv, req, status, out)) {
		/* watched registries (poll.c) */
	} else if (vigil_serve__dashboard(srv, req, status, out)) {
		/* the dashboard's routes (dashboard.c) */
	} else if (!strcmp(p, "/metrics") && get) {
		metrics(srv, status, out);
		*content_type = "text/plain; version=0.0.4";
	} else if (!strcmp(p, "/api/v1/scans") && post) {
		post_scan(srv, req, status, out);
	} else if ((rest = after(p, "/api/v1/scans/")) && get) {
		int64_t id = parse_id(rest, strlen(rest));
		if (id < 0)
			err(status, out, 404, "no such scan");
		else
			answer(status, out, vigil_store_job_json(srv->store, &json, id), &json,
			       200);
	} else if (!strcmp(p, "/api/v1/images") && get) {
		vigil_store_filter f = {0};
		const char *lim = req->arg ? req->arg(req->arg_payload, "limit") : NULL;
		uint64_t l = 50;
		if (req->arg) {
			f.repository = req->arg(req->arg_payload, "repository");
			f.severity = req->arg(req->arg_payload, "severity");
			f.vuln = req->arg(req->arg_payload, "vulnerability");
			if (!f.vuln)
				f.vuln = req->arg(req->arg_payload, "cve");
			f.package = req->arg(req->arg_payload, "package");
			f.after = req->arg(req->arg_payload, "after");
		}
		if (lim && (vigil_parse_uint(&l, lim, 500) < 0 || l == 0)) {
			err(status, out, 400, "limit must be 1 to 500");
			return;
		}
		f.limit = (int)l;
		answer(status, out, vigil_store_images_json(srv->store, &json, &f), &json, 200);
	} else if ((rest = after(p, "/api/v1/images/")) && get) {
		char digest[80];
		size_t n = strcspn(rest, "/");
		if (n >= sizeof(digest)) {
			err(status, out, 404, "no such image");
			return;
		}
		memcpy(digest, rest, n);
		digest[n] = '\0';
		if (!is_digest_seg(digest))
			err(status, out, 400, "not a sha256 digest");
		else if (rest[n] == '\0')
			answer(status, out, vigil_serve__report(srv, &json, digest), &json, 200);
		else if (!strcmp(rest + n, "/history"))
			answer(status, out, vigil_store_history_json(srv->store, &json, digest),
			       &json, 200);
		else
			err(status, out, 404, "no such endpoint");
	} else if ((rest = after(p, "/api/v1/vulnerabilities/")) && get) {
		size_t n = strcspn(rest, "/");
		char id[128];
		if (n == 0 || n >= sizeof(id) || strcmp(rest + n, "/images")) {
			err(status, out, 404, "no such endpoint");
			return;
		}
		memcpy(id, rest, n);
		id[n] = '\0';
		answer(status, out, vigil_store_vuln_images_json(srv->store, &json, id), &json,
		       200);
	} else if (!strcmp(p, "/api/v1/admissions") && get) {
		admissions(srv, req, status, out);
	} else if (!strcmp(p, "/api/v1/db") && get) {
		get_db(srv, status, out);
	} else if (!strcmp(p, "/api/v1/db/update") && post) {
		int64_t id;
		if (!srv->o.db_from)
			err(status, out, 409, "the server has no --db-from source");
		else if ((error = vigil_store_job_add(srv->store, &id, "dbupdate", NULL, NULL,
						      NULL)) < 0)
			err(status, out, 500, "%s", vigil_store_error());
		else {
			json_t *r =
				json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "queued");
			*out = r ? json_dumps(r, JSON_COMPACT) : NULL;
			json_decref(r);
			*status = 202;
			vigil_serve__kick(srv);
		}
	} else if (vigil_serve__runtime_events(srv, req, status, out)) {
		/* vigil watch's alerts (runtime_events.c) */
	} else if (!strcmp(p, "/api/v1/events/registry") && post) {
		post_events(srv, req, status, out);
	} else if (!strcmp(p, "/api/v1/webhooks") && post) {
		post_webhook(srv, req, status, out);
	} else if (!strcmp(p, "/api/v1/webhooks") && get) {
		answer(status, out, vigil_store_webhooks_json(srv->store, &json), &json, 200);
	} else if ((rest = after(p, "/api/v1/webhooks/")) && (get || del)) {
		size_t n = strcspn(rest, "/");
		int64_t id = parse_id(rest, n);
		if (id < 0)
			err(status, out, 404, "no such webhook");
		else if (del && rest[n] == '\0') {
			if ((error = vigil_store_webhook_delete(srv->store, id)) < 0)
				err(status, out, http_of(error), "%s", vigil_store_error());
			else {
				*out = strdup("{\"deleted\":true}");
				*status = 200;
			}
		} else if (get && !strcmp(rest + n, "/deliveries"))
			answer(status, out, vigil_store_deliveries_json(srv->store, &json, id),
			       &json, 200);
		else
			err(status, out, 404, "no such endpoint");
	} else {
		err(status, out, strncmp(p, "/api/v1/", 8) ? 404 : 405,
		    "no such endpoint or method");
	}
	if (!*out)
		err(status, out, 500, "out of memory");
}
