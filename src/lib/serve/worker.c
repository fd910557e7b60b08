/*
 * worker.c - what `vigil serve` does besides answering: scan workers that take jobs from
 * the store's queue (scans and database updates followed by a re-evaluation of every
 * stored inventory), the webhook deliverer, signatures and the JSON-lines log.
 */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "serve/internal.h"
#include "util/util.h"

static const char *const SEVS[6] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN"};

void vigil_serve__log(const char *level, const char *msg, ...)
{
	char ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	json_t *o = json_object();
	if (!o)
		return;
	char tbuf[48];
	snprintf(tbuf, sizeof(tbuf), "%s.%03ldZ", ts, now.tv_nsec / 1000000);
	json_object_set_new(o, "time", json_string(tbuf));
	json_object_set_new(o, "level", json_string(level));
	json_object_set_new(o, "msg", json_string(msg));
	va_start(ap, msg);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		/* a value that is not valid UTF-8 is left out rather than dropping the line */
		json_t *js = v ? json_string(v) : json_null();
		json_object_set_new(o, k, js ? js : json_string("(not UTF-8)"));
	}
	va_end(ap);
	char *line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (line) {
		/* one write per line (stderr is unbuffered): lines of threads never interleave */
		size_t n = strlen(line);
		char *nl = realloc(line, n + 2);
		if (nl) {
			line = nl;
			line[n] = '\n';
			line[n + 1] = '\0';
			fwrite(line, 1, n + 1, stderr);
		} else {
			flockfile(stderr);
			fputs(line, stderr);
			fputc('\n', stderr);
			funlockfile(stderr);
		}
		free(line);
	}
}

void vigil_serve__kick(vigil_server *srv)
{
	pthread_mutex_lock(&srv->mu);
	pthread_cond_broadcast(&srv->work);
	pthread_mutex_unlock(&srv->mu);
}

int vigil_serve__sign(char *out, size_t outlen, const char *secret, int64_t t, const char *body)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char prefix[32];
	int n = snprintf(prefix, sizeof(prefix), "%lld.", (long long)t);
	size_t blen = strlen(body);
	unsigned char *msgbuf = malloc((size_t)n + blen + 1);
	int ok = msgbuf != NULL;
	if (ok) {
		memcpy(msgbuf, prefix, (size_t)n);
		memcpy(msgbuf + n, body, blen);
		ok = HMAC(EVP_sha256(), secret, (int)strlen(secret), msgbuf, (size_t)n + blen, mac,
			  &maclen) != NULL;
	}
	free(msgbuf);
	if (!ok || outlen < 32 + 2 * maclen)
		return VIGIL_ENOMEM;
	size_t off = (size_t)snprintf(out, outlen, "t=%lld,v1=", (long long)t);
	for (unsigned i = 0; i < maclen; i++)
		off += (size_t)snprintf(out + off, outlen - off, "%02x", mac[i]);
	return 0;
}

/* "oci:", "docker-archive:", ... prefixes of local references. */
static const char *local_path(const char *ref, int *local)
{
	static const char *const PREFIXES[] = {
		"docker-archive:", "oci-archive:", "oci:", "rootfs:", "fs:", "sbom:"};
	*local = 0;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(PREFIXES); i++)
		if (!strncmp(ref, PREFIXES[i], strlen(PREFIXES[i]))) {
			*local = 1;
			return ref + strlen(PREFIXES[i]);
		}
	if (ref[0] == '/' || ref[0] == '.')
		*local = 1;
	return ref;
}

int vigil_serve__check_ref(vigil_server *srv, const char *ref, char *msg, size_t msglen)
{
	int local;
	char real[PATH_MAX];
	const char *p = local_path(ref, &local);
	if (!local) {
		/* a registry reference: host/repository[:tag|@digest], printable, no spaces */
		for (const unsigned char *c = (const unsigned char *)ref; *c; c++)
			if (*c <= 0x20 || *c >= 0x7f) {
				snprintf(msg, msglen, "malformed image reference");
				return VIGIL_EINVAL;
			}
		return 0;
	}
	if (!srv->images_real[0]) {
		snprintf(msg, msglen,
			 "local image paths are refused: the server has no "
			 "--images-dir");
		return VIGIL_EINVAL;
	}
	if (!realpath(p, real)) {
		snprintf(msg, msglen, "no image at that path under --images-dir");
		return VIGIL_EINVAL;
	}
	size_t n = strlen(srv->images_real);
	if (strncmp(real, srv->images_real, n) || (real[n] != '/' && real[n] != '\0')) {
		snprintf(msg, msglen, "the image path is outside --images-dir");
		return VIGIL_EINVAL;
	}
	return 0;
}

/* ---- findings into store rows ---------------------------------------------------------- */

