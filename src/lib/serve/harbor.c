/*
 * harbor.c - Harbor's Pluggable Scanner API v1.2 under /harbor/api/v1 of `vigil serve`:
 * GET metadata, POST scan (queued as an ordinary scan job of the registry reference,
 * pulled with the authorization Harbor sends) and GET scan/{id}/report (302 with
 * Refresh-After while the job runs; Harbor's vulnerability report 1.0 / 1.1, Vigil's raw
 * JSON report, or an SBOM report holding CycloneDX or SPDX). docs/harbor.md.
 *
 * The registry authorization of a request is kept in memory only, for its job, and is
 * dropped when the job starts: it never reaches the store or the log.
 */
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/harbor.h"
#include "serve/internal.h"
#include "util/util.h"

#define REFRESH_AFTER "3" /* seconds Harbor waits before asking again */
#define MAX_PENDING 4096  /* Harbor requests remembered (credentials until their job starts) */

/* ---- pending credentials, per job ------------------------------------------------------- */

/* One Harbor scan request: its credentials until its job starts (then only the tag and
 * media type remain, for the report's artifact). */
typedef struct pending {
	int64_t id;
	int taken;
	vigil_harbor_scan scan;
} pending;

struct vigil_harbor_state {
	pthread_mutex_t mu;
	pending *v;
	size_t n;
};

static pthread_mutex_t init_mu = PTHREAD_MUTEX_INITIALIZER;

static struct vigil_harbor_state *state_of(vigil_server *srv)
{
	pthread_mutex_lock(&init_mu);
	if (!srv->harbor && (srv->harbor = calloc(1, sizeof(*srv->harbor)))) {
		if (!(srv->harbor->v = calloc(MAX_PENDING, sizeof(pending)))) {
			free(srv->harbor);
			srv->harbor = NULL;
		} else {
			pthread_mutex_init(&srv->harbor->mu, NULL);
		}
	}
	pthread_mutex_unlock(&init_mu);
	return srv->harbor;
}

void vigil_serve__harbor_free(vigil_server *srv)
{
	struct vigil_harbor_state *h = srv->harbor;
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++)
		vigil_serve__harbor_scan_clear(&h->v[i].scan);
	free(h->v);
	pthread_mutex_destroy(&h->mu);
	free(h);
	srv->harbor = NULL;
}

/* Keeps the request's credentials for job `id` (moved out of *s); the oldest entry goes
 * when the table is full (its job then pulls without them). */
static int pending_add(vigil_server *srv, int64_t id, vigil_harbor_scan *s)
{
	struct vigil_harbor_state *h = state_of(srv);
	if (!h)
		return VIGIL_ENOMEM;
	pthread_mutex_lock(&h->mu);
	if (h->n == MAX_PENDING) {
		vigil_serve__harbor_scan_clear(&h->v[0].scan);
		memmove(h->v, h->v + 1, (MAX_PENDING - 1) * sizeof(pending));
		h->n--;
	}
	h->v[h->n].id = id;
	h->v[h->n].taken = 0;
	h->v[h->n].scan = *s;
	h->n++;
	memset(s, 0, sizeof(*s));
	pthread_mutex_unlock(&h->mu);
	return 0;
}

static struct vigil_harbor_state *state_if_any(vigil_server *srv)
{
	pthread_mutex_lock(&init_mu);
	struct vigil_harbor_state *h = srv->harbor;
	pthread_mutex_unlock(&init_mu);
	return h;
}

/* Takes job `id`'s request (with its credentials) out of the table once: 1 and *out, or
 * 0. The entry stays, without credentials, for the_artifact(). */
static int pending_take(vigil_server *srv, int64_t id, vigil_harbor_scan *out)
{
	struct vigil_harbor_state *h = state_if_any(srv);
	int found = 0;
	if (!h)
		return 0;
	pthread_mutex_lock(&h->mu);
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].id == id && !h->v[i].taken) {
			*out = h->v[i].scan;
			h->v[i].scan.authorization = NULL; /* moved to *out */
			h->v[i].taken = 1;
			found = 1;
			break;
		}
	pthread_mutex_unlock(&h->mu);
	return found;
}

/* The tag and artifact media type Harbor sent for job `id`, when still remembered. */
static void the_artifact(vigil_server *srv, int64_t id, char tag[130], char mt[128])
{
	struct vigil_harbor_state *h = state_if_any(srv);
	tag[0] = mt[0] = '\0';
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].id == id) {
			memcpy(tag, h->v[i].scan.tag, sizeof(h->v[i].scan.tag));
			memcpy(mt, h->v[i].scan.mime_type, sizeof(h->v[i].scan.mime_type));
			break;
		}
	pthread_mutex_unlock(&h->mu);
}

