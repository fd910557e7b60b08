/*
 * admission.c - the Kubernetes validating admission webhook (POST /k8s/admission,
 * docs/admission.md): for every container image of a Pod or workload, the tag is
 * resolved to a digest through the registry client, the stored report of that digest
 * is judged by the admission policy (severity, fixable, KEV, secrets, malware, cosign
 * signatures, allowed registries, digests), the object itself goes through the
 * Kubernetes checks of `vigil config`, and an image never seen is scanned by the
 * server's workers within a time budget. Every decision is written to the store and
 * the log.
 */
#include <fnmatch.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config/yamlload.h"
#include "policy/policy.h"
#include "registry/registry.h"
#include "serve/admission.h"
#include "util/util.h"

static int64_t mono_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

static int64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- small caches: tag -> digest, digest+key -> signature verdict ------------------------ */

/* A copy of the value cached under key (malloc'd), or NULL when none is fresh. */
static char *cache_get(vigil_admission *a, vigil_adm_cache *c, const char *key)
{
	char *v = NULL;
	int64_t now = mono_s();
	pthread_mutex_lock(&a->mu);
	for (size_t i = 0; i < VIGIL_ADM_CACHE_SLOTS; i++)
		if (c[i].key && !strcmp(c[i].key, key)) {
			if (now - c[i].at < a->cache_s)
				v = strdup(c[i].value);
			break;
		}
	pthread_mutex_unlock(&a->mu);
	return v;
}

/* Small text caches: a linear probe over VIGIL_ADM_CACHE_SLOTS, the oldest entry replaced. */
static void cache_put(vigil_admission *a, vigil_adm_cache *c, const char *key, const char *value)
{
	size_t slot = 0;
	char *k = strdup(key), *v = strdup(value);
	if (!k || !v) {
		free(k);
		free(v);
		return;
	}
	pthread_mutex_lock(&a->mu);
	for (size_t i = 0; i < VIGIL_ADM_CACHE_SLOTS; i++) {
		if (c[i].key && !strcmp(c[i].key, key)) {
			slot = i;
			break;
		}
		if (!c[i].key || c[i].at < c[slot].at)
			slot = i;
		if (!c[i].key)
			break;
	}
	free(c[slot].key);
	free(c[slot].value);
	c[slot].key = k;
	c[slot].value = v;
	c[slot].at = mono_s();
	pthread_mutex_unlock(&a->mu);
}

/* ---- one image --------------------------------------------------------------------------- */

/* What the policy says about one image: items {"rule","detail","deny"}. */
typedef struct img_eval {
	const char *image;
	char digest[72];    /* resolved, or "" */
	char platform[72];  /* of an index: the linux/amd64 manifest, or "" */
	const char *status; /* "scanned", "unscanned", "error" */
	json_t *items;
	vigil_ref *ref; /* parsed reference, while judged */
	int64_t job;	/* its scan job while the request waits for it, else 0 */
} img_eval;