typedef struct scan_rows {
	char **vulns, **pkgkeys; /* NULL-terminated */
	int64_t counts[6];
	char *report, *inventory;
} scan_rows;

static void rows_free(scan_rows *r)
{
	for (size_t i = 0; r->vulns && r->vulns[i]; i++)
		free(r->vulns[i]);
	for (size_t i = 0; r->pkgkeys && r->pkgkeys[i]; i++)
		free(r->pkgkeys[i]);
	free(r->vulns);
	free(r->pkgkeys);
	free(r->report);
	free(r->inventory);
	memset(r, 0, sizeof(*r));
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The report, the vulnerability keys, counts and (with_inventory) the inventory and its
 * package keys of a result. */
static int rows_of(scan_rows *r, vigil_scan_result *res, int with_inventory)
{
	size_t n = vigil_scan_result_count(res), nv = 0, len = 0;
	FILE *f;
	memset(r, 0, sizeof(*r));
	if (!(r->vulns = calloc(n + 1, sizeof(char *))))
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const vigil_finding *fd = vigil_scan_result_get(res, i);
		if (fd->kind != VIGIL_FINDING_VULN || fd->suppressed)
			continue;
		char *k = NULL;
		if (asprintf(&k, "%s\t%s", fd->id, fd->pkg && fd->pkg->name ? fd->pkg->name : "") <
		    0)
			return VIGIL_ENOMEM;
		r->vulns[nv++] = k;
	}
	vigil_qsort(r->vulns, nv, sizeof(char *), cmpstr);
	/* one key per (id, package); count severities over those */
	size_t w = 0;
	for (size_t i = 0; i < nv; i++) {
		if (w && !strcmp(r->vulns[w - 1], r->vulns[i])) {
			free(r->vulns[i]);
			continue;
		}
		r->vulns[w++] = r->vulns[i];
	}
	r->vulns[w] = NULL;
	for (size_t i = 0; i < n; i++) {
		const vigil_finding *fd = vigil_scan_result_get(res, i);
		if (fd->kind != VIGIL_FINDING_VULN || fd->suppressed)
			continue;
		int k = 5;
		for (int s = 0; s < 6; s++)
			if (fd->severity && !strcmp(fd->severity, SEVS[s]))
				k = s;
		r->counts[k]++;
	}
	if (!(f = open_memstream(&r->report, &len)))
		return VIGIL_ENOMEM;
	int error = vigil_scan_result_write(f, res, "json");
	if (fclose(f) != 0 && error == 0)
		error = VIGIL_ENOMEM;
	if (error < 0 || !with_inventory)
		return error;
	if (!(f = open_memstream(&r->inventory, &len)))
		return VIGIL_ENOMEM;
	error = vigil_scan_result_save_inventory(f, res);
	if (fclose(f) != 0 && error == 0)
		error = VIGIL_ENOMEM;
	if (error < 0)
		return error;
	const vigil_inventory *inv = vigil_scan_result_inventory(res);
	size_t np = inv ? vigil_inventory_count(inv) : 0;
	if (!(r->pkgkeys = calloc(np + 1, sizeof(char *))))
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < np; i++) {
		const vigil_pkg *p = vigil_inventory_pkg(inv, i);
		if (asprintf(&r->pkgkeys[i], "%s\t%s", p->type ? p->type : "",
			     p->name ? p->name : "") < 0) {
			r->pkgkeys[i] = NULL;
			return VIGIL_ENOMEM;
		}
	}
	return 0;
}

/* fs: and sbom: scans have no manifest digest: they are keyed by the digest of their
 * content, the inventory (its distribution and every package's type, group, name,
 * version, location and purl, in the inventory's order); "" when it cannot be made. */
static void content_digest(const vigil_scan_result *res, char out[72])
{
	const vigil_inventory *inv = vigil_scan_result_inventory(res);
	const vigil_distro *d = inv ? vigil_inventory_distro(inv) : NULL;
	vigil_buf b = VIGIL_BUF_INIT;
#define S(x) ((x) ? (x) : "")
	int error = vigil_buf_printf(&b, "vigil-content-v1\n%s\t%s\n", S(d ? d->id : NULL),
				     S(d ? d->version_id : NULL));
	for (size_t i = 0; inv && error == 0 && i < vigil_inventory_count(inv); i++) {
		const vigil_pkg *p = vigil_inventory_pkg(inv, i);
		error = vigil_buf_printf(&b, "%s\t%s\t%s\t%s\t%s\t%s\n", S(p->type), S(p->group),
					 S(p->name), S(p->version), S(p->location), S(p->purl));
	}
#undef S
	out[0] = '\0';
	if (error == 0 && vigil_sha256_buf(out, b.data ? (const char *)b.data : "", b.len) < 0)
		out[0] = '\0';
	vigil_buf_free(&b);
}