struct vigil_harbor_job {
	vigil_harbor_scan scan;
	char *user, *pass;
	const char *insecure[66];
};

vigil_harbor_job *vigil_serve__harbor_job_opts(vigil_server *srv, int64_t id,
					       vigil_registry_opts *ro)
{
	vigil_harbor_job *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	if (!pending_take(srv, id, &j->scan)) {
		free(j);
		return NULL;
	}
	const char *a = j->scan.authorization;
	if (a && !strncasecmp(a, "Bearer ", 7)) {
		ro->bearer_token = a + 7;
	} else if (a && !strncasecmp(a, "Basic ", 6)) {
		const char *b = a + 6;
		size_t bn = strlen(b);
		unsigned char *dec = malloc(bn + 1);
		int len = dec ? EVP_DecodeBlock(dec, (const unsigned char *)b, (int)bn) : -1;
		if (len > 0) {
			for (size_t i = bn; i > 0 && b[i - 1] == '='; i--)
				len--;
			dec[len] = '\0';
			char *colon = strchr((char *)dec, ':');
			if (colon) {
				*colon = '\0';
				j->user = strdup((char *)dec);
				j->pass = strdup(colon + 1);
				if (j->user && j->pass) {
					ro->username = j->user;
					ro->password = j->pass;
				}
			}
		}
		if (dec) {
			OPENSSL_cleanse(dec, bn + 1);
			free(dec);
		}
	}
	if (j->scan.plain_http) {
		/* Harbor named an http:// registry: plain HTTP for that host */
		size_t n = 0;
		for (const char *const *h = ro->insecure; h && *h && n < 64; h++)
			j->insecure[n++] = *h;
		j->insecure[n++] = j->scan.host;
		j->insecure[n] = NULL;
		ro->insecure = j->insecure;
	}
	return j;
}

void vigil_serve__harbor_job_free(vigil_harbor_job *j)
{
	if (!j)
		return;
	if (j->user)
		OPENSSL_cleanse(j->user, strlen(j->user));
	if (j->pass)
		OPENSSL_cleanse(j->pass, strlen(j->pass));
	free(j->user);
	free(j->pass);
	vigil_serve__harbor_scan_clear(&j->scan);
	free(j);
}

/* ---- answers ---------------------------------------------------------------------------- */

/* The spec's error envelope {"error":{"message":...}}. */
static void herr(vigil_harbor_resp *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void herr(vigil_harbor_resp *r, int code, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *o = json_pack("{s:{s:s}}", "error", "message", msg);
	free(r->body);
	r->body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	r->status = code;
	r->content_type = ERROR_TYPE;
}

static void reply(vigil_harbor_resp *r, int code, const char *type, json_t *o)
{
	free(r->body);
	r->body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	r->status = code;
	r->content_type = type;
	if (!r->body)
		herr(r, 500, "out of memory");
}

static void now_rfc3339(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + k, n - k, ".%03ldZ", ts.tv_nsec / 1000000);
}

static json_t *scanner_obj(void)
{
	return json_pack("{s:s, s:s, s:s}", "name", "Vigil", "vendor", "Vigil", "version",
			 VIGIL_VERSION);
}

static void metadata(vigil_server *srv, vigil_harbor_resp *r)
{
	char built[64] = "";
	pthread_rwlock_rdlock(&srv->engine_lock);
	const char *b = srv->engine ? vigil_engine_db_built(srv->engine) : NULL;
	if (b)
		snprintf(built, sizeof(built), "%s", b);
	pthread_rwlock_unlock(&srv->engine_lock);
	json_t *props = json_pack("{s:s, s:s}", "harbor.scanner-adapter/scanner-type",
				  "os-package-vulnerability",
				  "harbor.scanner-adapter/"
				  "vulnerability-database-updated-at",
				  built);
	if (props && !built[0])
		json_object_del(props, "harbor.scanner-adapter/vulnerability-database-updated-at");
	json_t *o = json_pack(
		"{s:o, s:[{s:s, s:[s,s], s:[s,s,s]}, {s:s, s:[s,s], s:[s], s:{s:[s,s]}}], s:o*}",
		"scanner", scanner_obj(), "capabilities", "type", "vulnerability",
		"consumes_mime_types", MT_OCI, MT_DOCKER, "produces_mime_types", R_HARBOR,
		R_SECURITY, R_RAW, "type", "sbom", "consumes_mime_types", MT_OCI, MT_DOCKER,
		"produces_mime_types", R_SBOM, "additional_attributes", "sbom_media_types",
		SBOM_SPDX, SBOM_CDX, "properties", props);
	reply(r, 200, META_TYPE, o);
}

