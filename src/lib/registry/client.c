/*
 * The OCI Distribution v2 client on libcurl. Each request runs on its own multi handle so
 * a blob can be read as a pull stream (the consumer drives the transfer; curl pauses
 * when the consumer is behind). Redirects and 401 challenges are handled here, not by
 * curl: Authorization goes only to the registry's own host, the number of redirects
 * and authentication rounds is bounded, and every body is size-capped.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "registry.h"

#define MAX_REDIRECTS 5
#define MAX_ERR_BODY (64u << 10)
#define MAX_TOKEN_DOC (1u << 20)
/* A stream holds at most STREAM_CHUNK bytes for its consumer (one buffer allocated once,
 * never grown) plus curl's receive buffer of STREAM_RECV, and nothing else: the transfer
 * is paused as soon as the buffer could not take a whole further receive, so curl never
 * has to keep a copy of data the buffer refused. 64 + 64 KiB per stream, where a layer
 * read from a local file goes through a 256 KiB buffer: a registry scan's heap at its
 * peak is a local scan's (libcurl's code pages are the rest, see BENCHMARKS.md). */
#ifndef STREAM_CHUNK
#define STREAM_CHUNK (64u << 10)
#endif
#ifndef STREAM_RECV
#define STREAM_RECV (64L << 10)
#endif
#if STREAM_CHUNK < CURL_MAX_WRITE_SIZE
#error "an empty stream buffer must take any chunk curl hands to the write callback"
#endif
#define MAX_RETRIES 3

#define ACCEPT_MANIFESTS                                                                           \
	"Accept: application/vnd.oci.image.index.v1+json, "                                        \
	"application/vnd.oci.image.manifest.v1+json, "                                             \
	"application/vnd.docker.distribution.manifest.list.v2+json, "                              \
	"application/vnd.docker.distribution.manifest.v2+json"

typedef struct token {
	char *scope, *header;
} token;

struct vigil_reg {
	vigil_ctx *ctx;
	char *host, *api, *repo;
	char name[600];
	char scheme[8];
	int insecure, fell_back;
	atomic_int probed; /* vigil_reg__probe_tls asked (insecure hosts) */
	char *ca_file;
	vigil_reg_cred cred;
	long timeout_ms;
	pthread_mutex_t lock;
	char *auth; /* "Authorization: ..." for the registry host, or NULL */
	vigil_vec tokens;
	vigil_vec insecure_hosts; /* char * */
	CURLSH *share;
	pthread_mutex_t share_lock[CURL_LOCK_DATA_LAST];
	atomic_int cancel; /* vigil_reg__cancel: every transfer stops */
	/* proxies from the environment (lower case first, then upper case), or NULL */
	char *proxy_http, *proxy_https, *no_proxy;
};

typedef struct xfer {
	vigil_reg *r;
	CURL *h;
	CURLM *m;
	struct curl_slist *hdrs;
	long status;
	int headers_done, done, paused, over, stream;
	unsigned held; /* body chunks refused (CURL_WRITEFUNC_PAUSE): curl kept a copy */
	CURLcode result;
	char location[4096], www_auth[2048], ctype[128], dcd[80];
	uint64_t clen, crange_start;
	int has_clen, has_crange;
	vigil_buf body;
	uint64_t max, skip, range_from;
	int skip_set;
	char err[CURL_ERROR_SIZE];
} xfer;

enum { PUMP_HEADERS, PUMP_DATA, PUMP_ALL };

const char *vigil_reg__name(const vigil_reg *r)
{
	return r->name;
}

/* ---- curl plumbing -------------------------------------------------------------------- */

static void share_lock(CURL *h, curl_lock_data d, curl_lock_access a, void *u)
{
	vigil_reg *r = u;
	(void)h, (void)a;
	pthread_mutex_lock(&r->share_lock[d]);
}

static void share_unlock(CURL *h, curl_lock_data d, void *u)
{
	vigil_reg *r = u;
	(void)h;
	pthread_mutex_unlock(&r->share_lock[d]);
}

static int header_is(const char *line, size_t n, const char *name, const char **val, size_t *vn)
{
	size_t k = strlen(name);
	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return 0;
	const char *v = line + k + 1, *e = line + n;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*val = v;
	*vn = (size_t)(e - v);
	return 1;
}

static void copy_hdr(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static size_t on_header(char *line, size_t sz, size_t nm, void *u)
{
	xfer *x = u;
	size_t n = sz * nm, vn;
	const char *v;
	if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		long code = 0;
		const char *sp = memchr(line, ' ', n);
		for (const char *p = sp ? sp + 1 : line + n; p < line + n && *p >= '0' && *p <= '9';
		     p++)
			code = code * 10 + (*p - '0');
		x->status = code;
		x->headers_done = x->has_clen = x->has_crange = 0;
		x->location[0] = x->www_auth[0] = x->ctype[0] = x->dcd[0] = '\0';
		return n;
	}
	if ((n == 2 && line[0] == '\r') || (n == 1 && line[0] == '\n')) {
		if (x->status >= 200)
			x->headers_done = 1;
		return n;
	}
	if (header_is(line, n, "location", &v, &vn))
		copy_hdr(x->location, sizeof(x->location), v, vn);
	else if (header_is(line, n, "www-authenticate", &v, &vn) && !x->www_auth[0])
		copy_hdr(x->www_auth, sizeof(x->www_auth), v, vn);
	else if (header_is(line, n, "content-type", &v, &vn))
		copy_hdr(x->ctype, sizeof(x->ctype), v, vn);
	else if (header_is(line, n, "docker-content-digest", &v, &vn))
		copy_hdr(x->dcd, sizeof(x->dcd), v, vn);
	else if (header_is(line, n, "content-length", &v, &vn)) {
		uint64_t k = 0;
		size_t i = 0;
		for (; i < vn && i < 19 && v[i] >= '0' && v[i] <= '9'; i++)
			k = k * 10 + (uint64_t)(v[i] - '0');
		x->has_clen = i == vn && vn > 0;
		x->clen = k;
	} else if (header_is(line, n, "content-range", &v, &vn)) {
		/* bytes START-END/TOTAL */
		uint64_t k = 0;
		size_t i = 6;
		if (vn > 6 && strncasecmp(v, "bytes ", 6) == 0) {
			for (; i < vn && i < 25 && v[i] >= '0' && v[i] <= '9'; i++)
				k = k * 10 + (uint64_t)(v[i] - '0');
			x->has_crange = i < vn && v[i] == '-';
			x->crange_start = k;
		}
	}
	return n;
}