/* ---- events ---------------------------------------------------------------------------- */

typedef struct event_ctx {
	vigil_server *srv;
	int64_t job_id;
} event_ctx;

static json_t *image_json(const vigil_store_change *c, const vigil_store_scan *sc)
{
	json_t *tags = json_array();
	for (size_t i = 0; tags && c->tags && c->tags[i]; i++)
		json_array_append_new(tags, json_string(c->tags[i]));
	return json_pack("{s:s, s:s?, s:o}", "digest", sc->digest, "repository", c->repository,
			 "tags", tags);
}

static json_t *keys_json(const char *const *keys, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++) {
		const char *tab = strchr(keys[i], '\t');
		json_array_append_new(a, json_pack("{s:s%, s:s}", "id", keys[i],
						   tab ? (size_t)(tab - keys[i]) : strlen(keys[i]),
						   "package", tab ? tab + 1 : ""));
	}
	return a;
}

static int emit_json(vigil_store_emit_fn emit, void *emit_ctx, const char *event, json_t *o)
{
	char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!body)
		return VIGIL_ENOMEM;
	int rc = emit(event, body, emit_ctx);
	free(body);
	return rc;
}

static int build_events(const vigil_store_change *c, const vigil_store_scan *sc,
			vigil_store_emit_fn emit, void *emit_ctx, void *payload)
{
	event_ctx *ec = payload;
	int64_t t = (int64_t)time(NULL);
	int error = 0;
	json_t *counts = json_object();
	for (int k = 0; counts && k < 6; k++)
		json_object_set_new(counts, SEVS[k], json_integer(sc->counts[k]));
	if (!sc->rematch)
		error = emit_json(emit, emit_ctx, "image.scanned",
				  json_pack("{s:s, s:I, s:I, s:o, s:O, s:s?}", "event",
					    "image.scanned", "time", (json_int_t)t, "scan_id",
					    (json_int_t)ec->job_id, "image", image_json(c, sc),
					    "counts", counts, "db_built", sc->db_built));
	if (error == 0 && c->changed && !c->first)
		error = emit_json(emit, emit_ctx, "vulnerabilities.changed",
				  json_pack("{s:s, s:I, s:o, s:o, s:o, s:O, s:s?}", "event",
					    "vulnerabilities.changed", "time", (json_int_t)t,
					    "image", image_json(c, sc), "added",
					    keys_json(c->added, c->nadded), "removed",
					    keys_json(c->removed, c->nremoved), "counts", counts,
					    "db_built", sc->db_built));
	json_decref(counts);
	return error;
}

/* ---- jobs ------------------------------------------------------------------------------ */

static void job_failed(vigil_server *srv, const vigil_store_job *job, const char *msg)
{
	if (vigil_store_job_finish(srv->store, job->id, NULL, msg) == VIGIL_ECANCELLED) {
		/* its lease expired and another worker has it: that one reports */
		vigil_serve__log("warning", "job taken over by another worker", "image",
				 job->ref ? job->ref : "", "error", msg, NULL);
		return;
	}
	atomic_fetch_add(&srv->scans_failed, 1);
	vigil_serve__log("error", "scan failed", "image", job->ref ? job->ref : "", "error", msg,
			 NULL);
	json_t *o = json_pack("{s:s, s:I, s:I, s:{s:s?, s:s?, s:s?}, s:s}", "event", "scan.failed",
			      "time", (json_int_t)time(NULL), "scan_id", (json_int_t)job->id,
			      "image", "ref", job->ref, "repository", job->repository, "tag",
			      job->tag, "error", msg);
	char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (body && vigil_store_event_add(srv->store, "scan.failed", body) == 0)
		pthread_cond_broadcast(&srv->deliver);
	free(body);
}