static void item(img_eval *e, int action, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void item(img_eval *e, int action, const char *rule, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;
	if (action == VIGIL_ADM_IGNORE)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	json_array_append_new(e->items, json_pack("{s:s, s:s, s:b}", "rule", rule, "detail", detail,
						  "deny", action == VIGIL_ADM_DENY));
}

static vigil_registry_opts reg_opts(vigil_server *srv)
{
	vigil_registry_opts ro = VIGIL_REGISTRY_OPTS_INIT;
	ro.insecure = srv->o.insecure_registries;
	ro.ca_file = srv->o.ca_file;
	ro.timeout_ms = 3000;
	return ro;
}

/* The linux/amd64 manifest of an index (else its first), into out. */
static void pick_platform(const vigil_buf *b, char out[72])
{
	json_t *o = json_loadb((const char *)b->data, b->len, 0, NULL), *m;
	size_t i;
	out[0] = '\0';
	json_array_foreach(json_object_get(o, "manifests"), i, m)
	{
		const char *d = json_string_value(json_object_get(m, "digest"));
		json_t *p = json_object_get(m, "platform");
		const char *os = json_string_value(json_object_get(p, "os"));
		const char *arch = json_string_value(json_object_get(p, "architecture"));
		if (!d || !vigil_digest_is_sha256(d))
			continue;
		if (!out[0] || (os && arch && !strcmp(os, "linux") && !strcmp(arch, "amd64")))
			snprintf(out, 72, "%s", d);
		if (os && arch && !strcmp(os, "linux") && !strcmp(arch, "amd64"))
			break;
	}
	json_decref(o);
}

/* Tag -> digest through the registry client (cached). 0, or a negative VIGIL_E* with
 * the reason in msg. */
static int resolve(vigil_server *srv, vigil_ctx *ctx, const vigil_ref *ref, const char *canon,
		   img_eval *e, char *msg, size_t msglen)
{
	vigil_admission *a = srv->adm;
	vigil_registry_opts ro = reg_opts(srv);
	vigil_reg *reg = NULL;
	vigil_buf b = VIGIL_BUF_INIT;
	char mt[128] = "", digest[72] = "", val[160], *cached;
	int error;
	if ((cached = cache_get(a, a->resolved, canon))) {
		/* our own text: "DIGEST PLATFORM-DIGEST|-" */
		size_t n = strcspn(cached, " ");
		snprintf(e->digest, sizeof(e->digest), "%.*s", (int)n, cached);
		snprintf(e->platform, sizeof(e->platform), "%s",
			 cached[n] && strcmp(cached + n + 1, "-") ? cached + n + 1 : "");
		free(cached);
		return 0;
	}
	if ((error = vigil_reg__new(&reg, ctx, ref, &ro)) < 0 ||
	    (error = vigil_reg__get_manifest(reg, ref->tag, 4u << 20, &b, mt, digest)) < 0) {
		snprintf(msg, msglen, "%s", vigil_ctx_error(ctx));
		goto done;
	}
	snprintf(e->digest, sizeof(e->digest), "%s", digest);
	if (strstr(mt, "index") || strstr(mt, "manifest.list"))
		pick_platform(&b, e->platform);
	snprintf(val, sizeof(val), "%s %s", e->digest, e->platform[0] ? e->platform : "-");
	cache_put(a, a->resolved, canon, val);
done:
	vigil_buf_free(&b);
	vigil_reg__free(reg);
	return error;
}

/* The stored report of the image (its digest, else its platform manifest), or NULL. */
static char *stored_report(vigil_server *srv, const img_eval *e)
{
	char *rep = NULL;
	if (vigil_serve__report(srv, &rep, e->digest) == 0) /* readcache.c */
		return rep;
	if (e->platform[0] && vigil_serve__report(srv, &rep, e->platform) == 0)
		return rep;
	return NULL;
}

/* Queues a scan of the image (once per digest while it runs): the job id, or 0 with why
 * in msg. */
static int64_t queue_scan(vigil_server *srv, const vigil_ref *ref, img_eval *e, char *msg,
			  size_t msglen)
{
	vigil_admission *a = srv->adm;
	char jobref[VIGIL_ADM_MAX_IMAGE + 200], repo[VIGIL_ADM_MAX_IMAGE + 100], st[16] = "";
	int64_t job = 0;
	snprintf(repo, sizeof(repo), "%s/%s", ref->host, ref->repo);
	snprintf(jobref, sizeof(jobref), "%s@%s", repo, e->digest);
	pthread_mutex_lock(&a->mu);
	for (size_t i = 0; i < VIGIL_ADM_PENDING_SLOTS; i++)
		if (a->pend[i].job && !strcmp(a->pend[i].digest, e->digest))
			job = a->pend[i].job;
	pthread_mutex_unlock(&a->mu);
	if (job && (vigil_store_job_status(srv->store, st, job) < 0 || !strcmp(st, "done") ||
		    !strcmp(st, "failed")))
		job = 0; /* finished (a failed scan is queued again) */
	if (job)
		return job;
	if (vigil_store_job_add(srv->store, &job, "scan", jobref, repo, ref->tag) < 0) {
		snprintf(msg, msglen, "cannot queue a scan: %s", vigil_store_error());
		return 0;
	}
	pthread_mutex_lock(&a->mu);
	size_t slot = 0;
	for (size_t i = 0; i < VIGIL_ADM_PENDING_SLOTS; i++)
		if (!a->pend[i].job || a->pend[i].job < a->pend[slot].job) {
			slot = i;
			if (!a->pend[i].job)
				break;
		}
	snprintf(a->pend[slot].digest, sizeof(a->pend[slot].digest), "%s", e->digest);
	a->pend[slot].job = job;
	pthread_mutex_unlock(&a->mu);
	vigil_serve__log("info", "admission: scan queued", "image", jobref, NULL);
	vigil_serve__kick(srv);
	return job;
}

/* "CVE-1 (pkg 1.0, fixed in 2.0), CVE-2 ... (+N more)" from a list of strings. */
static void ids_text(char *out, size_t n, json_t *ids)
{
	size_t i, off = 0;
	json_t *v;
	out[0] = '\0';
	json_array_foreach(ids, i, v)
	{
		if (i == VIGIL_ADM_MAX_IDS) {
			snprintf(out + off, n - off, " (+%zu more)",
				 json_array_size(ids) - VIGIL_ADM_MAX_IDS);
			break;
		}
		int w = snprintf(out + off, n - off, "%s%s", i ? ", " : "", json_string_value(v));
		if (w < 0 || (size_t)w >= n - off)
			break;
		off += (size_t)w;
	}
}

static void add_id(json_t *arr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_id(json_t *arr, const char *fmt, ...)
{
	char s[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	json_array_append_new(arr, json_string(s));
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* Is the finding suppressed by the policy's ignore rules? */
static int ignored(vigil_admission *a, const char *id, json_t *aliases, const char *pkg,
		   const char *purl, const char *path, const char *fingerprint)
{
	const char *al[17] = {NULL};
	size_t i, n = 0;
	json_t *v;
	if (!a->policy)
		return 0;
	json_array_foreach(aliases, i, v) if (n < 16 && json_is_string(v)) al[n++] =
		json_string_value(v);
	vigil_policy_subject s = {id,
				  al,
				  pkg && *pkg ? pkg : NULL,
				  purl && *purl ? purl : NULL,
				  path && *path ? path : NULL,
				  -1,
				  NULL,
				  fingerprint && *fingerprint ? fingerprint : NULL};
	return vigil_policy__suppress(a->policy, &s, NULL, NULL) != NULL;
}

/* Judges a stored report. */
static void judge_report(vigil_admission *a, img_eval *e, const char *report)
{
	json_t *r = json_loads(report, 0, NULL), *v;
	json_t *deny = json_array(), *kev = json_array(), *warn = json_array();
	json_t *sec = json_array(), *mal = json_array();
	int wcount[5] = {0};
	size_t i;
	char ids[1024];
	if (!r) {
		item(e, VIGIL_ADM_DENY, "report", "the stored report cannot be read");
		goto done;
	}
	json_array_foreach(json_object_get(r, "vulnerabilities"), i, v)
	{
		json_t *pkg = json_object_get(v, "package");
		const char *id = jstr(v, "id"), *pname = jstr(pkg, "name");
		const char *fixed = json_string_value(json_object_get(v, "fixed_version"));
		int rank = vigil_serve__adm_rank(jstr(v, "severity"));
		int fixable = !strcmp(jstr(v, "status"), "fixed") && fixed;
		if (ignored(a, id, json_object_get(v, "aliases"), pname, jstr(pkg, "purl"),
			    jstr(pkg, "location"), NULL))
			continue;
		if (json_is_true(json_object_get(v, "known_exploited")) &&
		    a->kev != VIGIL_ADM_IGNORE) {
			add_id(kev, "%s in %s %s", id, pname, jstr(pkg, "version"));
			if (a->kev == VIGIL_ADM_DENY)
				continue;
		}
		if (rank >= a->sev && (fixable || !a->fixable_only)) {
			if (fixable)
				add_id(deny, "%s in %s %s (fixed in %s)", id, pname,
				       jstr(pkg, "version"), fixed);
			else
				add_id(deny, "%s in %s %s (no fix)", id, pname,
				       jstr(pkg, "version"));
		} else {
			wcount[rank]++;
			add_id(warn, "%s", id);
		}
	}
	json_array_foreach(json_object_get(r, "secrets"), i, v)
	{
		if (!ignored(a, jstr(v, "rule_id"), NULL, NULL, NULL, jstr(v, "path"),
			     jstr(v, "fingerprint")))
			add_id(sec, "%s at %s", jstr(v, "rule_id"), jstr(v, "path"));
	}
	json_array_foreach(json_object_get(r, "malware"), i, v)
	{
		if (!ignored(a, jstr(v, "rule"), NULL, NULL, NULL, jstr(v, "path"), NULL))
			add_id(mal, "%s at %s", jstr(v, "rule"), jstr(v, "path"));
	}
	if (json_array_size(deny)) {
		ids_text(ids, sizeof(ids), deny);
		item(e, VIGIL_ADM_DENY, "vulnerability", "%zu %svulnerabilit%s at or above %s: %s",
		     json_array_size(deny), a->fixable_only ? "fixable " : "",
		     json_array_size(deny) == 1 ? "y" : "ies",
		     a->sev == 4   ? "CRITICAL"
		     : a->sev == 3 ? "HIGH"
		     : a->sev == 2 ? "MEDIUM"
				   : "LOW",
		     ids);
	}
	if (json_array_size(kev)) {
		ids_text(ids, sizeof(ids), kev);
		item(e, a->kev, "kev", "known exploited (CISA KEV): %s", ids);
	}
	if (json_array_size(sec)) {
		ids_text(ids, sizeof(ids), sec);
		item(e, a->secrets, "secret", "%zu secret%s: %s", json_array_size(sec),
		     json_array_size(sec) == 1 ? "" : "s", ids);
	}
	if (json_array_size(mal)) {
		ids_text(ids, sizeof(ids), mal);
		item(e, a->malware, "malware", "%s", ids);
	}
	if (json_array_size(warn)) {
		ids_text(ids, sizeof(ids), warn);
		item(e, VIGIL_ADM_WARN, "vulnerability",
		     "%zu vulnerabilities below the policy (CRITICAL %d, HIGH %d, MEDIUM %d, LOW "
		     "%d, "
		     "other %d): %s",
		     json_array_size(warn), wcount[4], wcount[3], wcount[2], wcount[1], wcount[0],
		     ids);
	}
done:
	json_decref(r);
	json_decref(deny);
	json_decref(kev);
	json_decref(warn);
	json_decref(sec);
	json_decref(mal);
}

/* Every required key must have signed the image's digest (cached per digest and key). */
static void check_signatures(vigil_server *srv, vigil_ctx *ctx, const vigil_ref *ref, img_eval *e)
{
	vigil_admission *a = srv->adm;
	vigil_registry_opts ro = reg_opts(srv);
	vigil_trust_source *src = NULL;
	char name[VIGIL_ADM_MAX_IMAGE + 200], key[VIGIL_ADM_MAX_IMAGE + 300], val[160];
	snprintf(name, sizeof(name), "%s/%s@%s", ref->host, ref->repo, e->digest);
	for (size_t k = 0; k < a->nkeys; k++) {
		const char *kid = vigil_trust_key_id(a->keys[k]);
		char *cached;
		snprintf(key, sizeof(key), "%s\t%s", e->digest, kid);
		if ((cached = cache_get(a, a->sigs, key))) {
			snprintf(val, sizeof(val), "%s", cached);
			free(cached);
		} else {
			vigil_trust_result *tr = NULL;
			if (!src && vigil_trust_source_registry(&src, ctx, name, &ro) < 0)
				snprintf(val, sizeof(val), "error: %.140s", vigil_ctx_error(ctx));
			else if (vigil_trust_verify(&tr, ctx, src, e->digest, a->keys[k]) < 0)
				snprintf(val, sizeof(val), "error: %.140s", vigil_ctx_error(ctx));
			else
				snprintf(val, sizeof(val), "%s",
					 vigil_trust_result_valid(tr) ? "valid" : "none");
			vigil_trust_result_free(tr);
			if (strncmp(val, "error", 5))
				cache_put(a, a->sigs, key, val);
		}
		if (!strcmp(val, "none"))
			item(e, VIGIL_ADM_DENY, "VGL-TRUST-001",
			     "no valid cosign signature by key %s", kid);
		else if (strcmp(val, "valid"))
			item(e, VIGIL_ADM_DENY, "VGL-TRUST-001",
			     "signature by key %s not checked: %s", kid, val);
	}
	vigil_trust_source_free(src);
}

/* Judges a stored report (and caches the judgement), then the signatures. */
static void judge_scanned(vigil_server *srv, vigil_ctx *ctx, img_eval *e, const char *report)
{
	vigil_admission *a = srv->adm;
	char *dumped;
	e->status = "scanned";
	if (report) {
		judge_report(a, e, report);
		if ((dumped = json_dumps(e->items, JSON_COMPACT))) {
			cache_put(a, a->verdicts, e->digest, dumped);
			free(dumped);
		}
	}
	if (a->nkeys)
		check_signatures(srv, ctx, e->ref, e);
}

/* First pass over one image: the reference, the allow-lists, tag -> digest, and the
 * judgement when its report is stored (or cached). An image without a report gets its
 * scan queued (e->job) unless dry_run; the caller waits for it. `start` is the
 * request's start (ms): no registry is asked past half the API server's timeout. */
static void prepare_image(vigil_server *srv, vigil_ctx *ctx, img_eval *e, int dry_run,
			  int64_t start)
{
	vigil_admission *a = srv->adm;
	vigil_trust_findings *tf = NULL;
	const char *why = NULL;
	char canon[VIGIL_ADM_MAX_IMAGE + 200], msg[600];
	char *report = NULL, *cached;
	e->status = "error";
	if (!e->image[0]) {
		item(e, VIGIL_ADM_DENY, "reference", "the container has no image");
		return;
	}
	if (vigil_ref_parse(&e->ref, e->image, &why) < 0) {
		item(e, VIGIL_ADM_DENY, "reference", "not an image reference: %s", why ? why : "?");
		return;
	}
	/* allowed registries and repositories, digest required: the trust checks */
	vigil_trust_subject subj = {e->image, NULL, NULL, NULL};
	if (vigil_trust_policy_active(&a->lists) &&
	    vigil_trust_check(&tf, ctx, &a->lists, &subj) == 0 && tf) {
		for (size_t i = 0; i < vigil_trust_findings_count(tf); i++) {
			const vigil_config_finding *f = vigil_trust_findings_get(tf, i);
			item(e, VIGIL_ADM_DENY, f->check->id, "%s", f->message);
		}
	}
	vigil_trust_findings_free(tf);
	if (json_array_size(e->items)) /* not from an allowed source: never contacted */
		return;
	vigil_ref_format(e->ref, canon, sizeof(canon));
	if (e->ref->digest)
		snprintf(e->digest, sizeof(e->digest), "%s", e->ref->digest);
	else if (mono_ms() - start > VIGIL_ADM_REQUEST_MS) {
		item(e, a->unknown, "unknown", "not resolved: the request ran out of time");
		return;
	} else if (resolve(srv, ctx, e->ref, canon, e, msg, sizeof(msg)) < 0) {
		item(e, a->unknown, "unknown", "cannot resolve the tag to a digest: %s", msg);
		return;
	}
	/* a digest judged in the last cache_seconds: the same report, the same judgement */
	if ((cached = cache_get(a, a->verdicts, e->digest))) {
		json_t *items = json_loads(cached, 0, NULL);
		free(cached);
		if (json_is_array(items)) {
			json_array_extend(e->items, items);
			json_decref(items);
			judge_scanned(srv, ctx, e, NULL);
			return;
		}
		json_decref(items);
	}
	if ((report = stored_report(srv, e))) {
		judge_scanned(srv, ctx, e, report);
		free(report);
		return;
	}
	e->status = "unscanned";
	if (dry_run)
		item(e, a->unknown, "unknown", "%s was never scanned (dry run: no scan started)",
		     e->digest);
	else if (!(e->job = queue_scan(srv, e->ref, e, msg, sizeof(msg))))
		item(e, a->unknown, "unknown", "%s %s", e->digest, msg);
}

/* Second pass: waits (until the scan budget after `start`) for the reports of the
 * images whose scans were queued, judging each as it arrives; the rest get the
 * policy's unknown action. */
static void await_scans(vigil_server *srv, vigil_ctx *ctx, img_eval *ev, size_t nev, int64_t start)
{
	vigil_admission *a = srv->adm;
	char st[16];
	/* 0: never wait, not even a look: the scans just queued stay unknown (workers woken
	 * at once by a shared store's NOTIFY could otherwise finish a small one first) */
	for (; a->budget_ms > 0;) {
		size_t waiting = 0;
		for (size_t j = 0; j < nev; j++) {
			img_eval *e = &ev[j];
			char *rep;
			if (!e->job)
				continue;
			if ((rep = stored_report(srv, e))) {
				e->job = 0;
				judge_scanned(srv, ctx, e, rep);
				free(rep);
			} else if (vigil_store_job_status(srv->store, st, e->job) == 0 &&
				   !strcmp(st, "failed")) {
				item(e, a->unknown, "unknown", "%s: its scan (job %lld) failed",
				     e->digest, (long long)e->job);
				e->job = 0;
			} else
				waiting++;
		}
		if (!waiting || mono_ms() - start >= a->budget_ms)
			break;
		struct timespec ts = {0, 20 * 1000000L};
		nanosleep(&ts, NULL);
	}
	for (size_t j = 0; j < nev; j++)
		if (ev[j].job)
			item(&ev[j], a->unknown, "unknown",
			     "%s not scanned within %ld ms (scan job %lld queued)", ev[j].digest,
			     a->budget_ms, (long long)ev[j].job);
}

/* ---- the object -------------------------------------------------------------------------- */

typedef struct answer {
	vigil_buf msg;	  /* denial reasons joined with "; " */
	json_t *reasons;  /* [{"container","image","rule","detail"}] */
	json_t *warnings; /* [string] */
	json_t *images;	  /* [{"image","digest","status"}] */
} answer;

static void reason(answer *an, const char *container, const char *image, const char *rule,
		   const char *detail)
{
	if (an->msg.len)
		vigil_buf_puts(&an->msg, "; ");
	if (image)
		vigil_buf_printf(&an->msg, "container %s (image %s): %s: %s", container, image,
				 rule, detail);
	else
		vigil_buf_printf(&an->msg, "%s: %s: %s", container, rule, detail);
	json_array_append_new(an->reasons,
			      json_pack("{s:s, s:s?, s:s, s:s}", "container", container, "image",
					image, "rule", rule, "detail", detail));
}

static void warning(answer *an, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warning(answer *an, const char *fmt, ...)
{
	char s[512];
	va_list ap;
	size_t n = json_array_size(an->warnings);
	if (n > VIGIL_ADM_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	json_array_append_new(
		an->warnings,
		json_string(n == VIGIL_ADM_MAX_WARNINGS ? "(more warnings left out)" : s));
}

/* "ID\tOBJECT\tMESSAGE" of a Kubernetes finding: the same finding before and after. */
static void finding_key(char *out, size_t n, const vigil_config_finding *f)
{
	snprintf(out, n, "%s\t%s\t%s", f->check->id, f->object ? f->object : "",
		 f->message ? f->message : "");
}

/* Did the UPDATE's oldObject already have this finding? */
static int had_before(const vigil_config_result *old, const vigil_config_finding *f)
{
	char k1[1024], k2[1024];
	if (!old)
		return 0;
	finding_key(k1, sizeof(k1), f);
	for (size_t i = 0; i < vigil_config_result_count(old); i++) {
		finding_key(k2, sizeof(k2), vigil_config_result_get(old, i));
		if (!strcmp(k1, k2))
			return 1;
	}
	return 0;
}

static void k8s_checks(vigil_admission *a, vigil_ctx *ctx, const vigil_adm_review *rv, answer *an)
{
	vigil_config_opts def = VIGIL_CONFIG_OPTS_INIT;
	const vigil_config_opts *o = a->policy ? vigil_policy_config_opts(a->policy) : &def;
	vigil_config_result *res = NULL, *old = NULL;
	if (!rv->object)
		return;
	/* an UPDATE is judged on what it changes: findings the old object had only warn */
	if (rv->old_object &&
	    vigil_config_scan_buffer(&old, ctx, "kubernetes", "object", rv->old_object,
				     strlen(rv->old_object), o) < 0)
		old = NULL;
	if (vigil_config_scan_buffer(&res, ctx, "kubernetes", "object", rv->object,
				     strlen(rv->object), o) < 0) {
		warning(an, "the Kubernetes checks could not run: %s", vigil_ctx_error(ctx));
		return;
	}
	for (size_t i = 0; i < vigil_config_result_count(res); i++) {
		const vigil_config_finding *f = vigil_config_result_get(res, i);
		char what[600];
		if (ignored(a, f->check->id, NULL, NULL, NULL, NULL, NULL))
			continue;
		snprintf(what, sizeof(what), "%s (%s)", f->check->title, f->message);
		if (had_before(old, f))
			warning(an, "%s: %s %s: %s (unchanged by this update)",
				f->object ? f->object : rv->kind, f->check->id, f->severity, what);
		else if (vigil_serve__adm_rank(f->severity) >= a->k8s_sev)
			reason(an, f->object ? f->object : rv->kind, NULL, f->check->id, what);
		else
			warning(an, "%s: %s %s: %s", f->object ? f->object : rv->kind, f->check->id,
				f->severity, what);
	}
	vigil_config_result_free(res);
	vigil_config_result_free(old);
}

static int excluded(vigil_admission *a, const char *ns)
{
	for (size_t i = 0; ns[0] && i < a->nexclude; i++)
		if (!fnmatch(a->exclude[i], ns, 0))
			return 1;
	return 0;
}

/* Decides one review: allowed or not, the message and the warnings into `an`. */
static int decide(vigil_server *srv, vigil_ctx *ctx, const vigil_adm_review *rv, answer *an,
		  const char **skipped)
{
	vigil_admission *a = srv->adm;
	img_eval *ev = NULL;
	size_t nev = 0;
	int64_t start = mono_ms();
	*skipped = NULL;
	if (strcmp(rv->operation, "CREATE") && strcmp(rv->operation, "UPDATE")) {
		*skipped = "operation";
		return 1;
	}
	if (!rv->workload) {
		*skipped = "kind";
		return 1;
	}
	if (excluded(a, rv->namespace)) {
		*skipped = "namespace excluded";
		return 1;
	}
	if (!(ev = calloc(rv->ncontainers + 1, sizeof(*ev))))
		return -1;
	/* each distinct image once; on UPDATE only those the old object did not have */
	for (size_t i = 0; i < rv->ncontainers; i++) {
		size_t j;
		for (j = 0; j < nev; j++)
			if (!strcmp(ev[j].image, rv->containers[i].image))
				break;
		if (j < nev)
			continue;
		if (vigil_serve__adm_old_image(rv, rv->containers[i].image)) {
			size_t k;
			for (k = 0; k < i; k++)
				if (!strcmp(rv->containers[k].image, rv->containers[i].image))
					break;
			if (k == i) /* listed once */
				json_array_append_new(an->images,
						      json_pack("{s:s, s:n, s:s}", "image",
								rv->containers[i].image, "digest",
								"status", "unchanged"));
			continue;
		}
		ev[nev].image = rv->containers[i].image;
		ev[nev].items = json_array();
		prepare_image(srv, ctx, &ev[nev], rv->dry_run, start);
		nev++;
	}
	await_scans(srv, ctx, ev, nev, start);
	for (size_t j = 0; j < nev; j++) {
		json_array_append_new(an->images,
				      json_pack("{s:s, s:s?, s:s}", "image", ev[j].image, "digest",
						ev[j].digest[0] ? ev[j].digest : NULL, "status",
						ev[j].status));
		vigil_ref_free(ev[j].ref);
	}
	/* one reason per failing container and rule */
	for (size_t i = 0; i < rv->ncontainers; i++) {
		const vigil_adm_container *c = &rv->containers[i];
		for (size_t j = 0; j < nev; j++) {
			size_t k;
			json_t *it;
			if (strcmp(ev[j].image, c->image))
				continue;
			json_array_foreach(ev[j].items, k, it)
			{
				if (json_is_true(json_object_get(it, "deny")))
					reason(an, c->name, c->image, jstr(it, "rule"),
					       jstr(it, "detail"));
			}
		}
	}
	/* warnings once per image */
	for (size_t j = 0; j < nev; j++) {
		size_t k;
		json_t *it;
		json_array_foreach(ev[j].items, k, it)
		{
			if (!json_is_true(json_object_get(it, "deny")))
				warning(an, "image %s: %s: %s", ev[j].image, jstr(it, "rule"),
					jstr(it, "detail"));
		}
		json_decref(ev[j].items);
	}
	free(ev);
	k8s_checks(a, ctx, rv, an);
	return json_array_size(an->reasons) == 0;
}

void vigil_serve__admission(vigil_server *srv, const vigil_serve_req *req, int *status, char **out)
{
	vigil_adm_review *rv = NULL;
	vigil_ctx *ctx = NULL;
	answer an = {VIGIL_BUF_INIT, json_array(), json_array(), json_array()};
	char err[512];
	const char *skipped = NULL;
	const char **warns = NULL;
	int allowed = 0, error = 0;
	*out = NULL;
	if (!srv->o.tls_cert) {
		*status = 403;
		*out = strdup(
			"{\"error\":{\"message\":\"the admission webhook needs TLS: start vigil "
			"serve with --tls-cert and --tls-key (the API server calls webhooks "
			"over HTTPS only)\"}}");
		goto done;
	}
	if (!srv->adm) {
		*status = 503;
		*out = strdup("{\"error\":{\"message\":\"admission is not configured\"}}");
		goto done;
	}
	/* --admission-client-ca: only the API server (its client certificate) may ask */
	if (srv->o.admission_client_ca &&
	    !vigil_serve__adm_client_verified(req->conn, err, sizeof(err))) {
		json_t *o = json_pack("{s:{s:s+}}", "error", "message",
				      "the admission webhook needs a TLS client certificate "
				      "signed by --admission-client-ca: ",
				      err);
		vigil_serve__log("warning", "admission: client certificate refused", "error", err,
				 NULL);
		*status = 401;
		*out = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		goto done;
	}
	if (req->body_too_large ||
	    (error = vigil_serve__adm_parse(&rv, req->body ? req->body : "", req->body_len, err,
					    sizeof(err))) < 0) {
		json_t *o = json_pack("{s:{s:s}}", "error", "message",
				      req->body_too_large ? "request body too large" : err);
		*status = req->body_too_large || error == VIGIL_ELIMIT ? 413 : 400;
		*out = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		goto done;
	}
	if (vigil_ctx_new(&ctx) < 0 || !an.reasons || !an.warnings || !an.images ||
	    (allowed = decide(srv, ctx, rv, &an, &skipped)) < 0) {
		*status = 500;
		*out = strdup("{\"error\":{\"message\":\"out of memory\"}}");
		goto done;
	}
	vigil_buf_cstr(&an.msg);
	size_t nw = json_array_size(an.warnings);
	if ((warns = calloc(nw + 1, sizeof(*warns))))
		for (size_t i = 0; i < nw; i++)
			warns[i] = json_string_value(json_array_get(an.warnings, i));
	*out = vigil_serve__adm_response(rv->uid, allowed, allowed ? NULL : (char *)an.msg.data,
					 warns);
	*status = 200;

	/* the audit trail: the store (GET /api/v1/admissions) and the log */
	json_t *detail = json_pack("{s:O, s:O, s:O, s:s?}", "reasons", an.reasons, "warnings",
				   an.warnings, "images", an.images, "skipped", skipped);
	char *dj = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);
	vigil_store_admission rec = {rv->uid,
				     rv->kind,
				     rv->namespace,
				     rv->name,
				     rv->operation,
				     rv->user,
				     rv->dry_run,
				     allowed,
				     allowed ? NULL : (char *)an.msg.data,
				     dj,
				     (int64_t)time(NULL)};
	/* queued for the writer thread (admission_audit.c), errors logged there */
	vigil_serve__adm_audit_add(srv->adm->audit, srv->store, &rec);
	free(dj);
	vigil_serve__log(allowed ? "info" : "warning", "admission", "uid", rv->uid, "kind",
			 rv->kind, "namespace", rv->namespace, "name", rv->name, "operation",
			 rv->operation, "dry_run", rv->dry_run ? "true" : "false", "allowed",
			 allowed ? "true" : "false", "message",
			 allowed ? (skipped ? skipped : "") : (char *)an.msg.data, NULL);
done:
	free(warns);
	vigil_buf_free(&an.msg);
	json_decref(an.reasons);
	json_decref(an.warnings);
	json_decref(an.images);
	vigil_serve__adm_review_free(rv);
	vigil_ctx_free(ctx);
}

void vigil_serve__admission_flush(vigil_server *srv)
{
	if (srv->adm)
		vigil_serve__adm_audit_flush(srv->adm->audit);
}