static size_t on_body(char *p, size_t sz, size_t nm, void *u)
{
	xfer *x = u;
	size_t n = sz * nm;
	if (x->status < 200 || x->status >= 300) {
		if (x->body.len + n <= MAX_ERR_BODY)
			vigil_buf_put(&x->body, p, n);
		return n;
	}
	if (x->range_from && !x->skip_set) {
		/* a resumed request answered 200: the server ignored Range */
		x->skip_set = 1;
		if (x->status == 200)
			x->skip = x->range_from;
	}
	if (x->skip) {
		size_t k = x->skip < n ? (size_t)x->skip : n;
		x->skip -= k;
		p += k;
		n -= k;
		if (n == 0)
			return sz * nm;
	}
	if (x->stream) {
		/* does not fit (not expected: the transfer pauses before that, below): curl
		 * keeps the chunk until the consumer has taken the buffer */
		if (x->body.len + n > STREAM_CHUNK) {
			x->paused = 1;
			x->held++;
			return CURL_WRITEFUNC_PAUSE;
		}
		memcpy(x->body.data + x->body.len, p, n);
		x->body.len += n;
		/* the rest of this receive still comes here (curl hands a receive over in
		 * pieces of at most CURL_MAX_WRITE_SIZE), the next receive does not start */
		if (!x->paused && STREAM_CHUNK - x->body.len < (size_t)STREAM_RECV) {
			x->paused = 1;
			curl_easy_pause(x->h, CURLPAUSE_RECV);
		}
		return sz * nm;
	}
	if (!x->stream && x->max && x->body.len + n > x->max) {
		x->over = 1;
		return 0;
	}
	if (vigil_buf_put(&x->body, p, n) < 0)
		return 0;
	return sz * nm;
}

static void xfer_free(xfer *x)
{
	if (!x)
		return;
	if (x->m && x->h)
		curl_multi_remove_handle(x->m, x->h);
	if (x->h)
		curl_easy_cleanup(x->h);
	if (x->m)
		curl_multi_cleanup(x->m);
	curl_slist_free_all(x->hdrs);
	vigil_buf_free(&x->body);
	free(x);
}

/* The authority ("host:port", "[v6]:port") of an absolute URL, lower-cased, in out. */
static void url_authority(const char *url, char *out, size_t n, char *scheme, size_t sn)
{
	CURLU *u = curl_url();
	char *h = NULL, *port = NULL, *sc = NULL;
	out[0] = scheme[0] = '\0';
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &sc, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		snprintf(out, n, "%s:%s", h, port);
		snprintf(scheme, sn, "%s", sc);
		for (char *p = out; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p + 32);
	}
	curl_free(h);
	curl_free(port);
	curl_free(sc);
	curl_url_cleanup(u);
}

/* Whether `url` points at the registry itself (same scheme, host and port). */
static int is_registry_url(vigil_reg *r, const char *url)
{
	char a[512], b[512], sa[16], sb[16], base[600];
	snprintf(base, sizeof(base), "%s://%s/", r->scheme, r->api);
	url_authority(url, a, sizeof(a), sa, sizeof(sa));
	url_authority(base, b, sizeof(b), sb, sizeof(sb));
	return a[0] && strcmp(a, b) == 0 && strcmp(sa, sb) == 0;
}

/* Whether `url` is on the registry's host name (any port): its token server, say. */
static int same_host_name(vigil_reg *r, const char *url)
{
	char a[512], b[512], sa[16], sb[16], base[600];
	char *pa, *pb;
	snprintf(base, sizeof(base), "%s://%s/", r->scheme, r->api);
	url_authority(url, a, sizeof(a), sa, sizeof(sa));
	url_authority(base, b, sizeof(b), sb, sizeof(sb));
	pa = strrchr(a, ':');
	pb = strrchr(b, ':');
	if (!pa || !pb)
		return 0;
	*pa = *pb = '\0';
	return a[0] && strcmp(a, b) == 0;
}

static int host_insecure(vigil_reg *r, const char *url)
{
	char a[512], sc[16], *hostonly;
	url_authority(url, a, sizeof(a), sc, sizeof(sc));
	hostonly = strrchr(a, ':');
	for (size_t i = 0; i < r->insecure_hosts.len; i++) {
		const char *h = VIGIL_VEC_AT(&r->insecure_hosts, char *, i);
		size_t hn = strlen(h);
		if (strcasecmp(h, a) == 0 ||
		    (hostonly && (size_t)(hostonly - a) == hn && strncasecmp(h, a, hn) == 0))
			return 1;
		/* "HOST:PORT" named with the URL's default port */
	}
	return 0;
}