static void post_scan(vigil_server *srv, const vigil_serve_req *req, vigil_harbor_resp *r)
{
	vigil_harbor_scan s;
	char msg[600], ref[600], idbuf[32];
	int64_t id;
	int code;
	if (req->body_too_large) {
		herr(r, 413, "request body too large");
		return;
	}
	if ((code = vigil_serve__harbor_parse(&s, req->body, req->body_len, msg, sizeof(msg)))) {
		herr(r, code, "%s", msg);
		return;
	}
	snprintf(ref, sizeof(ref), "%s/%s@%s", s.host, s.repository, s.digest);
	if (vigil_serve__check_ref(srv, ref, msg, sizeof(msg)) < 0) {
		herr(r, 422, "%s", msg);
	} else if (vigil_store_job_add(srv->store, &id, "scan", ref, s.repository,
				       s.tag[0] ? s.tag : NULL) < 0) {
		herr(r, 500, "%s", vigil_store_error());
	} else if (pending_add(srv, id, &s) < 0) {
		herr(r, 500, "out of memory");
	} else {
		snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
		reply(r, 202, SCAN_RESP_TYPE, json_pack("{s:s}", "id", idbuf));
		vigil_serve__log("info", "harbor scan queued", "image", ref, "id", idbuf, NULL);
		vigil_serve__kick(srv);
	}
	vigil_serve__harbor_scan_clear(&s);
}

/* Which report the Accept header asks for: 0 harbor 1.0, 1 security 1.1, 2 raw, 3 sbom,
 * -1 none we make. Each listed type is compared without spaces, case and q values. */
