/*
 * poll.c - what `vigil serve` does on a schedule (docs/serve.md "Registry polling",
 * "Scheduled database updates"):
 * - registry polling: every --poll-interval seconds each watched registry (--registry
 *   on the command line, and those added with POST /api/v1/registries) is listed with
 *   /v2/_catalog and /v2/<repo>/tags/list; each tag of a repository matching the
 *   registry's glob is resolved to its manifest digest and, when that tag did not point
 *   there at the last poll, a scan of HOST/REPO@DIGEST is queued (vigil_store_poll_seen:
 *   idempotent across polls and restarts);
 * - database updates: every --update-interval seconds a "dbupdate" job is queued (the
 *   same job as POST /api/v1/db/update: update from --db-from, then re-evaluation).
 * And the registries routes of the API (admin scope).
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "internal.h"
#include "registry/registry.h"
#include "util/util.h"
#include "vigil.h"
#include "vigil/registry.h"
#include "vigil/store.h"

#define POLL_MAX_DOC (4u << 20)		/* one catalog or tags page */
#define POLL_PAGE VIGIL_SERVE_POLL_PAGE /* entries asked per page */
#define POLL_MAX_REPOS 10000		/* repositories looked at per registry and poll */
#define POLL_MAX_TAGS 10000		/* tags per repository and poll */

/* A registry as the poller sees it: "scheme://host[:port]" split, and its glob. */
typedef struct watched {
	char key[300];	/* "http://127.0.0.1:5000": the store's name for it */
	char host[256]; /* "127.0.0.1:5000" */
	char glob[256]; /* repositories to watch */
	int plain;	/* http:// */
	const char *user, *pass;
} watched;

/* Splits "[http://|https://]HOST[:PORT][/GLOB]": 0, or VIGIL_EINVAL with a reason. */
int vigil_serve__registry_parse(char *key, size_t keylen, char *host, size_t hostlen, char *glob,
				size_t globlen, const char *url, const char **why)
{
	const char *p = url, *scheme = "https";
	*why = NULL;
	if (!strncmp(p, "https://", 8))
		p += 8;
	else if (!strncmp(p, "http://", 7)) {
		p += 7;
		scheme = "http";
	} else if (strstr(p, "://")) {
		*why = "the URL must start with http:// or https://";
		return VIGIL_EINVAL;
	}
	size_t hn = strcspn(p, "/");
	if (hn == 0 || hn >= hostlen || hn > 253) {
		*why = "the URL has no host or a too long one";
		return VIGIL_EINVAL;
	}
	for (size_t i = 0; i < hn; i++) {
		char c = p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == ':' || c == '[' || c == ']')) {
			*why = "the host may hold letters, digits, '.', '-', ':' and [IPv6]";
			return VIGIL_EINVAL;
		}
	}
	memcpy(host, p, hn);
	host[hn] = '\0';
	p += hn;
	if (*p == '/')
		p++;
	const char *g = *p ? p : "*";
	if (strlen(g) >= globlen || strlen(g) > 255) {
		*why = "the repository glob is too long";
		return VIGIL_EINVAL;
	}
	for (const char *c = g; *c; c++)
		if ((unsigned char)*c < 0x21 || (unsigned char)*c > 0x7e) {
			*why = "the repository glob holds a space or a control character";
			return VIGIL_EINVAL;
		}
	snprintf(glob, globlen, "%s", g);
	snprintf(key, keylen, "%s://%s", scheme, host);
	return 0;
}

/* A repository name as the Distribution spec allows it (lower case path components
 * separated by [._-]), at most 255 bytes. */
static int repo_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 255 || s[0] == '/' || s[n - 1] == '/' || strstr(s, "//") ||
	    strstr(s, ".."))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' ||
		      *s == '_' || *s == '-' || *s == '/'))
			return 0;
	return 1;
}

/* [A-Za-z0-9_][A-Za-z0-9._-]{0,127} */
static int tag_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static int stopping(vigil_server *srv)
{
	pthread_mutex_lock(&srv->mu);
	int s = srv->stop;
	pthread_mutex_unlock(&srv->mu);
	return s;
}