static void run_scan(vigil_server *srv, vigil_store_job *job)
{
	vigil_ctx *ctx = NULL;
	vigil_scan_result *res = NULL;
	vigil_scan_opts so = VIGIL_SCAN_OPTS_INIT;
	vigil_registry_opts ro = VIGIL_REGISTRY_OPTS_INIT;
	scan_rows rows = {0};
	char msg[600];
	int error, changed = 0;
	ro.insecure = srv->o.insecure_registries;
	ro.ca_file = srv->o.ca_file;
	so.registry = &ro;
	/* the per-layer cache in the store (docs/layer-cache.md) */
	vigil_store_layer_cache slc = {srv->store, vigil_serve__layer_cache_max()};
	vigil_layer_cache lcache;
	vigil_store_layer_cache_init(&lcache, &slc);
	if (slc.max_bytes)
		so.layer_cache = &lcache;
	/* a Harbor scan request's registry credentials (harbor.c), if this is one */
	vigil_harbor_job *hj = vigil_serve__harbor_job_opts(srv, job->id, &ro);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (vigil_ctx_new(&ctx) < 0) {
		job_failed(srv, job, "out of memory");
		vigil_serve__harbor_job_free(hj);
		return;
	}
	vigil_ctx_set_threads(ctx, 1);
	if (vigil_serve__check_ref(srv, job->ref, msg, sizeof(msg)) < 0) {
		job_failed(srv, job, msg);
		vigil_ctx_free(ctx);
		vigil_serve__harbor_job_free(hj);
		return;
	}
	/* a watched registry's stored credentials (poll.c), unless Harbor gave some */
	char *puser = NULL, *ppass = NULL;
	if (!ro.username && !ro.bearer_token &&
	    vigil_serve__registry_creds(srv, job->ref, &puser, &ppass) == 1) {
		ro.username = puser;
		ro.password = ppass;
	}
	pthread_rwlock_rdlock(&srv->engine_lock);
	if (!srv->engine)
		error = vigil_error_set(ctx, VIGIL_ENOTFOUND, "no vulnerability database loaded");
	else if ((error = vigil_scan_run(&res, ctx, srv->engine, job->ref, &so)) == 0)
		error = rows_of(&rows, res, 1);
	pthread_rwlock_unlock(&srv->engine_lock);
	if (error == 0) {
		const char *digest = vigil_scan_result_digest(res);
		char cdig[72];
		if (!digest) { /* fs:, sbom: */
			content_digest(res, cdig);
			digest = cdig[0] ? cdig : NULL;
		}
		const char *const *tags = vigil_scan_result_tags(res);
		const char *tag1[2] = {job->tag, NULL};
		vigil_store_scan sc = {digest,
				       job->repository ? job->repository : job->ref,
				       job->tag ? tag1 : tags,
				       vigil_scan_result_db_built(res),
				       rows.inventory,
				       rows.report,
				       rows.counts,
				       (const char *const *)rows.vulns,
				       (const char *const *)rows.pkgkeys,
				       job->id,
				       0};
		event_ctx ec = {srv, job->id};
		if ((error = vigil_store_scan_commit(srv->store, &changed, &sc, build_events,
						     &ec)) < 0)
			snprintf(msg, sizeof(msg), "%s", vigil_store_error());
		else {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			atomic_fetch_add(&srv->scans_done, 1);
			atomic_fetch_add(&srv->scan_ms,
					 (long long)((t1.tv_sec - t0.tv_sec) * 1000 +
						     (t1.tv_nsec - t0.tv_nsec) / 1000000));
			int hits = 0, nput = 0;
			char hs[16], ps[16];
			vigil_scan_result_layer_cache(res, &hits, &nput);
			snprintf(hs, sizeof(hs), "%d", hits);
			snprintf(ps, sizeof(ps), "%d", nput);
			vigil_serve__log("info", "scan done", "image", job->ref, "digest", digest,
					 "history", changed ? "added" : "unchanged",
					 "layers_cached", hs, "layers_read", ps, NULL);
			pthread_mutex_lock(&srv->mu);
			pthread_cond_broadcast(&srv->deliver);
			pthread_mutex_unlock(&srv->mu);
		}
	} else {
		snprintf(msg, sizeof(msg), "%s",
			 vigil_ctx_error(ctx)[0] ? vigil_ctx_error(ctx) : "scan failed");
	}
	if (error < 0)
		job_failed(srv, job, msg);
	if (ppass)
		memset(ppass, 0, strlen(ppass));
	free(puser);
	free(ppass);
	vigil_serve__harbor_job_free(hj);
	rows_free(&rows);
	vigil_scan_result_free(res);
	vigil_ctx_free(ctx);
}

/* Re-matches one stored inventory against the current engine and commits it; a history
 * entry only when the findings changed. */
/* A re-evaluation matches the stored inventory again: its report has fresh vulnerabilities
 * but no secrets, malware, misconfigurations or trust checks (those need the image). They
 * are carried over from the previous report of the same digest, with their summary, their
 * suppressed entries and the image's layer details, and `failing` is recounted. Returns a
 * new report string in *out (the caller frees it), or NULL when there is nothing to merge. */