static int wanted_report(const char *accept)
{
	static const char *const TYPES[4] = {R_HARBOR, R_SECURITY, R_RAW, R_SBOM};
	if (!accept || !*accept)
		return 0;
	for (const char *p = accept; *p;) {
		size_t n = strcspn(p, ","), k = 0;
		char norm[256];
		for (size_t i = 0; i < n && k + 1 < sizeof(norm); i++) {
			char c = p[i];
			if (c == ' ' || c == '\t')
				continue;
			norm[k++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		}
		norm[k] = '\0';
		char *q = strstr(norm, ";q=");
		if (q)
			*q = '\0';
		if (!strcmp(norm, "*/*") || !strcmp(norm, "application/*") ||
		    !strcmp(norm, "application/json"))
			return 0;
		for (int t = 0; t < 4; t++) {
			char want[128];
			size_t w = 0;
			for (const char *s = TYPES[t]; *s && w + 1 < sizeof(want); s++)
				if (*s != ' ')
					want[w++] = *s;
			want[w] = '\0';
			if (!strcmp(norm, want))
				return t;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return -1;
}

static const char *harbor_severity(const char *s)
{
	static const char *const IN[6] = {"CRITICAL", "HIGH",	    "MEDIUM",
					  "LOW",      "NEGLIGIBLE", "UNKNOWN"};
	static const char *const OUT[6] = {"Critical", "High",	     "Medium",
					   "Low",      "Negligible", "Unknown"};
	for (int i = 0; s && i < 6; i++)
		if (!strcmp(s, IN[i]))
			return OUT[i];
	return "Unknown";
}

/* A JSON string's value, or "". */
static const char *sv(json_t *v)
{
	const char *s = json_string_value(v);
	return s ? s : "";
}

static int severity_rank(const char *h)
{
	static const char *const ORDER[6] = {"Unknown", "Negligible", "Low",
					     "Medium",	"High",	      "Critical"};
	for (int i = 0; i < 6; i++)
		if (!strcmp(h, ORDER[i]))
			return i;
	return 0;
}

/* The artifact of a job: repository from its reference, digest, tag and media type
 * when known. */
static json_t *artifact_obj(json_t *job, const char *repo, const char *tag, const char *mt)
{
	json_t *a = json_object();
	const char *digest = json_string_value(json_object_get(job, "digest"));
	if (!a)
		return NULL;
	json_object_set_new(a, "repository", json_string(repo));
	if (digest)
		json_object_set_new(a, "digest", json_string(digest));
	if (tag && *tag)
		json_object_set_new(a, "tag", json_string(tag));
	if (mt && *mt)
		json_object_set_new(a, "mime_type", json_string(mt));
	return a;
}

/* Harbor's vulnerability report from Vigil's JSON report; version 1.1 adds CVSS, CWE ids
 * and vendor attributes. */
static json_t *vuln_report(json_t *report, json_t *artifact, int v11)
{
	char ts[40];
	int top = 0;
	json_t *vulns = json_array(), *v;
	size_t i;
	now_rfc3339(ts, sizeof(ts));
	json_array_foreach(json_object_get(report, "vulnerabilities"), i, v)
	{
		json_t *pkg = json_object_get(v, "package");
		json_t *cvss = json_object_get(v, "cvss");
		const char *sev =
			harbor_severity(json_string_value(json_object_get(v, "severity")));
		const char *title = json_string_value(json_object_get(v, "title"));
		const char *fix = json_string_value(json_object_get(v, "fixed_version"));
		json_t *links = json_array(), *u;
		size_t k;
		if (severity_rank(sev) > top)
			top = severity_rank(sev);
		json_array_foreach(json_object_get(v, "references"), k, u) if (json_is_string(u))
			json_array_append(links, u);
		json_t *item = json_pack("{s:O, s:s, s:s, s:s, s:s, s:s, s:o}", "id",
					 json_object_get(v, "id"), "package",
					 sv(json_object_get(pkg, "name")), "version",
					 sv(json_object_get(pkg, "version")), "fix_version",
					 fix ? fix : "", "severity", sev, "description",
					 title ? title : "", "links", links ? links : json_array());
		if (!item)
			continue;
		if (v11) {
			json_t *pc = json_object();
			const char *vec = json_string_value(json_object_get(cvss, "vector"));
			json_t *score = json_object_get(cvss, "score");
			if (pc && vec && !strncmp(vec, "CVSS:3", 6)) {
				json_object_set_new(pc, "vector_v3", json_string(vec));
				if (json_is_number(score))
					json_object_set(pc, "score_v3", score);
			} else if (pc && vec) {
				json_object_set_new(pc, "vector_v2", json_string(vec));
				if (json_is_number(score))
					json_object_set(pc, "score_v2", score);
			}
			json_object_set_new(item, "preferred_cvss", pc);
			json_object_set_new(item, "cwe_ids", json_array());
			json_t *layer = json_object_get(v, "layer");
			json_object_set_new(
				item, "vendor_attributes",
				json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}",
					  "status", json_object_get(v, "status"), "known_exploited",
					  json_object_get(v, "known_exploited"), "severity_source",
					  json_object_get(v, "severity_source"), "aliases",
					  json_object_get(v, "aliases"), "feeds",
					  json_object_get(v, "feeds"), "purl",
					  json_object_get(pkg, "purl"), "package_type",
					  json_object_get(pkg, "type"), "layer", layer));
		}
		json_array_append_new(vulns, item);
	}
	static const char *const ORDER[6] = {"Unknown", "Negligible", "Low",
					     "Medium",	"High",	      "Critical"};
	return json_pack("{s:s, s:O, s:o, s:s, s:o}", "generated_at", ts, "artifact", artifact,
			 "scanner", scanner_obj(), "severity", ORDER[top], "vulnerabilities",
			 vulns ? vulns : json_array());
}

/* The SBOM report: the stored inventory written by the SBOM writer. */
static void sbom_report(vigil_server *srv, vigil_harbor_resp *r, const char *digest,
			json_t *artifact, const char *media_type, const char *name)
{
	char *inv = NULL, *doc = NULL, ts[40];
	size_t len = 0;
	vigil_ctx *ctx = NULL;
	vigil_scan_result *res = NULL;
	vigil_scan_opts so = VIGIL_SCAN_OPTS_INIT;
	FILE *f = NULL;
	int error;
	if ((error = vigil_store_inventory(srv->store, &inv, digest)) < 0) {
		herr(r, 500, "%s", vigil_store_error());
		return;
	}
	if (vigil_ctx_new(&ctx) < 0 ||
	    vigil_scan_result_load_inventory_buffer(&res, ctx, digest, inv, strlen(inv), &so) < 0) {
		herr(r, 500, "the stored inventory cannot be read: %s",
		     ctx ? vigil_ctx_error(ctx) : "out of memory");
		goto done;
	}
	if (!(f = open_memstream(&doc, &len))) {
		herr(r, 500, "out of memory");
		goto done;
	}
	error = vigil_sbom_write(f, vigil_scan_result_inventory(res), NULL,
				 strcmp(media_type, SBOM_SPDX) ? "cyclonedx" : "spdx", name);
	if (fclose(f) != 0 || error < 0) {
		herr(r, 500, "cannot write the SBOM");
		goto done;
	}
	json_t *sbom = json_loadb(doc, len, 0, NULL);
	if (!sbom) {
		herr(r, 500, "the SBOM writer made invalid JSON");
		goto done;
	}
	now_rfc3339(ts, sizeof(ts));
	reply(r, 200, R_SBOM,
	      json_pack("{s:s, s:O, s:o, s:{s:s}, s:s, s:o}", "generated_at", ts, "artifact",
			artifact, "scanner", scanner_obj(), "vendor_attributes", "generator",
			"vigil", "media_type", media_type, "sbom", sbom));
done:
	free(doc);
	free(inv);
	vigil_scan_result_free(res);
	vigil_ctx_free(ctx);
}

static void get_report(vigil_server *srv, const vigil_serve_req *req, const char *id_s,
		       vigil_harbor_resp *r)
{
	char *js = NULL, repo[300] = "", tag[130] = "", name[600];
	int64_t id = 0;
	size_t n = strlen(id_s);
	int kind = wanted_report(req->accept);
	const char *smt = req->arg ? req->arg(req->arg_payload, "sbom_media_type") : NULL;
	json_t *job = NULL, *artifact = NULL;

	if (n == 0 || n > 18 || strspn(id_s, "0123456789") != n) {
		herr(r, 404, "no scan request with that id");
		return;
	}
	for (size_t i = 0; i < n; i++)
		id = id * 10 + (id_s[i] - '0');
	if (kind < 0) {
		herr(r, 501,
		     "cannot produce the report types in Accept; produced: " R_HARBOR
		     ", " R_SECURITY ", " R_RAW ", " R_SBOM);
		return;
	}
	if (kind == 3 && (!smt || (strcmp(smt, SBOM_SPDX) && strcmp(smt, SBOM_CDX)))) {
		herr(r, 400, "an SBOM report needs ?sbom_media_type=" SBOM_SPDX " or " SBOM_CDX);
		return;
	}
	int error = vigil_store_job_json(srv->store, &js, id);
	if (error == VIGIL_ENOTFOUND || (error == 0 && !(job = json_loads(js, 0, NULL)))) {
		herr(r, error == VIGIL_ENOTFOUND ? 404 : 500, "no scan request with that id");
		goto done;
	}
	if (error < 0) {
		herr(r, 500, "%s", vigil_store_error());
		goto done;
	}
	const char *kd = json_string_value(json_object_get(job, "kind"));
	const char *status = json_string_value(json_object_get(job, "status"));
	const char *ref = json_string_value(json_object_get(job, "image"));
	if (!kd || strcmp(kd, "scan") || !status || !ref) {
		herr(r, 404, "no scan request with that id");
		goto done;
	}
	if (!strcmp(status, "queued") || !strcmp(status, "running")) {
		free(r->body);
		r->body = strdup("");
		r->status = 302;
		r->content_type = "text/plain";
		r->refresh_after = REFRESH_AFTER;
		goto done;
	}
	if (strcmp(status, "done")) {
		const char *e = json_string_value(json_object_get(job, "error"));
		herr(r, 500, "the scan failed: %s", e ? e : status);
		goto done;
	}
	json_t *report = json_object_get(job, "report");
	const char *digest = json_string_value(json_object_get(job, "digest"));
	if (!json_is_object(report) || !digest) {
		herr(r, 500, "the scan has no stored report");
		goto done;
	}
	vigil_ref *pr = NULL;
	const char *why;
	if (vigil_ref_parse(&pr, ref, &why) == 0) {
		snprintf(repo, sizeof(repo), "%s", pr->repo);
		snprintf(tag, sizeof(tag), "%s", pr->tag ? pr->tag : "");
		vigil_ref_free(pr);
	}
	/* the tag and media type Harbor named, while the server remembers them */
	char htag[130], mt[128];
	the_artifact(srv, id, htag, mt);
	if (htag[0])
		snprintf(tag, sizeof(tag), "%s", htag);
	if (!(artifact = artifact_obj(job, repo, tag, mt))) {
		herr(r, 500, "out of memory");
		goto done;
	}
	switch (kind) {
	case 0:
	case 1:
		reply(r, 200, kind ? R_SECURITY : R_HARBOR, vuln_report(report, artifact, kind));
		break;
	case 2:
		reply(r, 200, R_RAW, json_incref(report));
		break;
	default:
		snprintf(name, sizeof(name), "%s@%s", repo, digest);
		sbom_report(srv, r, digest, artifact, smt, name);
	}
done:
	json_decref(artifact);
	json_decref(job);
	free(js);
}

/* Harbor authenticates as configured for the scanner: "Authorization: Bearer TOKEN",
 * "Authorization: Basic BASE64(NAME:TOKEN)" or "X-ScannerAdapter-API-Key: TOKEN", TOKEN a
 * Vigil API token. */
static unsigned harbor_scopes(vigil_server *srv, const char *authz, const char *api_key)
{
	unsigned sc = 0;
	char tok[256] = "";
	if (!authz && api_key)
		snprintf(tok, sizeof(tok), "%s", api_key);
	else if (!authz)
		return 0;
	else if (!strncasecmp(authz, "Bearer ", 7)) {
		snprintf(tok, sizeof(tok), "%s", authz + 7);
	} else if (!strncasecmp(authz, "Basic ", 6)) {
		unsigned char dec[400];
		const char *b = authz + 6;
		size_t bn = strlen(b);
		if (bn == 0 || bn % 4 || bn > 512)
			return 0;
		int len = EVP_DecodeBlock(dec, (const unsigned char *)b, (int)bn);
		if (len <= 0)
			return 0;
		for (size_t i = bn; i > 0 && b[i - 1] == '='; i--)
			len--;
		dec[len] = '\0';
		char *colon = memchr(dec, ':', (size_t)len);
		if (colon)
			snprintf(tok, sizeof(tok), "%s", colon + 1);
		OPENSSL_cleanse(dec, sizeof(dec));
	}
	int bad = !tok[0] || vigil_store_token_check(srv->store, &sc, tok) < 0;
	OPENSSL_cleanse(tok, sizeof(tok));
	if (bad)
		return 0;
	return sc & VIGIL_SCOPE_ADMIN ? VIGIL_SCOPE_READ | VIGIL_SCOPE_SCAN | VIGIL_SCOPE_ADMIN
				      : sc;
}

void vigil_serve__harbor(vigil_server *srv, const vigil_serve_req *req, vigil_harbor_resp *r)
{
	const char *p = req->path + strlen("/harbor/api/v1");
	int get = !strcmp(req->method, "GET"), post = !strcmp(req->method, "POST");
	unsigned need = post ? VIGIL_SCOPE_SCAN : VIGIL_SCOPE_READ, have;

	memset(r, 0, sizeof(*r));
	atomic_fetch_add(&srv->requests, 1);
	if (strncmp(req->path, "/harbor/api/v1/", 15)) {
		herr(r, 404, "no such endpoint");
		return;
	}
	if (!(have = harbor_scopes(srv, req->authorization, req->api_key))) {
		herr(r, 401,
		     "a valid Vigil API token is required (Bearer, Basic NAME:TOKEN or "
		     "X-ScannerAdapter-API-Key)");
		return;
	}
	if ((have & need) != need) {
		herr(r, 403, "the token lacks the %s scope", post ? "scan" : "read");
		return;
	}
	if (!strcmp(p, "/metadata")) {
		if (get)
			metadata(srv, r);
		else
			herr(r, 405, "method not allowed");
	} else if (!strcmp(p, "/scan")) {
		if (post)
			post_scan(srv, req, r);
		else
			herr(r, 405, "method not allowed");
	} else if (!strncmp(p, "/scan/", 6) && strlen(p) > 13 &&
		   !strcmp(p + strlen(p) - 7, "/report")) {
		char id[32];
		size_t n = strlen(p) - 6 - 7;
		if (!get) {
			herr(r, 405, "method not allowed");
		} else if (n == 0 || n >= sizeof(id)) {
			herr(r, 404, "no scan request with that id");
		} else {
			memcpy(id, p + 6, n);
			id[n] = '\0';
			get_report(srv, req, id, r);
		}
	} else {
		herr(r, 404, "no such endpoint");
	}
	if (!r->body)
		herr(r, 500, "out of memory");
}