/* A registry client for `repo` on w. */
static int client(vigil_reg **out, vigil_server *srv, vigil_ctx *ctx, const watched *w,
		  const char *repo)
{
	const char *insecure[66] = {NULL};
	size_t k = 0;
	if (w->plain)
		insecure[k++] = w->host;
	for (const char *const *h = srv->o.insecure_registries; h && *h && k < 64; h++)
		insecure[k++] = *h;
	vigil_registry_opts ro = VIGIL_REGISTRY_OPTS_INIT;
	ro.insecure = insecure;
	ro.ca_file = srv->o.ca_file;
	ro.username = w->user;
	ro.password = w->pass;
	vigil_ref ref = {(char *)w->host, (char *)repo, NULL, NULL};
	return vigil_reg__new(out, ctx, &ref, &ro);
}

/* One page of a list: calls each(name) for the names of `member` (an array of
 * strings; null is an empty list) while *seen < max; 1 when another page should be
 * asked for, after the name now in last[], 0 when not, or VIGIL_EFORMAT / each's error. */
int vigil_serve__list_page(const char *doc, size_t len, const char *member, size_t *seen,
			   size_t max, char *last, size_t lastlen,
			   int (*each)(const char *name, void *payload), void *payload)
{
	json_error_t je;
	json_t *o = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &je);
	json_t *arr = json_is_object(o) ? json_object_get(o, member) : NULL;
	int error = 0;
	if (!json_is_array(arr) && !json_is_null(arr)) {
		json_decref(o);
		return VIGIL_EFORMAT;
	}
	size_t n = json_array_size(arr);
	const char *prev = NULL;
	for (size_t i = 0; i < n && *seen < max && error == 0; i++, (*seen)++) {
		const char *name = json_string_value(json_array_get(arr, i));
		if (name && strlen(name) < lastlen &&
		    strlen(name) == json_string_length(json_array_get(arr, i)))
			error = each(name, payload);
		prev = name;
	}
	int more = error == 0 && n >= POLL_PAGE && *seen < max && prev && strlen(prev) < lastlen &&
		   strcmp(prev, last) != 0 && (tag_ok(prev) || repo_ok(prev));
	if (more)
		snprintf(last, lastlen, "%s", prev);
	json_decref(o);
	return error < 0 ? error : more;
}

/* Pages through a list ("repositories" of the catalog, "tags" of tags/list): calls
 * each(name) for every entry, at most `max`. */
static int list_pages(vigil_server *srv, vigil_reg *r, const char *base, const char *member,
		      size_t max, int (*each)(const char *name, void *payload), void *payload)
{
	vigil_buf doc = {0};
	char path[700], last[300] = "";
	size_t seen = 0;
	int error = 0;
	for (;;) {
		if (last[0])
			snprintf(path, sizeof(path), "%s?n=%d&last=%s", base, POLL_PAGE, last);
		else
			snprintf(path, sizeof(path), "%s?n=%d", base, POLL_PAGE);
		if ((error = vigil_reg__get_doc(r, path, POLL_MAX_DOC, &doc)) < 0)
			break;
		int more = vigil_serve__list_page((const char *)doc.data, doc.len, member, &seen,
						  max, last, sizeof(last), each, payload);
		if (more < 0)
			error = more;
		if (more <= 0 || stopping(srv))
			break;
	}
	free(doc.data);
	return error;
}

typedef struct poll_ctx {
	vigil_server *srv;
	vigil_ctx *ctx;
	const watched *w;
	vigil_reg *repo_client;
	const char *repo;
	size_t queued, tags, failed;
	char *repos[POLL_MAX_REPOS];
	size_t nrepos;
} poll_ctx;

static int on_repo(const char *name, void *payload)
{
	poll_ctx *pc = payload;
	if (!repo_ok(name) || fnmatch(pc->w->glob, name, 0) != 0 || pc->nrepos >= POLL_MAX_REPOS)
		return 0;
	if (!(pc->repos[pc->nrepos] = strdup(name)))
		return VIGIL_ENOMEM;
	pc->nrepos++;
	return 0;
}