static char *merge_previous(const char *fresh, const char *previous)
{
	static const char *const kept[] = {"secrets", "malware", "misconfigurations", "trust"};
	json_t *n = json_loads(fresh, 0, NULL), *o = json_loads(previous, 0, NULL);
	char *out = NULL;
	if (!json_is_object(n) || !json_is_object(o))
		goto done;
	json_t *ns = json_object_get(n, "summary"), *os = json_object_get(o, "summary");
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		json_t *v = json_object_get(o, kept[i]);
		if (v && !json_is_null(v))
			json_object_set(n, kept[i], v);
		if (json_is_object(ns) && json_is_object(os) && json_object_get(os, kept[i]))
			json_object_set(ns, kept[i], json_object_get(os, kept[i]));
	}
	/* suppressed: the fresh vulnerabilities' entries, the previous entries of other kinds */
	json_t *nsup = json_object_get(n, "suppressed"), *osup = json_object_get(o, "suppressed");
	if (json_is_array(osup)) {
		if (!json_is_array(nsup)) {
			nsup = json_array();
			json_object_set_new(n, "suppressed", nsup);
		}
		size_t i;
		json_t *e;
		json_array_foreach(osup, i, e)
		{
			const char *k = json_string_value(json_object_get(e, "kind"));
			if (k && strcmp(k, "vulnerability") != 0)
				json_array_append(nsup, e);
		}
	}
	/* the image as it was read (diff_ids, created_by), not as an inventory recalls it */
	if (json_is_object(json_object_get(o, "image")))
		json_object_set(n, "image", json_object_get(o, "image"));
	/* failing: the fresh vulnerabilities' plus the carried-over kinds' */
	if (json_is_object(ns) && json_is_object(os)) {
		json_int_t failing = json_integer_value(json_object_get(os, "failing"));
		json_t *ov = json_object_get(os, "vulnerabilities"),
		       *nv = json_object_get(ns, "vulnerabilities");
		const char *key;
		json_t *c;
		if (json_is_object(ov))
			json_object_foreach(ov, key, c) failing -= json_integer_value(c);
		if (json_is_object(nv))
			json_object_foreach(nv, key, c) failing += json_integer_value(c);
		if (failing >= 0 && json_object_get(ns, "failing"))
			json_object_set_new(ns, "failing", json_integer(failing));
	}
	out = json_dumps(n, JSON_PRESERVE_ORDER | JSON_COMPACT);
done:
	json_decref(n);
	json_decref(o);
	return out;
}

static int rematch_one(vigil_server *srv, const char *digest, int *changed, char *msg,
		       size_t msglen)
{
	char *inv = NULL;
	vigil_ctx *ctx = NULL;
	vigil_scan_result *res = NULL;
	vigil_scan_opts so = VIGIL_SCAN_OPTS_INIT;
	scan_rows rows = {0};
	int error;
	*changed = 0;
	if ((error = vigil_store_inventory(srv->store, &inv, digest)) < 0) {
		snprintf(msg, msglen, "%s", vigil_store_error());
		return error;
	}
	if ((error = vigil_ctx_new(&ctx)) < 0) {
		snprintf(msg, msglen, "out of memory");
		goto done;
	}
	pthread_rwlock_rdlock(&srv->engine_lock);
	if (!srv->engine)
		error = vigil_error_set(ctx, VIGIL_ENOTFOUND, "no vulnerability database loaded");
	else if ((error = vigil_scan_result_load_inventory_buffer(&res, ctx, digest, inv,
								  strlen(inv), &so)) == 0 &&
		 (error = vigil_scan_rematch(res, srv->engine)) == 0)
		error = rows_of(&rows, res, 0);
	pthread_rwlock_unlock(&srv->engine_lock);
	if (error < 0) {
		snprintf(msg, msglen, "%s",
			 vigil_ctx_error(ctx)[0] ? vigil_ctx_error(ctx) : "failed");
		goto done;
	}
	char *prev = NULL, *merged = NULL;
	if (vigil_store_report(srv->store, &prev, digest) == 0 && prev &&
	    (merged = merge_previous(rows.report, prev)) != NULL) {
		free(rows.report);
		rows.report = merged;
	}
	free(prev);
	vigil_store_scan sc = {digest,
			       NULL,
			       NULL,
			       vigil_scan_result_db_built(res),
			       NULL, /* the stored inventory stays */
			       rows.report,
			       rows.counts,
			       (const char *const *)rows.vulns,
			       NULL,
			       0,
			       1};
	event_ctx ec = {srv, 0};
	if ((error = vigil_store_scan_commit(srv->store, changed, &sc, build_events, &ec)) < 0)
		snprintf(msg, msglen, "%s", vigil_store_error());
	else
		atomic_fetch_add(&srv->rematches, 1);
done:
	rows_free(&rows);
	vigil_scan_result_free(res);
	vigil_ctx_free(ctx);
	free(inv);
	return error;
}

/* Loads the engine from the database file (again); the old one is freed once no scan
 * uses it. */
