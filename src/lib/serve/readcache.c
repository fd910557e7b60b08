/*
 * readcache.c - what GET /api/v1/images/{digest} (and every authenticated route) reads
 * from the store on each request, kept in memory (docs/serve.md "Read cache"):
 *   - a token's scopes, by the token's SHA-256, for at most a second;
 *   - the latest report of a digest, for at most a second, and only while the store's
 *     generation (raised after every scan or re-evaluation commit through this server)
 *     is the one read before the report was fetched: a scan or a re-evaluation on this
 *     server is seen by the next request. Writes by other processes (another fleet node
 *     on the same PostgreSQL, `vigil serve token add`) are seen within a second.
 * VIGIL_SERVE_CACHE_TTL_MS changes the second (0 turns the cache off).
 * Bounded: 256 reports of at most 256 KiB each, 32 MiB in all, and 64 tokens.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/internal.h"
#include "util/util.h"

#define RC_REPORTS 256
#define RC_TOKENS 64
#define RC_MAX_DOC ((size_t)256 << 10)
#define RC_MAX_BYTES ((size_t)32 << 20)

typedef struct rc_report {
	char digest[80];
	char *body;
	size_t len;
	unsigned long long gen;
	long long at; /* CLOCK_MONOTONIC ns */
} rc_report;

typedef struct rc_token {
	char hash[72];
	unsigned scopes;
	long long at;
} rc_token;

struct vigil_serve_rcache {
	pthread_mutex_t mu;
	rc_report reports[RC_REPORTS];
	rc_token tokens[RC_TOKENS];
	size_t bytes;
	long long ttl; /* ns */
	atomic_llong hits, misses;
};

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* FNV-1a of a string, for the slot. */
static unsigned slot_of(const char *s, unsigned n)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % n;
}

int vigil_serve__rcache_new(vigil_server *srv)
{
	const char *e = getenv("VIGIL_SERVE_CACHE_TTL_MS");
	uint64_t ms = 1000;
	if (e && vigil_parse_uint(&ms, e, 86400000) < 0)
		ms = 1000;
	if (ms == 0)
		return 0; /* off */
	struct vigil_serve_rcache *c = calloc(1, sizeof(*c));
	if (!c)
		return VIGIL_ENOMEM;
	c->ttl = (long long)ms * 1000000LL;
	pthread_mutex_init(&c->mu, NULL);
	srv->rcache = c;
	return 0;
}

void vigil_serve__rcache_free(vigil_server *srv)
{
	struct vigil_serve_rcache *c = srv->rcache;
	if (!c)
		return;
	for (int i = 0; i < RC_REPORTS; i++)
		free(c->reports[i].body);
	pthread_mutex_destroy(&c->mu);
	free(c);
	srv->rcache = NULL;
}

void vigil_serve__rcache_stats(vigil_server *srv, long long *hits, long long *misses)
{
	*hits = srv->rcache ? atomic_load(&srv->rcache->hits) : 0;
	*misses = srv->rcache ? atomic_load(&srv->rcache->misses) : 0;
}

int vigil_serve__token_scopes(vigil_server *srv, unsigned *out, const char *token)
{
	struct vigil_serve_rcache *c = srv->rcache;
	char hash[72];
	int error;
	*out = 0;
	if (!c || !token || strlen(token) > 256)
		return vigil_store_token_check(srv->store, out, token);
	if (vigil_sha256_buf(hash, token, strlen(token)) < 0)
		return vigil_store_token_check(srv->store, out, token);
	long long t = now_ns();
	rc_token *e = &c->tokens[slot_of(hash, RC_TOKENS)];
	pthread_mutex_lock(&c->mu);
	if (strcmp(e->hash, hash) == 0 && t - e->at < c->ttl) {
		*out = e->scopes;
		pthread_mutex_unlock(&c->mu);
		return 0;
	}
	pthread_mutex_unlock(&c->mu);
	if ((error = vigil_store_token_check(srv->store, out, token)) < 0)
		return error; /* a wrong token is never kept */
	pthread_mutex_lock(&c->mu);
	memcpy(e->hash, hash, sizeof(hash));
	e->scopes = *out;
	e->at = t;
	pthread_mutex_unlock(&c->mu);
	return 0;
}

int vigil_serve__report(vigil_server *srv, char **out, const char *digest)
{
	struct vigil_serve_rcache *c = srv->rcache;
	int error;
	*out = NULL;
	if (!c || strlen(digest) >= sizeof(c->reports[0].digest))
		return vigil_store_report(srv->store, out, digest);
	long long t = now_ns();
	unsigned long long gen = vigil_store_commits(srv->store);
	rc_report *e = &c->reports[slot_of(digest, RC_REPORTS)];
	pthread_mutex_lock(&c->mu);
	if (e->body && strcmp(e->digest, digest) == 0 && e->gen == gen && t - e->at < c->ttl) {
		char *copy = malloc(e->len + 1);
		if (copy)
			memcpy(copy, e->body, e->len + 1);
		pthread_mutex_unlock(&c->mu);
		if (!copy)
			return VIGIL_ENOMEM;
		atomic_fetch_add(&c->hits, 1);
		*out = copy;
		return 0;
	}
	pthread_mutex_unlock(&c->mu);
	atomic_fetch_add(&c->misses, 1);
	/* the generation was read before the store: a commit in between makes it stale */
	if ((error = vigil_store_report(srv->store, out, digest)) < 0)
		return error;
	size_t len = strlen(*out);
	if (len > RC_MAX_DOC)
		return 0;
	char *keep = malloc(len + 1);
	if (!keep)
		return 0;
	memcpy(keep, *out, len + 1);
	pthread_mutex_lock(&c->mu);
	if (e->body) {
		c->bytes -= e->len;
		free(e->body);
		e->body = NULL;
	}
	if (c->bytes + len <= RC_MAX_BYTES) {
		snprintf(e->digest, sizeof(e->digest), "%s", digest);
		e->body = keep;
		e->len = len;
		e->gen = gen;
		e->at = t;
		c->bytes += len;
		keep = NULL;
	}
	pthread_mutex_unlock(&c->mu);
	free(keep);
	return 0;
}