static int on_tag(const char *tag, void *payload)
{
	poll_ctx *pc = payload;
	vigil_buf m = {0};
	char mt[128], digest[72], ref[700];
	int64_t id = 0;
	if (!tag_ok(tag) || stopping(pc->srv))
		return 0;
	pc->tags++;
	int error = vigil_reg__get_manifest(pc->repo_client, tag, POLL_MAX_DOC, &m, mt, digest);
	free(m.data);
	if (error < 0) {
		pc->failed++;
		vigil_serve__log("warning", "registry poll: manifest", "registry", pc->w->key,
				 "repository", pc->repo, "tag", tag, "error",
				 vigil_ctx_error(pc->ctx), NULL);
		return error == VIGIL_ENOMEM ? error : 0;
	}
	snprintf(ref, sizeof(ref), "%s/%s@%s", pc->w->host, pc->repo, digest);
	if ((error = vigil_store_poll_seen(pc->srv->store, &id, pc->w->key, pc->repo, tag, digest,
					   ref)) < 0) {
		vigil_serve__log("error", "registry poll: store", "error", vigil_store_error(),
				 NULL);
		return error;
	}
	if (error == 1) {
		char ib[32];
		snprintf(ib, sizeof(ib), "%lld", (long long)id);
		pc->queued++;
		vigil_serve__log("info", "registry poll queued", "registry", pc->w->key,
				 "repository", pc->repo, "tag", tag, "digest", digest, "job", ib,
				 NULL);
		vigil_serve__kick(pc->srv);
	}
	return 0;
}

/* One poll of one registry. */
static void poll_one(vigil_server *srv, const watched *w)
{
	poll_ctx *pc = calloc(1, sizeof(*pc));
	vigil_ctx *ctx = NULL;
	vigil_reg *cat = NULL;
	int error;
	if (!pc || vigil_ctx_new(&ctx) < 0) {
		free(pc);
		return;
	}
	pc->srv = srv;
	pc->ctx = ctx;
	pc->w = w;
	if ((error = client(&cat, srv, ctx, w, "catalog")) < 0 ||
	    (error = list_pages(srv, cat, "/_catalog", "repositories", POLL_MAX_REPOS, on_repo,
				pc)) < 0) {
		vigil_serve__log(
			"warning", "registry poll: catalog", "registry", w->key, "error",
			error == VIGIL_EFORMAT ? "malformed catalog" : vigil_ctx_error(ctx), NULL);
	}
	vigil_reg__free(cat);
	for (size_t i = 0; i < pc->nrepos && !stopping(srv); i++) {
		pc->repo = pc->repos[i];
		if ((error = client(&pc->repo_client, srv, ctx, w, pc->repo)) == 0 &&
		    (error = list_pages(srv, pc->repo_client, "tags/list", "tags", POLL_MAX_TAGS,
					on_tag, pc)) < 0 &&
		    error != VIGIL_ENOMEM)
			vigil_serve__log("warning", "registry poll: tags", "registry", w->key,
					 "repository", pc->repo, "error",
					 error == VIGIL_EFORMAT ? "malformed tag list"
								: vigil_ctx_error(ctx),
					 NULL);
		vigil_reg__free(pc->repo_client);
		pc->repo_client = NULL;
	}
	char a[32], b[32], c[32], d[32];
	snprintf(a, sizeof(a), "%zu", pc->nrepos);
	snprintf(b, sizeof(b), "%zu", pc->tags);
	snprintf(c, sizeof(c), "%zu", pc->queued);
	snprintf(d, sizeof(d), "%zu", pc->failed);
	vigil_serve__log("info", "registry polled", "registry", w->key, "repositories", a, "tags",
			 b, "queued", c, "failed", d, NULL);
	for (size_t i = 0; i < pc->nrepos; i++)
		free(pc->repos[i]);
	free(pc);
	vigil_ctx_free(ctx);
}