/* Starts a GET (or a POST of `post`) of `url`. */
static int xfer_start(xfer **out, vigil_reg *r, const char *url, const char *accept,
		      const char *auth, uint64_t range_from, int stream, uint64_t max,
		      const char *post)
{
	xfer *x = calloc(1, sizeof(*x));
	char range[64];
	long secs = r->timeout_ms / 1000 > 0 ? r->timeout_ms / 1000 : 1;
	*out = NULL;
	if (!x || !(x->h = curl_easy_init()) || !(x->m = curl_multi_init())) {
		xfer_free(x);
		return VIGIL_ENOMEM;
	}
	x->r = r;
	x->range_from = range_from;
	x->stream = stream;
	if (stream) { /* exactly STREAM_CHUNK, allocated once (on_body never grows it) */
		if (!(x->body.data = malloc(STREAM_CHUNK))) {
			xfer_free(x);
			return VIGIL_ENOMEM;
		}
		x->body.cap = STREAM_CHUNK;
	}
	x->max = max;
	x->body.limit = 0;
	if (accept)
		x->hdrs = curl_slist_append(x->hdrs, accept);
	if (auth)
		x->hdrs = curl_slist_append(x->hdrs, auth);
	if (range_from) {
		snprintf(range, sizeof(range), "Range: bytes=%llu-",
			 (unsigned long long)range_from);
		x->hdrs = curl_slist_append(x->hdrs, range);
	}
	CURL *h = x->h;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->err);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "vigil/" VIGIL_VERSION);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, r->timeout_ms);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, secs);
	if (!stream)
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, r->timeout_ms * 4);
	else
		curl_easy_setopt(h, CURLOPT_BUFFERSIZE, STREAM_RECV);
	if (r->share)
		curl_easy_setopt(h, CURLOPT_SHARE, r->share);
	/* the proxy is chosen here, not by libcurl's own environment reading (which
	 * ignores HTTP_PROXY in upper case): "" means none */
	const char *proxy = strncasecmp(url, "https:", 6) == 0 ? r->proxy_https : r->proxy_http;
	curl_easy_setopt(h, CURLOPT_PROXY, proxy ? proxy : "");
	/* the proxy's "200 Connection established" is not the registry's answer */
	curl_easy_setopt(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	if (proxy && r->no_proxy)
		curl_easy_setopt(h, CURLOPT_NOPROXY, r->no_proxy);
	if (host_insecure(r, url)) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (r->ca_file && same_host_name(r, url)) {
		curl_easy_setopt(h, CURLOPT_CAINFO, r->ca_file);
	}
	if (post) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, post);
	}
	if (!x->hdrs && (accept || auth || range_from)) {
		xfer_free(x);
		return VIGIL_ENOMEM;
	}
	if (curl_multi_add_handle(x->m, h) != CURLM_OK) {
		xfer_free(x);
		return VIGIL_ENOMEM;
	}
	*out = x;
	return 0;
}

static void xfer_pump(xfer *x, int mode)
{
	while (!x->done) {
		int running = 0, q;
		CURLMsg *msg;
		if ((mode == PUMP_HEADERS && x->headers_done) || (mode == PUMP_DATA && x->body.len))
			return;
		if (atomic_load(&x->r->cancel)) {
			x->done = 1;
			x->result = CURLE_ABORTED_BY_CALLBACK;
			snprintf(x->err, sizeof(x->err), "cancelled");
			return;
		}
		curl_multi_perform(x->m, &running);
		while ((msg = curl_multi_info_read(x->m, &q)))
			if (msg->msg == CURLMSG_DONE) {
				x->done = 1;
				x->result = msg->data.result;
			}
		if (x->done || (mode == PUMP_HEADERS && x->headers_done) ||
		    (mode == PUMP_DATA && x->body.len))
			return;
		curl_multi_poll(x->m, NULL, 0, 250, NULL);
	}
}

/* A URL without its query (signed blob-storage URLs carry secrets there). */
static const char *url_for_msg(const char *url, char *buf, size_t n)
{
	size_t k = strcspn(url, "?#");
	if (k >= n)
		k = n - 1;
	memcpy(buf, url, k);
	buf[k] = '\0';
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return buf;
}

/* The registry's error code and message from an error body, sanitized, in out. */
static void error_detail(const vigil_buf *body, char *out, size_t n)
{
	json_t *j = json_loadb((const char *)body->data, body->len, 0, NULL);
	json_t *e = json_array_get(json_object_get(j, "errors"), 0);
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	out[0] = '\0';
	if (code || msg)
		snprintf(out, n, ": %.40s%s%.200s", code ? code : "", code && msg ? ": " : "",
			 msg ? msg : "");
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	json_decref(j);
}

/* ---- authentication ------------------------------------------------------------------- */

static char *basic_header(const char *user, const char *pass)
{
	size_t ul = strlen(user), pl = strlen(pass), raw = ul + 1 + pl;
	unsigned char *in = malloc(raw + 1);
	char *out = malloc(32 + 4 * (raw / 3 + 2));
	if (!in || !out) {
		free(in);
		free(out);
		return NULL;
	}
	memcpy(in, user, ul);
	in[ul] = ':';
	memcpy(in + ul + 1, pass, pl);
	memcpy(out, "Authorization: Basic ", 21);
	EVP_EncodeBlock((unsigned char *)out + 21, in, (int)raw);
	OPENSSL_cleanse(in, raw);
	free(in);
	return out;
}

static int token_ok(const char *t)
{
	if (!t || !*t || strlen(t) > 65536)
		return 0;
	for (; *t; t++)
		if ((unsigned char)*t <= ' ' || (unsigned char)*t >= 0x7f)
			return 0;
	return 1;
}