int vigil_serve__load_engine(vigil_server *srv, char *msg, size_t msglen);
int vigil_serve__load_engine(vigil_server *srv, char *msg, size_t msglen)
{
	vigil_engine_opts eo = VIGIL_ENGINE_OPTS_INIT;
	vigil_engine *e = NULL, *old;
	eo.scanners = srv->o.scanners;
	eo.db_path = srv->o.db_path;
	eo.db_max_age = 1e9;
	int error = vigil_engine_new(&e, srv->ctx, &eo);
	if (error < 0) {
		snprintf(msg, msglen, "%s", vigil_ctx_error(srv->ctx));
		return error;
	}
	pthread_rwlock_wrlock(&srv->engine_lock);
	old = srv->engine;
	srv->engine = e;
	srv->db_loaded = (int64_t)time(NULL);
	pthread_rwlock_unlock(&srv->engine_lock);
	vigil_engine_free(old);
	return 0;
}

/* A shared store's database update: the update itself on one node at a time (advisory
 * lock), then the re-evaluation queued in chunks that any worker takes. */
#define LOCK_DB 0x76696732
#define REMATCH_CHUNK 25

/* Makes sure this node's engine has the database built at `built` (another node did
 * the update): reloads the file and, when it is still older, updates it from --db-from
 * under the lock. */
static int engine_at(vigil_server *srv, const char *built, char *msg, size_t msglen)
{
	int ok, error = 0;
	pthread_rwlock_rdlock(&srv->engine_lock);
	ok = srv->engine && built && vigil_engine_db_built(srv->engine) &&
	     !strcmp(vigil_engine_db_built(srv->engine), built);
	pthread_rwlock_unlock(&srv->engine_lock);
	if (ok || !built)
		return 0;
	if ((error = vigil_store_lock(srv->store, LOCK_DB)) < 0) {
		snprintf(msg, msglen, "%s", vigil_store_error());
		return error;
	}
	error = vigil_serve__load_engine(srv, msg, msglen);
	pthread_rwlock_rdlock(&srv->engine_lock);
	ok = error == 0 && srv->engine && vigil_engine_db_built(srv->engine) &&
	     strcmp(vigil_engine_db_built(srv->engine), built) >= 0;
	pthread_rwlock_unlock(&srv->engine_lock);
	if (!ok && srv->o.db_from) {
		vigil_ctx *ctx = NULL;
		int changed = 0;
		if ((error = vigil_ctx_new(&ctx)) == 0 &&
		    (error = vigil_serve__db_update(srv, ctx, &changed)) < 0)
			snprintf(msg, msglen, "database update failed: %s", vigil_ctx_error(ctx));
		vigil_ctx_free(ctx);
		if (error == 0)
			error = vigil_serve__load_engine(srv, msg, msglen);
	}
	vigil_store_unlock(srv->store, LOCK_DB);
	return error;
}

/* A chunk of a shared re-evaluation: ref is the digests joined by commas, tag the
 * database build they are matched against. */
static void run_rematch(vigil_server *srv, vigil_store_job *job)
{
	char msg[600] = "", *list = strdup(job->ref ? job->ref : ""), *next = NULL;
	size_t n = 0, nchanged = 0, nfailed = 0;
	int error = list ? engine_at(srv, job->tag, msg, sizeof(msg)) : VIGIL_ENOMEM;
	if (!list)
		snprintf(msg, sizeof(msg), "out of memory");
	for (char *d = error == 0 ? list : NULL; d && *d && !srv->stop; d = next) {
		int changed = 0;
		char m2[600];
		char *comma = strchr(d, ',');
		next = comma ? comma + 1 : d + strlen(d);
		if (comma)
			*comma = '\0';
		n++;
		if (rematch_one(srv, d, &changed, m2, sizeof(m2)) < 0) {
			nfailed++;
			vigil_serve__log("error", "re-evaluation failed", "digest", d, "error", m2,
					 NULL);
		}
		nchanged += changed;
	}
	free(list);
	if (srv->stop)
		return; /* its lease expires: another worker takes the chunk */
	char a[32], b[32], c[32];
	snprintf(a, sizeof(a), "%zu", n);
	snprintf(b, sizeof(b), "%zu", nchanged);
	snprintf(c, sizeof(c), "%zu", nfailed);
	vigil_serve__log("info", "re-evaluation chunk done", "images", a, "changed", b, "failed", c,
			 NULL);
	vigil_store_job_finish(srv->store, job->id, NULL, error < 0 ? msg : NULL);
	pthread_mutex_lock(&srv->mu);
	pthread_cond_broadcast(&srv->deliver);
	pthread_mutex_unlock(&srv->mu);
}