/* Polls the command line's registries and the store's. */
static void poll_all(vigil_server *srv)
{
	vigil_store_registry *v = NULL;
	size_t n = 0;
	watched w;
	const char *why;
	for (const char *const *u = srv->o.registries; u && *u && !stopping(srv); u++) {
		memset(&w, 0, sizeof(w));
		if (vigil_serve__registry_parse(w.key, sizeof(w.key), w.host, sizeof(w.host),
						w.glob, sizeof(w.glob), *u, &why) == 0) {
			w.plain = !strncmp(w.key, "http://", 7);
			poll_one(srv, &w);
		}
	}
	if (vigil_store_registries(srv->store, &v, &n) < 0) {
		vigil_serve__log("error", "registry poll: store", "error", vigil_store_error(),
				 NULL);
		return;
	}
	for (size_t i = 0; i < n && !stopping(srv); i++) {
		memset(&w, 0, sizeof(w));
		if (vigil_serve__registry_parse(w.key, sizeof(w.key), w.host, sizeof(w.host),
						w.glob, sizeof(w.glob), v[i].url, &why) < 0)
			continue;
		snprintf(w.glob, sizeof(w.glob), "%s", v[i].repositories);
		w.plain = !strncmp(w.key, "http://", 7);
		w.user = v[i].username;
		w.pass = v[i].password;
		poll_one(srv, &w);
	}
	vigil_store_registries_free(v, n);
}