/* Gets a bearer token for the challenge's scope from its realm. */
static int fetch_token(vigil_reg *r, const vigil_reg_challenge *ch, char **header, char *errbuf,
		       size_t errn)
{
	char scope[600], url[4096], shown[1024], sa[512], ss[16];
	char *es = NULL, *esc = NULL, *auth = NULL, *post = NULL;
	xfer *x = NULL;
	json_t *j = NULL;
	int error = VIGIL_EIO;

	*header = NULL;
	if (ch->scope[0])
		snprintf(scope, sizeof(scope), "%s", ch->scope);
	else
		snprintf(scope, sizeof(scope), "repository:%s:pull", r->repo);
	url_authority(ch->realm, sa, sizeof(sa), ss, sizeof(ss));
	if (!sa[0] || (strcmp(ss, "https") != 0 &&
		       !(strcmp(ss, "http") == 0 && host_insecure(r, ch->realm)))) {
		snprintf(errbuf, errn,
			 "%s: the token realm '%s' is not an https URL (plain http only for "
			 "--insecure-registry hosts)",
			 r->name, url_for_msg(ch->realm, shown, sizeof(shown)));
		return VIGIL_EFORMAT;
	}
	es = curl_easy_escape(NULL, ch->service, 0);
	esc = curl_easy_escape(NULL, scope, 0);
	if (!es || !esc) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if (r->cred.identity_token) {
		char *rt = curl_easy_escape(NULL, r->cred.identity_token, 0);
		size_t n = (rt ? strlen(rt) : 0) + strlen(es) + strlen(esc) + 128;
		if (!rt || !(post = malloc(n))) {
			curl_free(rt);
			error = VIGIL_ENOMEM;
			goto done;
		}
		snprintf(post, n,
			 "grant_type=refresh_token&client_id=vigil&service=%s&scope=%s&"
			 "refresh_token=%s",
			 es, esc, rt);
		OPENSSL_cleanse(rt, strlen(rt));
		curl_free(rt);
		snprintf(url, sizeof(url), "%s", ch->realm);
	} else {
		snprintf(url, sizeof(url), "%s%sservice=%s&scope=%s", ch->realm,
			 strchr(ch->realm, '?') ? "&" : "?", es, esc);
		if (r->cred.user && !(auth = basic_header(r->cred.user, r->cred.pass))) {
			error = VIGIL_ENOMEM;
			goto done;
		}
	}
	if ((error = xfer_start(&x, r, url, "Accept: application/json", auth, 0, 0, MAX_TOKEN_DOC,
				post)) < 0)
		goto done;
	xfer_pump(x, PUMP_ALL);
	if (x->over || x->result != CURLE_OK || x->status != 200) {
		char detail[300] = "";
		if (x->status == 401 || x->status == 403)
			snprintf(errbuf, errn, "%s: the token server %s refused %s (HTTP %ld)",
				 r->name, url_for_msg(ch->realm, shown, sizeof(shown)),
				 r->cred.user || r->cred.identity_token ? "the credentials"
									: "anonymous access",
				 x->status);
		else if (x->result != CURLE_OK && !x->over)
			snprintf(errbuf, errn, "%s: token server %s: %s", r->name,
				 url_for_msg(ch->realm, shown, sizeof(shown)),
				 x->err[0] ? x->err : curl_easy_strerror(x->result));
		else {
			error_detail(&x->body, detail, sizeof(detail));
			snprintf(errbuf, errn, "%s: token server %s: HTTP %ld%s%s", r->name,
				 url_for_msg(ch->realm, shown, sizeof(shown)), x->status, detail,
				 x->over ? " (answer too large)" : "");
		}
		error = x->status == 401 || x->status == 403 ? VIGIL_EINVAL : VIGIL_EIO;
		goto done;
	}
	j = json_loadb((const char *)x->body.data, x->body.len, 0, NULL);
	const char *t = json_string_value(json_object_get(j, "token"));
	if (!t)
		t = json_string_value(json_object_get(j, "access_token"));
	if (!token_ok(t)) {
		snprintf(errbuf, errn, "%s: the token server's answer has no usable token",
			 r->name);
		error = VIGIL_EFORMAT;
		goto done;
	}
	size_t n = strlen(t) + 32;
	if (!(*header = malloc(n))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	snprintf(*header, n, "Authorization: Bearer %s", t);
	error = 0;
done:
	if (x && x->body.data)
		OPENSSL_cleanse(x->body.data, x->body.len);
	xfer_free(x);
	json_decref(j);
	curl_free(es);
	curl_free(esc);
	if (post) {
		OPENSSL_cleanse(post, strlen(post));
		free(post);
	}
	if (auth) {
		OPENSSL_cleanse(auth, strlen(auth));
		free(auth);
	}
	return error;
}

/* Answers a 401: sets r->auth from the challenge (a cached token for the scope unless
 * `fresh`). */
static int authenticate(vigil_reg *r, const char *www, int fresh, char *errbuf, size_t errn)
{
	vigil_reg_challenge ch;
	char *hdr = NULL;
	int error, cached = 0;
	if (!www[0] || vigil_reg__challenge_parse(&ch, www, strlen(www)) < 0) {
		snprintf(errbuf, errn,
			 "%s: authentication required, but the registry's WWW-Authenticate "
			 "challenge is missing or not Basic/Bearer",
			 r->name);
		return VIGIL_EFORMAT;
	}
	if (strcmp(ch.scheme, "basic") == 0) {
		if (!r->cred.user) {
			snprintf(errbuf, errn,
				 "%s: authentication required and no credentials for %s (use "
				 "--username with --password-stdin, --authfile, or docker login)",
				 r->name, r->host);
			return VIGIL_EINVAL;
		}
		if (!(hdr = basic_header(r->cred.user, r->cred.pass)))
			return VIGIL_ENOMEM;
	} else {
		char scope[600];
		snprintf(scope, sizeof(scope), "%s", ch.scope[0] ? ch.scope : "");
		pthread_mutex_lock(&r->lock);
		for (size_t i = 0; !fresh && i < r->tokens.len; i++) {
			token *t = &VIGIL_VEC_AT(&r->tokens, token, i);
			if (strcmp(t->scope, scope) == 0) {
				hdr = strdup(t->header);
				if (!hdr) {
					pthread_mutex_unlock(&r->lock);
					return VIGIL_ENOMEM;
				}
				cached = 1;
				break;
			}
		}
		pthread_mutex_unlock(&r->lock);
		if (!hdr && (error = fetch_token(r, &ch, &hdr, errbuf, errn)) < 0)
			return error;
		if (!hdr)
			return VIGIL_ENOMEM;
		pthread_mutex_lock(&r->lock);
		/* one entry per scope: a fresh token replaces the stale one */
		token *t = NULL;
		for (size_t i = 0; !cached && i < r->tokens.len && !t; i++)
			if (strcmp(VIGIL_VEC_AT(&r->tokens, token, i).scope, scope) == 0)
				t = &VIGIL_VEC_AT(&r->tokens, token, i);
		char *h2 = cached ? NULL : strdup(hdr);
		if (t && h2) {
			OPENSSL_cleanse(t->header, strlen(t->header));
			free(t->header);
			t->header = h2;
		} else if (h2 && r->tokens.len < 16 && (t = vigil_vec_push(&r->tokens))) {
			t->header = h2;
			if (!(t->scope = strdup(scope))) {
				free(t->header);
				r->tokens.len--;
			}
		} else if (h2) {
			OPENSSL_cleanse(h2, strlen(h2));
			free(h2);
		}
		pthread_mutex_unlock(&r->lock);
	}
	pthread_mutex_lock(&r->lock);
	if (r->auth) {
		OPENSSL_cleanse(r->auth, strlen(r->auth));
		free(r->auth);
	}
	r->auth = hdr;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/* ---- requests -------------------------------------------------------------------------- */

/* GETs /v2/<repo>/<path> through 401 challenges and redirects; *out is a transfer whose
 * status is 200 or 206 with its headers read. */
static int request(xfer **out, vigil_reg *r, const char *path, const char *accept,
		   uint64_t range_from, int stream, uint64_t max, char *errbuf, size_t errn)
{
	char url[4096], shown[1024];
	int hops = 0, auths = 0, on_registry = 1, error, tried_http = 0;
	xfer *x = NULL;

	*out = NULL;
	/* an --insecure-registry host: TLS or plain HTTP, asked once before the first request
	 * (without a proxy: through one, curl's TLS attempt below finds out) */
	if (r->insecure && !r->probed && !r->proxy_https) {
		pthread_mutex_lock(&r->lock);
		if (!r->probed && strcmp(r->scheme, "https") == 0 &&
		    vigil_reg__probe_tls(r->api, r->timeout_ms) == 0)
			snprintf(r->scheme, sizeof(r->scheme), "http");
		r->probed = 1;
		pthread_mutex_unlock(&r->lock);
	}
	/* a path starting with '/' is under /v2 itself (the catalog), not the repository */
	const char *rs = path[0] == '/' ? "" : "/", *rp = path[0] == '/' ? "" : r->repo;
	snprintf(url, sizeof(url), "%s://%s/v2%s%s/%s", r->scheme, r->api, rs, rp,
		 path[0] == '/' ? path + 1 : path);
	for (;;) {
		char *auth = NULL;
		if (on_registry) {
			pthread_mutex_lock(&r->lock);
			auth = r->auth ? strdup(r->auth) : NULL;
			pthread_mutex_unlock(&r->lock);
		}
		error = xfer_start(&x, r, url, accept, auth, range_from, stream, max, NULL);
		if (auth) {
			OPENSSL_cleanse(auth, strlen(auth));
			free(auth);
		}
		if (error < 0)
			return error;
		xfer_pump(x, PUMP_HEADERS);
		if (!x->headers_done) {
			if (x->done && r->insecure && on_registry && !tried_http &&
			    strcmp(r->scheme, "https") == 0 &&
			    (x->result == CURLE_SSL_CONNECT_ERROR ||
			     x->result == CURLE_RECV_ERROR || x->result == CURLE_GOT_NOTHING)) {
				/* an --insecure-registry host that speaks plain HTTP */
				pthread_mutex_lock(&r->lock);
				snprintf(r->scheme, sizeof(r->scheme), "http");
				pthread_mutex_unlock(&r->lock);
				snprintf(url, sizeof(url), "http://%s/v2%s%s/%s", r->api, rs, rp,
					 path[0] == '/' ? path + 1 : path);
				tried_http = 1;
				xfer_free(x);
				continue;
			}
			const char *hint = "";
			if (x->result == CURLE_PEER_FAILED_VERIFICATION)
				hint = " (trust the registry's CA with --ca-file or "
				       "/etc/docker/certs.d/HOST/ca.crt)";
			else if (x->result == CURLE_SSL_CONNECT_ERROR && !r->insecure)
				hint = " (a plain-HTTP registry must be named with "
				       "--insecure-registry HOST:PORT)";
			snprintf(errbuf, errn, "%s: %s: %s%s", r->name,
				 url_for_msg(url, shown, sizeof(shown)),
				 x->err[0] ? x->err : curl_easy_strerror(x->result), hint);
			error = VIGIL_EIO;
			goto fail;
		}
		if (x->status == 401 && on_registry) {
			char www[sizeof(x->www_auth)];
			memcpy(www, x->www_auth, sizeof(www));
			if (++auths > 2) {
				snprintf(errbuf, errn,
					 "%s: the registry refused the credentials (HTTP 401 after "
					 "authenticating%s%s)",
					 r->name, r->cred.source[0] ? "; credentials from " : "",
					 r->cred.source);
				error = VIGIL_EINVAL;
				goto fail;
			}
			xfer_free(x);
			x = NULL;
			if ((error = authenticate(r, www, auths > 1, errbuf, errn)) < 0)
				return error;
			continue;
		}
		if (x->status >= 300 && x->status < 400 && x->status != 304) {
			char next[4096], sc[16], au[512];
			CURLU *u;
			char *abs = NULL;
			if (!x->location[0]) {
				snprintf(errbuf, errn, "%s: HTTP %ld redirect without a Location",
					 r->name, x->status);
				error = VIGIL_EFORMAT;
				goto fail;
			}
			if (++hops > MAX_REDIRECTS) {
				snprintf(errbuf, errn,
					 "%s: too many redirects (more than %d) for %s", r->name,
					 MAX_REDIRECTS, url_for_msg(url, shown, sizeof(shown)));
				error = VIGIL_EFORMAT;
				goto fail;
			}
			u = curl_url();
			if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
			    curl_url_set(u, CURLUPART_URL, x->location, CURLU_NON_SUPPORT_SCHEME) !=
				    CURLUE_OK ||
			    curl_url_get(u, CURLUPART_URL, &abs, 0) != CURLUE_OK ||
			    strlen(abs) >= sizeof(next)) {
				curl_url_cleanup(u);
				curl_free(abs);
				snprintf(errbuf, errn, "%s: malformed redirect Location", r->name);
				error = VIGIL_EFORMAT;
				goto fail;
			}
			snprintf(next, sizeof(next), "%s", abs);
			curl_free(abs);
			curl_url_cleanup(u);
			url_authority(next, au, sizeof(au), sc, sizeof(sc));
			if (strcmp(sc, "https") != 0 &&
			    !(strcmp(sc, "http") == 0 &&
			      (strcmp(r->scheme, "http") == 0 || host_insecure(r, next)))) {
				snprintf(errbuf, errn, "%s: refusing a redirect to %s", r->name,
					 url_for_msg(next, shown, sizeof(shown)));
				error = VIGIL_EFORMAT;
				goto fail;
			}
			/* credentials stay with the registry: once redirected elsewhere,
			 * never sent again for this request */
			on_registry = on_registry && is_registry_url(r, next);
			snprintf(url, sizeof(url), "%s", next);
			xfer_free(x);
			x = NULL;
			continue;
		}
		if (x->status == 200 || x->status == 206) {
			*out = x;
			return 0;
		}
		{
			char detail[300];
			xfer_pump(x, PUMP_ALL);
			error_detail(&x->body, detail, sizeof(detail));
			snprintf(errbuf, errn, "%s: HTTP %ld for %s%s", r->name, x->status,
				 url_for_msg(url, shown, sizeof(shown)), detail);
			error = x->status == 404		       ? VIGIL_ENOTFOUND
				: x->status == 401 || x->status == 403 ? VIGIL_EINVAL
								       : VIGIL_EIO;
		}
		goto fail;
	}
fail:
	xfer_free(x);
	return error;
}

/* Reads a whole small document (manifest, config) after request(). */
static int read_doc(vigil_reg *r, xfer *x, const char *what, uint64_t max, vigil_buf *out,
		    char *errbuf, size_t errn)
{
	if (x->has_clen && x->clen > max) {
		snprintf(errbuf, errn,
			 "%s: %s is too large (%llu bytes; the limit for metadata "
			 "is %llu, see --max-json-size)",
			 r->name, what, (unsigned long long)x->clen, (unsigned long long)max);
		return VIGIL_ELIMIT;
	}
	xfer_pump(x, PUMP_ALL);
	if (x->over) {
		snprintf(errbuf, errn,
			 "%s: %s is larger than the limit for metadata (%llu bytes, see "
			 "--max-json-size)",
			 r->name, what, (unsigned long long)max);
		return VIGIL_ELIMIT;
	}
	if (x->result != CURLE_OK) {
		snprintf(errbuf, errn, "%s: %s: %s", r->name, what,
			 x->err[0] ? x->err : curl_easy_strerror(x->result));
		return VIGIL_EIO;
	}
	out->len = 0;
	if (vigil_buf_put(out, x->body.data ? x->body.data : (const uint8_t *)"", x->body.len) <
		    0 ||
	    vigil_buf_cstr(out) < 0)
		return VIGIL_ENOMEM;
	return 0;
}

int vigil_reg__get_manifest(vigil_reg *r, const char *tag_or_digest, uint64_t max, vigil_buf *out,
			    char media_type[128], char digest[72])
{
	char errbuf[1024] = "", path[600], what[200];
	xfer *x = NULL;
	int error;
	snprintf(path, sizeof(path), "manifests/%s", tag_or_digest);
	snprintf(what, sizeof(what), "manifest %s", tag_or_digest);
	media_type[0] = digest[0] = '\0';
	if ((error = request(&x, r, path, ACCEPT_MANIFESTS, 0, 0, max, errbuf, sizeof(errbuf))) <
		    0 ||
	    (error = read_doc(r, x, what, max, out, errbuf, sizeof(errbuf))) < 0)
		goto done;
	if ((error = vigil_sha256_buf(digest, out->data, out->len)) < 0)
		goto done;
	snprintf(media_type, 128, "%.*s", (int)strcspn(x->ctype, "; "), x->ctype);
	if (strncmp(tag_or_digest, "sha256:", 7) == 0 && strcmp(digest, tag_or_digest) != 0) {
		snprintf(errbuf, sizeof(errbuf),
			 "%s: manifest digest mismatch: asked for %s, content hashes to %s",
			 r->name, tag_or_digest, digest);
		error = VIGIL_EFORMAT;
	} else if (x->dcd[0] && strncmp(x->dcd, "sha256:", 7) == 0 && strcmp(x->dcd, digest) != 0) {
		snprintf(errbuf, sizeof(errbuf),
			 "%s: manifest digest mismatch: the registry says %.71s, content hashes "
			 "to %s",
			 r->name, x->dcd, digest);
		error = VIGIL_EFORMAT;
	}
done:
	xfer_free(x);
	if (error < 0 && error != VIGIL_ENOMEM)
		vigil_error_set(r->ctx, error, "%s", errbuf);
	return error;
}

int vigil_reg__get_blob(vigil_reg *r, const char *digest, uint64_t max, vigil_buf *out)
{
	char errbuf[1024] = "", path[600], what[200], got[72];
	xfer *x = NULL;
	int error;
	snprintf(path, sizeof(path), "blobs/%s", digest);
	snprintf(what, sizeof(what), "blob %s", digest);
	if ((error = request(&x, r, path, NULL, 0, 0, max, errbuf, sizeof(errbuf))) < 0 ||
	    (error = read_doc(r, x, what, max, out, errbuf, sizeof(errbuf))) < 0)
		goto done;
	if ((error = vigil_sha256_buf(got, out->data, out->len)) < 0)
		goto done;
	if (strcmp(got, digest) != 0) {
		snprintf(errbuf, sizeof(errbuf),
			 "%s: blob digest mismatch: expected %s, content hashes to %s", r->name,
			 digest, got);
		error = VIGIL_EFORMAT;
	}
done:
	xfer_free(x);
	if (error < 0 && error != VIGIL_ENOMEM)
		vigil_error_set(r->ctx, error, "%s", errbuf);
	return error;
}

int vigil_reg__get_referrers(vigil_reg *r, const char *digest, uint64_t max, vigil_buf *out)
{
	char errbuf[1024] = "", path[600], what[200];
	xfer *x = NULL;
	int error;
	snprintf(path, sizeof(path), "referrers/%s", digest);
	snprintf(what, sizeof(what), "referrers of %s", digest);
	if ((error = request(&x, r, path, "application/vnd.oci.image.index.v1+json", 0, 0, max,
			     errbuf, sizeof(errbuf))) < 0 ||
	    (error = read_doc(r, x, what, max, out, errbuf, sizeof(errbuf))) < 0)
		goto done;
	if (strncmp(x->ctype, "application/vnd.oci.image.index.v1+json", 39) != 0) {
		snprintf(errbuf, sizeof(errbuf), "%s: the referrers answer is not an OCI index",
			 r->name);
		error = VIGIL_ENOTFOUND; /* not the referrers API */
	}
done:
	xfer_free(x);
	if (error < 0 && error != VIGIL_ENOMEM)
		vigil_error_set(r->ctx, error, "%s", errbuf);
	return error;
}

/* ---- streams --------------------------------------------------------------------------- */

struct vigil_reg_stream {
	vigil_reg *r;
	xfer *x;
	char digest[72];
	uint64_t size, max, got;
	int retries, finished, handed; /* handed: x->body was given to the consumer */
	int unhashed;		       /* vigil_reg__stream_unhashed: the consumer hashes */
	unsigned held;		       /* chunks curl kept for earlier transfers (xfer.held) */
	vigil_sha256 *h;
	char err[1024];
};

static int stream_connect(vigil_reg_stream *s)
{
	char path[600];
	int error;
	snprintf(path, sizeof(path), "blobs/%s", s->digest);
	if (s->x)
		s->held += s->x->held;
	xfer_free(s->x);
	s->x = NULL;
	if ((error = request(&s->x, s->r, path, NULL, s->got, 1, 0, s->err, sizeof(s->err))) < 0)
		return error;
	if (s->got) {
		if (s->x->status == 206) {
			if (!s->x->has_crange || s->x->crange_start != s->got) {
				snprintf(s->err, sizeof(s->err),
					 "%s: blob %s: resumed at the wrong offset", s->r->name,
					 s->digest);
				return VIGIL_EFORMAT;
			}
		} /* a 200 (Range ignored) skips what we have: see on_body */
	}
	if (s->size && s->x->status == 200 && s->x->has_clen && s->x->clen > s->size) {
		snprintf(s->err, sizeof(s->err),
			 "%s: blob %s is %llu bytes, larger than its descriptor says (%llu)",
			 s->r->name, s->digest, (unsigned long long)s->x->clen,
			 (unsigned long long)s->size);
		return VIGIL_EFORMAT;
	}
	return 0;
}

int vigil_reg__stream_open(vigil_reg_stream **out, vigil_reg *r, const char *digest, uint64_t size,
			   uint64_t max)
{
	vigil_reg_stream *s = calloc(1, sizeof(*s));
	int error;
	*out = NULL;
	if (!s || vigil_sha256_new(&s->h) < 0) {
		free(s);
		return VIGIL_ENOMEM;
	}
	s->r = r;
	snprintf(s->digest, sizeof(s->digest), "%s", digest);
	s->size = size;
	s->max = max;
	*out = s;
	if ((error = stream_connect(s)) < 0)
		return error; /* the message is in the stream; the caller frees it */
	return 0;
}

int vigil_reg__stream_read(vigil_reg_stream *s, const uint8_t **p, size_t *n, const char **errmsg)
{
	*n = 0;
	*errmsg = s->err;
	if (!s->x)
		return VIGIL_EIO;
	for (;;) {
		xfer *x = s->x;
		if (s->finished)
			return 0;
		if (s->handed)
			x->body.len = 0;
		s->handed = 0;
		if (x->paused) {
			x->paused = 0;
			curl_easy_pause(x->h, CURLPAUSE_CONT);
		}
		xfer_pump(x, PUMP_DATA);
		if (x->body.len) {
			size_t k = x->body.len;
			if ((s->size && s->got + k > s->size) || (s->max && s->got + k > s->max)) {
				snprintf(s->err, sizeof(s->err),
					 "%s: blob %s is larger than %s (%llu bytes)", s->r->name,
					 s->digest, s->size ? "its descriptor says" : "the limit",
					 (unsigned long long)(s->size ? s->size : s->max));
				return s->size ? VIGIL_EFORMAT : VIGIL_ELIMIT;
			}
			if (!s->unhashed)
				vigil_sha256_update(s->h, x->body.data, k);
			s->got += k;
			s->handed = 1;
			*p = x->body.data;
			*n = k;
			return 0;
		}
		if (x->result == CURLE_OK && (s->size == 0 || s->got == s->size)) {
			char got[72];
			vigil_sha256_final(s->h, got);
			if (!s->unhashed && strcmp(got, s->digest) != 0) {
				snprintf(s->err, sizeof(s->err),
					 "%s: blob digest mismatch: expected %s, content hashes "
					 "to %s",
					 s->r->name, s->digest, got);
				return VIGIL_EFORMAT;
			}
			s->finished = 1;
			return 0;
		}
		/* dropped or cut short: resume with Range */
		if (++s->retries > MAX_RETRIES) {
			if (x->result != CURLE_OK)
				snprintf(s->err, sizeof(s->err),
					 "%s: blob %s: transfer failed after %llu of %llu bytes "
					 "(%d retries): %s",
					 s->r->name, s->digest, (unsigned long long)s->got,
					 (unsigned long long)s->size, MAX_RETRIES,
					 x->err[0] ? x->err : curl_easy_strerror(x->result));
			else
				snprintf(s->err, sizeof(s->err),
					 "%s: blob %s is truncated: the registry sent %llu of %llu "
					 "bytes (%d retries)",
					 s->r->name, s->digest, (unsigned long long)s->got,
					 (unsigned long long)s->size, MAX_RETRIES);
			return VIGIL_EFORMAT;
		}
		int error = stream_connect(s);
		if (error < 0)
			return error;
	}
}

unsigned vigil_reg__stream_held(const vigil_reg_stream *s)
{
	return s->held + (s->x ? s->x->held : 0);
}

void vigil_reg__stream_unhashed(vigil_reg_stream *s)
{
	s->unhashed = 1;
}

void vigil_reg__stream_free(vigil_reg_stream *s)
{
	if (!s)
		return;
	xfer_free(s->x);
	vigil_sha256_free(s->h);
	free(s);
}

/* ---- the client ------------------------------------------------------------------------ */

/* The first of two environment variables that is set and not empty, or NULL. */
static const char *env2(const char *lower, const char *upper)
{
	const char *v = getenv(lower);
	if (!v || !*v)
		v = getenv(upper);
	return v && *v ? v : NULL;
}

/* https_proxy / http_proxy (then HTTPS_PROXY / HTTP_PROXY, then all_proxy / ALL_PROXY)
 * and no_proxy / NO_PROXY, as curl, wget and Docker read them. */
static int proxies_from_env(vigil_reg *r)
{
	const char *all = env2("all_proxy", "ALL_PROXY");
	const char *hs = env2("https_proxy", "HTTPS_PROXY"), *h = env2("http_proxy", "HTTP_PROXY");
	const char *np = env2("no_proxy", "NO_PROXY");
	if (!hs)
		hs = all;
	if (!h)
		h = all;
	if ((hs && !(r->proxy_https = strdup(hs))) || (h && !(r->proxy_http = strdup(h))) ||
	    (np && !(r->no_proxy = strdup(np))))
		return VIGIL_ENOMEM;
	return 0;
}

void vigil_reg__free(vigil_reg *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->tokens.len; i++) {
		token *t = &VIGIL_VEC_AT(&r->tokens, token, i);
		OPENSSL_cleanse(t->header, strlen(t->header));
		free(t->scope);
		free(t->header);
	}
	vigil_vec_free(&r->tokens);
	for (size_t i = 0; i < r->insecure_hosts.len; i++)
		free(VIGIL_VEC_AT(&r->insecure_hosts, char *, i));
	vigil_vec_free(&r->insecure_hosts);
	if (r->auth) {
		OPENSSL_cleanse(r->auth, strlen(r->auth));
		free(r->auth);
	}
	if (r->share)
		curl_share_cleanup(r->share);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&r->share_lock[i]);
	pthread_mutex_destroy(&r->lock);
	vigil_reg__cred_free(&r->cred);
	free(r->proxy_http);
	free(r->proxy_https);
	free(r->no_proxy);
	free(r->host);
	free(r->api);
	free(r->repo);
	free(r->ca_file);
	free(r);
}