/* Queues the re-evaluation of every stored digest in chunks of REMATCH_CHUNK. */
static int queue_rematch(vigil_server *srv, char **digests, size_t n, char *msg, size_t msglen)
{
	char built[128] = "";
	pthread_rwlock_rdlock(&srv->engine_lock);
	if (srv->engine && vigil_engine_db_built(srv->engine))
		snprintf(built, sizeof(built), "%s", vigil_engine_db_built(srv->engine));
	pthread_rwlock_unlock(&srv->engine_lock);
	for (size_t i = 0; i < n; i += REMATCH_CHUNK) {
		size_t len = 0, m = n - i < REMATCH_CHUNK ? n - i : REMATCH_CHUNK;
		for (size_t k = 0; k < m; k++)
			len += strlen(digests[i + k]) + 1;
		char *ref = malloc(len + 1), *p = ref;
		if (!ref) {
			snprintf(msg, msglen, "out of memory");
			return VIGIL_ENOMEM;
		}
		for (size_t k = 0; k < m; k++) {
			size_t dl = strlen(digests[i + k]);
			if (k)
				*p++ = ',';
			memcpy(p, digests[i + k], dl);
			p += dl;
		}
		*p = '\0';
		int64_t id;
		int error = vigil_store_job_add(srv->store, &id, "rematch", ref, NULL,
						built[0] ? built : NULL);
		free(ref);
		if (error < 0) {
			snprintf(msg, msglen, "%s", vigil_store_error());
			return error;
		}
	}
	vigil_serve__kick(srv);
	return 0;
}

static void run_dbupdate(vigil_server *srv, vigil_store_job *job)
{
	vigil_ctx *ctx = NULL;
	char msg[600] = "", **digests = NULL;
	size_t n = 0, nchanged = 0, nfailed = 0;
	int error, dbchanged = 0;
	char shown[4200];
	const char *from = vigil_serve__db_from_display(srv->o.db_from, shown, sizeof(shown));
	vigil_serve__log("info", "database update started", "from", from, NULL);
	if ((error = vigil_ctx_new(&ctx)) < 0) {
		job_failed(srv, job, "out of memory");
		return;
	}
	int shared = vigil_store_shared(srv->store);
	if (shared && (error = vigil_store_lock(srv->store, LOCK_DB)) < 0) {
		snprintf(msg, sizeof(msg), "%s", vigil_store_error());
		goto done;
	}
	if ((error = vigil_serve__db_update(srv, ctx, &dbchanged)) < 0)
		snprintf(msg, sizeof(msg), "database update failed: %s", vigil_ctx_error(ctx));
	else if (dbchanged)
		error = vigil_serve__load_engine(srv, msg, sizeof(msg));
	if (shared)
		vigil_store_unlock(srv->store, LOCK_DB);
	if (error < 0)
		goto done;
	if (!dbchanged) { /* the mirror answered "not modified": nothing to re-evaluate */
		vigil_serve__log("info", "database unchanged (mirror not modified)", "from", from,
				 NULL);
		goto done;
	}
	if ((error = vigil_store_digests(srv->store, &digests, &n)) < 0) {
		snprintf(msg, sizeof(msg), "%s", vigil_store_error());
		goto done;
	}
	if (shared) {
		if ((error = queue_rematch(srv, digests, n, msg, sizeof(msg))) == 0) {
			char a[32];
			snprintf(a, sizeof(a), "%zu", n);
			vigil_serve__log("info", "re-evaluation queued", "images", a, NULL);
		}
		goto done;
	}
	for (size_t i = 0; i < n && !srv->stop; i++) {
		int changed = 0;
		char m2[600];
		if (rematch_one(srv, digests[i], &changed, m2, sizeof(m2)) < 0) {
			nfailed++;
			vigil_serve__log("error", "re-evaluation failed", "digest", digests[i],
					 "error", m2, NULL);
		}
		nchanged += changed;
	}
	char a[32], b[32], c[32];
	snprintf(a, sizeof(a), "%zu", n);
	snprintf(b, sizeof(b), "%zu", nchanged);
	snprintf(c, sizeof(c), "%zu", nfailed);
	vigil_serve__log("info", "re-evaluation done", "images", a, "changed", b, "failed", c,
			 NULL);
	pthread_mutex_lock(&srv->mu);
	pthread_cond_broadcast(&srv->deliver);
	pthread_mutex_unlock(&srv->mu);
done:
	for (size_t i = 0; digests && digests[i]; i++)
		free(digests[i]);
	free(digests);
	vigil_ctx_free(ctx);
	if (srv->stop)
		return; /* left running: requeued at the next start */
	if (error < 0) {
		vigil_store_job_finish(srv->store, job->id, NULL, msg);
		vigil_serve__log("error", "database update failed", "error", msg, NULL);
	} else {
		vigil_store_job_finish(srv->store, job->id, NULL, NULL);
	}
}