void *vigil_serve__scheduler(void *payload)
{
	vigil_server *srv = payload;
	unsigned pi = srv->o.poll_interval ? srv->o.poll_interval : 300;
	time_t next_poll = time(NULL), next_update = 0;
	if (srv->o.update_interval)
		next_update = time(NULL) + (time_t)srv->o.update_interval;
	for (;;) {
		pthread_mutex_lock(&srv->mu);
		int stop = srv->stop, now_flag = srv->poll_now;
		srv->poll_now = 0;
		pthread_mutex_unlock(&srv->mu);
		if (stop)
			break;
		time_t now = time(NULL);
		if (now_flag || now >= next_poll) {
			poll_all(srv);
			next_poll = time(NULL) + (time_t)pi;
		}
		if (next_update && now >= next_update) {
			int64_t id = 0;
			char ib[32];
			if (vigil_store_job_add(srv->store, &id, "dbupdate", NULL, NULL, NULL) < 0)
				vigil_serve__log("error", "scheduled database update", "error",
						 vigil_store_error(), NULL);
			else {
				snprintf(ib, sizeof(ib), "%lld", (long long)id);
				vigil_serve__log("info", "scheduled database update queued", "job",
						 ib, NULL);
				vigil_serve__kick(srv);
			}
			next_update = time(NULL) + (time_t)srv->o.update_interval;
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_mutex_lock(&srv->mu);
		if (!srv->stop && !srv->poll_now)
			pthread_cond_timedwait(&srv->sched, &srv->mu, &ts);
		pthread_mutex_unlock(&srv->mu);
	}
	return NULL;
}

int vigil_serve__registry_creds(vigil_server *srv, const char *ref, char **user, char **pass)
{
	vigil_store_registry *v = NULL;
	size_t n = 0, hn = strcspn(ref, "/");
	int found = 0;
	*user = *pass = NULL;
	if (!ref[hn] || vigil_store_registries(srv->store, &v, &n) < 0)
		return 0;
	for (size_t i = 0; i < n && !found; i++) {
		char key[300], host[256], glob[256];
		const char *why;
		if (!v[i].username || !v[i].password ||
		    vigil_serve__registry_parse(key, sizeof(key), host, sizeof(host), glob,
						sizeof(glob), v[i].url, &why) < 0 ||
		    strlen(host) != hn || strncmp(host, ref, hn) != 0)
			continue;
		*user = strdup(v[i].username);
		*pass = strdup(v[i].password);
		found = *user && *pass;
		if (!found) {
			free(*user);
			free(*pass);
			*user = *pass = NULL;
		}
	}
	vigil_store_registries_free(v, n);
	return found;
}

/* ---- the API: /api/v1/registries (admin) ----------------------------------------------- */

static void err_json(int *status, char **out, int code, const char *msg)
{
	json_t *o = json_pack("{s:{s:s}}", "error", "message", msg);
	*status = code;
	*out = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
}

static const char *opt_str(json_t *o, const char *k, int *bad)
{
	json_t *v = json_object_get(o, k);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 1024 ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

int vigil_serve__registries_route(vigil_server *srv, const vigil_serve_req *req, int *status,
				  char **out)
{
	const char *p = req->path;
	if (strncmp(p, "/api/v1/registries", 18) != 0 || (p[18] != '\0' && p[18] != '/'))
		return 0;
	if (!strcmp(req->method, "GET") && p[18] == '\0')
		return 0; /* the dashboard's: scanned references by registry (dashboard.c) */
	if (!strcmp(req->method, "GET") && !strcmp(p + 18, "/watched")) {
		if (vigil_store_registries_json(srv->store, out) < 0)
			err_json(status, out, 500, vigil_store_error());
		else
			*status = 200;
		return 1;
	}
	if (!strcmp(req->method, "POST") && p[18] == '\0') {
		json_error_t je;
		json_t *o = req->body ? json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES,
						   &je)
				      : NULL;
		int bad = !json_is_object(o);
		const char *url = bad ? NULL : opt_str(o, "url", &bad);
		const char *repos = bad ? NULL : opt_str(o, "repositories", &bad);
		const char *user = bad ? NULL : opt_str(o, "username", &bad);
		const char *pass = bad ? NULL : opt_str(o, "password", &bad);
		char key[300], host[256], glob[256];
		const char *why = NULL;
		if (bad || !url)
			err_json(status, out, 400,
				 "the body must be {\"url\", \"repositories\"?, \"username\"?, "
				 "\"password\"?} with non-empty strings");
		else if (!user != !pass)
			err_json(status, out, 400, "username and password go together");
		else if (vigil_serve__registry_parse(key, sizeof(key), host, sizeof(host), glob,
						     sizeof(glob), url, &why) < 0)
			err_json(status, out, 400, why);
		else if (repos && (strlen(repos) > 255 || strspn(repos, " \t\r\n")))
			err_json(status, out, 400, "repositories: a glob of at most 255 bytes");
		else {
			int64_t id = 0;
			char canon[600];
			snprintf(canon, sizeof(canon), "%s/%s", key, repos ? repos : glob);
			if (vigil_store_registry_add(srv->store, &id, key, repos ? repos : glob,
						     user, pass) < 0)
				err_json(status, out, 500, vigil_store_error());
			else {
				json_t *r =
					json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)id,
						  "url", key, "repositories", repos ? repos : glob,
						  "credentials", user != NULL);
				*status = 201;
				*out = r ? json_dumps(r, JSON_COMPACT) : NULL;
				json_decref(r);
				char ib[32];
				snprintf(ib, sizeof(ib), "%lld", (long long)id);
				vigil_serve__log("info", "registry added", "id", ib, "registry",
						 canon, NULL);
				pthread_mutex_lock(&srv->mu);
				srv->poll_now = 1;
				pthread_cond_broadcast(&srv->sched);
				pthread_mutex_unlock(&srv->mu);
			}
		}
		json_decref(o);
		return 1;
	}
	if (!strcmp(req->method, "DELETE") && p[18] == '/') {
		uint64_t id;
		if (vigil_parse_uint(&id, p + 19, INT64_MAX) < 0 || id == 0)
			err_json(status, out, 400, "the registry id must be a positive integer");
		else if (vigil_store_registry_delete(srv->store, (int64_t)id) < 0)
			err_json(status, out, 404, "no such registry");
		else {
			*status = 200;
			*out = strdup("{\"deleted\":true}");
		}
		return 1;
	}
	err_json(status, out, 405, "method not allowed");
	return 1;
}