int vigil_reg__new(vigil_reg **out, vigil_ctx *ctx, const vigil_ref *ref,
		   const vigil_registry_opts *opts)
{
	vigil_reg *r = calloc(1, sizeof(*r));
	vigil_vec tv = VIGIL_VEC_INIT(token), hv = VIGIL_VEC_INIT(char *);
	char errbuf[1024] = "", path[4096];
	int error;

	*out = NULL;
	if (!r)
		return VIGIL_ENOMEM;
	pthread_mutex_init(&r->lock, NULL);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&r->share_lock[i], NULL);
	r->tokens = tv;
	r->insecure_hosts = hv;
	r->ctx = ctx;
	r->host = strdup(ref->host);
	r->api = strdup(strcmp(ref->host, "docker.io") == 0 ? "registry-1.docker.io" : ref->host);
	r->repo = strdup(ref->repo);
	if (!r->host || !r->api || !r->repo) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	snprintf(r->name, sizeof(r->name), "%s/%s", ref->host, ref->repo);
	r->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 30000;
	const char *env = getenv("VIGIL_REGISTRY_TIMEOUT");
	if (!(opts && opts->timeout_ms > 0) && env) {
		uint64_t secs;
		if (vigil_parse_uint(&secs, env, 86400) == 0 && secs > 0)
			r->timeout_ms = (long)secs * 1000;
	}
	for (const char *const *h = opts ? opts->insecure : NULL; h && *h; h++) {
		char **slot = vigil_vec_push(&r->insecure_hosts);
		if (!slot || !(*slot = strdup(*h))) {
			if (slot)
				r->insecure_hosts.len--;
			error = VIGIL_ENOMEM;
			goto done;
		}
		if (strcasecmp(*h, r->host) == 0 || strcasecmp(*h, r->api) == 0)
			r->insecure = 1;
		else {
			/* "HOST" names every port of that host */
			const char *colon = strrchr(r->api, ':');
			size_t hn = strlen(*h);
			if (colon && r->api[0] != '[' && (size_t)(colon - r->api) == hn &&
			    strncasecmp(*h, r->api, hn) == 0)
				r->insecure = 1;
		}
	}
	snprintf(r->scheme, sizeof(r->scheme), "https");
	if ((error = proxies_from_env(r)) < 0)
		goto done;
	if (opts && opts->ca_file) {
		if (access(opts->ca_file, R_OK) != 0) {
			error = vigil_error_set(ctx, VIGIL_ENOTFOUND,
						"--ca-file %s: cannot read it", opts->ca_file);
			goto done;
		}
		r->ca_file = strdup(opts->ca_file);
	} else {
		const char *dir = getenv("VIGIL_DOCKER_CERTS_D");
		snprintf(path, sizeof(path), "%s/%s/ca.crt",
			 dir && *dir ? dir : "/etc/docker/certs.d", r->host);
		if (access(path, R_OK) == 0)
			r->ca_file = strdup(path);
	}
	if ((error = vigil_reg__cred_find(&r->cred, r->host, opts, errbuf, sizeof(errbuf))) < 0) {
		if (error != VIGIL_ENOMEM)
			vigil_error_set(ctx, error, "%s: %s", r->name, errbuf);
		goto done;
	}
	if (opts && opts->bearer_token) {
		/* a ready registry token (Harbor's scan requests): sent until a 401 replaces it */
		size_t n = strlen(opts->bearer_token) + 32;
		if (!token_ok(opts->bearer_token)) {
			error = vigil_error_set(ctx, VIGIL_EINVAL,
						"%s: the bearer token is malformed", r->name);
			goto done;
		}
		if (!(r->auth = malloc(n))) {
			error = VIGIL_ENOMEM;
			goto done;
		}
		snprintf(r->auth, n, "Authorization: Bearer %s", opts->bearer_token);
	}
	if ((r->share = curl_share_init())) {
		curl_share_setopt(r->share, CURLSHOPT_LOCKFUNC, share_lock);
		curl_share_setopt(r->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
		curl_share_setopt(r->share, CURLSHOPT_USERDATA, r);
		curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
		curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
		curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	}
	*out = r;
	r = NULL;
	error = 0;
done:
	vigil_reg__free(r);
	return error;
}

int vigil_reg__get_doc(vigil_reg *r, const char *path, uint64_t max, vigil_buf *out)
{
	char errbuf[1024] = "";
	xfer *x = NULL;
	int error;
	if ((error = request(&x, r, path, "application/json", 0, 0, max, errbuf, sizeof(errbuf))) ==
	    0)
		error = read_doc(r, x, path[0] == '/' ? path + 1 : path, max, out, errbuf,
				 sizeof(errbuf));
	xfer_free(x);
	if (error < 0 && error != VIGIL_ENOMEM)
		vigil_error_set(r->ctx, error, "%s", errbuf);
	return error;
}

void vigil_reg__cancel(vigil_reg *r)
{
	atomic_store(&r->cancel, 1);
}