void *vigil_serve__worker(void *payload)
{
	vigil_server *srv = payload;
	for (;;) {
		vigil_store_job job;
		pthread_mutex_lock(&srv->mu);
		int stop = srv->stop;
		pthread_mutex_unlock(&srv->mu);
		if (stop)
			break;
		int got = vigil_store_job_claim(srv->store, &job);
		if (got < 0)
			vigil_serve__log("error", "job queue", "error", vigil_store_error(), NULL);
		if (got <= 0) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += srv->o.poll ? srv->o.poll : 1;
			pthread_mutex_lock(&srv->mu);
			if (!srv->stop)
				pthread_cond_timedwait(&srv->work, &srv->mu, &ts);
			pthread_mutex_unlock(&srv->mu);
			continue;
		}
		if (!strcmp(job.kind, "dbupdate"))
			run_dbupdate(srv, &job);
		else if (!strcmp(job.kind, "rematch"))
			run_rematch(srv, &job);
		else if (job.ref)
			run_scan(srv, &job);
		else
			vigil_store_job_finish(srv->store, job.id, NULL, "unknown job");
		vigil_store_job_clear(&job);
	}
	return NULL;
}

/* ---- webhook deliveries ---------------------------------------------------------------- */

static size_t discard(char *p, size_t size, size_t n, void *payload)
{
	(void)p;
	(void)payload;
	return size * n;
}

/* POSTs one delivery; 0 and the HTTP code, or an error message. */
static int post_delivery(const vigil_store_delivery *d, int *code, char *msg, size_t msglen)
{
	char sig[200], sighdr[240], evhdr[120], idhdr[64];
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();
	long status = 0;
	int64_t t = (int64_t)time(NULL);
	*code = 0;
	if (!c || vigil_serve__sign(sig, sizeof(sig), d->secret, t, d->body) < 0) {
		curl_easy_cleanup(c);
		snprintf(msg, msglen, "out of memory");
		return VIGIL_ENOMEM;
	}
	snprintf(sighdr, sizeof(sighdr), "X-Vigil-Signature: %s", sig);
	snprintf(evhdr, sizeof(evhdr), "X-Vigil-Event: %s", d->event);
	snprintf(idhdr, sizeof(idhdr), "X-Vigil-Delivery: %lld", (long long)d->id);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, sighdr);
	h = curl_slist_append(h, evhdr);
	h = curl_slist_append(h, idhdr);
	curl_easy_setopt(c, CURLOPT_URL, d->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(d->body));
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vigil-serve/" VIGIL_VERSION);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	*code = (int)status;
	if (rc != CURLE_OK) {
		snprintf(msg, msglen, "%s", curl_easy_strerror(rc));
		return VIGIL_EIO;
	}
	if (status < 200 || status > 299) {
		snprintf(msg, msglen, "HTTP %ld", status);
		return VIGIL_EIO;
	}
	return 0;
}

#define MAX_ATTEMPTS 8

void *vigil_serve__deliverer(void *payload)
{
	vigil_server *srv = payload;
	for (;;) {
		vigil_store_delivery d;
		pthread_mutex_lock(&srv->mu);
		int stop = srv->stop;
		pthread_mutex_unlock(&srv->mu);
		if (stop)
			break;
		int got = vigil_store_delivery_next(srv->store, &d, (int64_t)time(NULL));
		if (got <= 0) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_mutex_lock(&srv->mu);
			if (!srv->stop)
				pthread_cond_timedwait(&srv->deliver, &srv->mu, &ts);
			pthread_mutex_unlock(&srv->mu);
			continue;
		}
		char msg[300] = "";
		int code = 0;
		int ok = post_delivery(&d, &code, msg, sizeof(msg)) == 0;
		int64_t next = 0;
		if (!ok && d.attempts + 1 < MAX_ATTEMPTS)
			next = (int64_t)time(NULL) + ((int64_t)1 << (d.attempts + 1));
		vigil_store_delivery_result(srv->store, d.id, ok, code, ok ? NULL : msg, next);
		atomic_fetch_add(ok ? &srv->deliveries_ok : &srv->deliveries_failed, 1);
		char idb[32];
		snprintf(idb, sizeof(idb), "%lld", (long long)d.id);
		vigil_serve__log(ok ? "info" : "warning",
				 ok ? "webhook delivered" : "webhook failed", "delivery", idb,
				 "event", d.event, "error", ok ? NULL : msg, NULL);
		vigil_store_delivery_clear(&d);
	}
	return NULL;
}

/* The layer cache's bound in bytes: VIGIL_LAYER_CACHE_MAX in MiB (0 turns the cache
 * off), 4 GiB by default. */
uint64_t vigil_serve__layer_cache_max(void)
{
	const char *v = getenv("VIGIL_LAYER_CACHE_MAX");
	char *end;
	if (!v || !*v)
		return (uint64_t)4 << 30;
	unsigned long long mb = strtoull(v, &end, 10);
	if (*end || mb > (1ULL << 40))
		return (uint64_t)4 << 30;
	return (uint64_t)mb << 20;
}
