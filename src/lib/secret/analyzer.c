/*
 * analyzer.c - the secret scan of one image: an analyzer that streams every text file
 * of every layer through the detection pass, sensitive files by path, and the
 * findings with their layer and status.
 *
 * Workers (Hyperscan scratch, PCRE2 match data, the block buffer) are pooled: a file
 * takes one in begin and gives it back in end, so there are as many as files scanned
 * at once (one per reader thread), each with its own hs_clone_scratch.
 */
#include <stdlib.h>
#include <string.h>

#include "secret/secret_int.h"
#include "util/ser.h"

#define MAX_FINDINGS_PER_FILE 1000

typedef struct pending {
	const vigil_secret__rule *rule;
	int line;
	char redacted[48];
	char hash[17];
	char head[17];	/* hash of the secret's first bytes: one secret, two rules */
	char canon[17]; /* hash of what the secret stands for (a base64 JWT: the JWT) */
} pending;

struct vigil_secret_scan {
	const vigil_secret_rules *rules;
	vigil_image *img;
	pthread_mutex_t lock;
	vigil_vec pool;	    /* vigil_secret__worker * */
	vigil_vec findings; /* vigil_secret_finding */
	vigil_arena arena;  /* strings of the findings */
	uint64_t bytes;
	int finished;
};

typedef struct fstate {
	vigil_secret_scan *scan;
	vigil_secret__worker *w;
	const vigil_secret__pathrule *pr;
	vigil_sha256 *h; /* content hash of a sensitive file, for its fingerprint */
	vigil_vec pend;
	int sniffed, binary, layer;
	char path[];
} fstate;

/* ---- workers ---- */

int vigil_secret__take_worker(vigil_secret__worker **out, vigil_secret_scan *scan)
{
	int error = 0;
	*out = NULL;
	pthread_mutex_lock(&scan->lock);
	if (scan->pool.len > 0)
		*out = VIGIL_VEC_AT(&scan->pool, vigil_secret__worker *, --scan->pool.len);
	else /* under the lock: hs_clone_scratch reads the shared prototype scratch */
		error = vigil_secret__worker_new(out, scan->rules);
	pthread_mutex_unlock(&scan->lock);
	return error;
}

void vigil_secret__give_worker(vigil_secret_scan *scan, vigil_secret__worker *w)
{
	vigil_secret__worker **slot;
	pthread_mutex_lock(&scan->lock);
	scan->bytes += vigil_secret__worker_bytes(w);
	slot = vigil_vec_push(&scan->pool);
	if (slot)
		*slot = w;
	pthread_mutex_unlock(&scan->lock);
	if (!slot)
		vigil_secret__worker_free(w);
}

int vigil_secret__add(vigil_secret_scan *scan, const char *rule_id, const char *category,
		      const char *title, const char *severity, const char *source, const char *path,
		      const char *redacted, const char *hash, int line, int layer)
{
	vigil_secret_finding *f = vigil_vec_push(&scan->findings);
	if (!f)
		return VIGIL_ENOMEM;
	f->rule_id = rule_id;
	f->category = category;
	f->title = title;
	f->severity = severity;
	f->source = source;
	f->path = vigil_arena_strdup(&scan->arena, path);
	f->redacted = vigil_arena_strdup(&scan->arena, redacted);
	f->fingerprint = vigil_arena_printf(&scan->arena, "%s:%s:%s", rule_id, path, hash);
	f->line = line;
	f->layer = layer;
	f->status = VIGIL_FS_PRESENT;
	f->removed_by = -1;
	if (!f->path || !f->redacted || !f->fingerprint)
		return VIGIL_ENOMEM;
	return 0;
}

/* ---- the analyzer ---- */

/* Binary content by its first bytes: a NUL, a known magic, or mostly control bytes. */
static int looks_binary(const uint8_t *p, size_t n)
{
	static const struct {
		const char *m;
		size_t n;
	} MAGIC[] = {
		{"\x7f"
		 "ELF",
		 4},
		{"\x1f\x8b", 2},
		{"\x28\xb5\x2f\xfd", 4},
		{"\xfd"
		 "7zXZ",
		 5},
		{"BZh", 3},
		{"PK\x03\x04", 4},
		{"\x89PNG", 4},
		{"\xff\xd8\xff", 3},
		{"GIF8", 4},
		{"\0asm", 4},
		{"\xca\xfe\xba\xbe", 4},
		{"!<arch>", 7},
		{"SQLite format 3", 15},
	};
	size_t ctl = 0;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(MAGIC); i++)
		if (n >= MAGIC[i].n && memcmp(p, MAGIC[i].m, MAGIC[i].n) == 0)
			return 1;
	if (memchr(p, 0, n))
		return 1;
	for (size_t i = 0; i < n; i++)
		ctl += p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' &&
		       p[i] != '\f' && p[i] != 0x1b;
	return n > 0 && ctl * 10 > n;
}

/* By name first: allowlisted paths and empty files never, sensitive names always,
 * anything else by its first bytes (text yes, binary no). */
static int an_want(const vigil_file *f, const uint8_t *head, size_t n, void *payload)
{
	vigil_secret_scan *scan = payload;
	if (f->type != VIGIL_FT_FILE || f->size == 0 || vigil_secret__path_allowed(f->path))
		return VIGIL_WANT_NO;
	if (vigil_secret__path_rule(f->path))
		return VIGIL_WANT_YES;
	if (!head)
		return VIGIL_WANT_HEAD;
	if (!scan->rules->scan_binaries && looks_binary(head, n))
		return VIGIL_WANT_NO;
	return VIGIL_WANT_YES;
}

/* How specific a JWT rule is: 0 a base64-wrapped JWT, 1 any JWT, 2 a provider's token
 * (a JFrog access token is also a JWT). */
static int jwt_rank(const vigil_secret__rule *r)
{
	if (r->check == VIGIL_SECRET_CHECK_JWTB64)
		return 0;
	return r->check == VIGIL_SECRET_CHECK_JWT && !strcmp(r->id, "jwt") ? 1 : 2;
}

/* Keeps a hit of the file (redacted at once: the raw value is never stored). */
static int on_hit(const vigil_secret__hit *h, void *payload)
{
	fstate *s = payload;
	pending *p;
	char head[17], canon[17];
	int b64 = h->rule->check == VIGIL_SECRET_CHECK_JWTB64;
	vigil_secret__hash16(head, h->secret, h->secret_len < 24 ? h->secret_len : 24);
	if (!b64 || !vigil_secret__jwt_b64_hash16(canon, h->secret, h->secret_len))
		vigil_secret__hash16(canon, h->secret, h->secret_len);
	/* One secret in one place is one finding: a JWT stored base64-encoded in a
	 * Kubernetes Secret is found by jwt-base64 in the text and by jwt in the decoded
	 * value, a JFrog access token by its rule and by jwt, on the same line; the most
	 * specific rule is kept (provider, then jwt, then jwt-base64). */
	for (size_t i = 0; i < s->pend.len; i++) {
		int rp, rh;
		p = &VIGIL_VEC_AT(&s->pend, pending, i);
		if (p->line != h->line || strcmp(p->canon, canon) != 0)
			continue;
		rp = jwt_rank(p->rule);
		rh = jwt_rank(h->rule);
		if (rp == rh)
			continue;
		if (rh < rp)
			return 0;
		goto fill;
	}
	/* A key body found by a provider's rule and by a PEM rule (a Google service-account
	 * key is also a PKCS#8 key): one finding, from the rule listed first, the provider's.
	 * Other pairs (a ghp_ token inside a URL with a password) stay two findings: the
	 * token and the place that holds it. */
	for (size_t i = 0; i < s->pend.len; i++) {
		p = &VIGIL_VEC_AT(&s->pend, pending, i);
		if (p->line != h->line || strcmp(p->head, head) != 0 ||
		    (p->rule->check != VIGIL_SECRET_CHECK_PEMBODY &&
		     h->rule->check != VIGIL_SECRET_CHECK_PEMBODY))
			continue;
		if (h->rule > p->rule)
			return 0;
		goto fill;
	}
	if (s->pend.len >= MAX_FINDINGS_PER_FILE)
		return 0;
	if (!(p = vigil_vec_push(&s->pend)))
		return VIGIL_ENOMEM;
fill:
	memcpy(p->head, head, sizeof(head));
	memcpy(p->canon, canon, sizeof(canon));
	p->rule = h->rule;
	p->line = h->line;
	vigil_secret__redact(p->redacted, sizeof(p->redacted), h->secret, h->secret_len);
	vigil_secret__hash16(p->hash, h->secret, h->secret_len);
	return 0;
}

/* Gives the worker back and frees the file's state. */
static void fstate_free(fstate *s)
{
	if (!s)
		return;
	if (s->w)
		vigil_secret__give_worker(s->scan, s->w);
	vigil_sha256_free(s->h);
	vigil_vec_free(&s->pend);
	free(s);
}

/* A file starts: its state, a worker, and its hash when its path is sensitive. */
static int an_begin(void **state, const vigil_file *f, void *payload)
{
	vigil_secret_scan *scan = payload;
	size_t n = strlen(f->path);
	fstate *s = calloc(1, sizeof(*s) + n + 1);
	int error;
	*state = NULL;
	if (!s)
		return VIGIL_ENOMEM;
	memcpy(s->path, f->path, n + 1);
	s->scan = scan;
	s->layer = f->layer;
	s->pend = (vigil_vec)VIGIL_VEC_INIT(pending);
	s->pr = vigil_secret__path_rule(f->path);
	if ((s->pr && (error = vigil_sha256_new(&s->h)) < 0) ||
	    (error = vigil_secret__take_worker(&s->w, scan)) < 0) {
		fstate_free(s);
		return error;
	}
	vigil_secret__worker_begin(s->w, s->path, 0, on_hit, s);
	*state = s;
	return 0;
}

/* Content: hashed for a sensitive file, and streamed to the detection pass unless its
 * first bytes are binary. */
static int an_data(void *state, const uint8_t *buf, size_t len, void *payload)
{
	fstate *s = state;
	(void)payload;
	if (s->h)
		vigil_sha256_update(s->h, buf, len);
	if (!s->sniffed) {
		s->sniffed = 1;
		s->binary =
			!s->scan->rules->scan_binaries && looks_binary(buf, len < 512 ? len : 512);
	}
	if (s->binary)
		return 0;
	return vigil_secret__worker_feed(s->w, buf, len);
}

/* The file is complete: the last pass, then its findings join the scan's. */
static int an_end(void *state, int error, void *payload)
{
	fstate *s = state;
	vigil_secret_scan *scan = payload;
	int rc = 0;
	if (error == 0 && !s->binary)
		rc = vigil_secret__worker_end(s->w);
	if (error == 0 && rc == 0 && (s->pend.len > 0 || s->pr)) {
		pthread_mutex_lock(&scan->lock);
		for (size_t i = 0; i < s->pend.len && rc == 0; i++) {
			const pending *p = &VIGIL_VEC_AT(&s->pend, pending, i);
			rc = vigil_secret__add(scan, p->rule->id, p->rule->category, p->rule->title,
					       p->rule->severity, "file", s->path, p->redacted,
					       p->hash, p->line, s->layer);
		}
		if (s->pr && rc == 0) {
			char digest[72];
			vigil_sha256_final(s->h, digest);
			digest[7 + 16] = '\0';
			rc = vigil_secret__add(scan, s->pr->id, "SensitiveFile", s->pr->title,
					       s->pr->severity, "file", s->path, "(file)",
					       digest + 7, 0, s->layer);
		}
		pthread_mutex_unlock(&scan->lock);
	}
	fstate_free(s);
	return rc;
}

/* ---- the per-layer cache: a layer's file findings as bytes and back ---- */

static int an_layer_save(int layer, uint8_t **out, size_t *len, void *payload)
{
	vigil_secret_scan *scan = payload;
	vigil_buf b = VIGIL_BUF_INIT;
	int e = 0;
	size_t n = 0;
	*out = NULL;
	*len = 0;
	pthread_mutex_lock(&scan->lock);
	for (size_t i = 0; i < scan->findings.len; i++)
		n += VIGIL_VEC_AT(&scan->findings, vigil_secret_finding, i).layer == layer;
	e |= vigil_ser_u64(&b, n);
	for (size_t i = 0; i < scan->findings.len && !e; i++) {
		const vigil_secret_finding *f =
			&VIGIL_VEC_AT(&scan->findings, vigil_secret_finding, i);
		if (f->layer != layer)
			continue;
		e |= vigil_ser_str(&b, f->rule_id);
		e |= vigil_ser_str(&b, f->category);
		e |= vigil_ser_str(&b, f->title);
		e |= vigil_ser_str(&b, f->severity);
		e |= vigil_ser_str(&b, f->source);
		e |= vigil_ser_str(&b, f->path);
		e |= vigil_ser_str(&b, f->redacted);
		e |= vigil_ser_str(&b, f->fingerprint);
		e |= vigil_ser_u64(&b, (uint64_t)f->line);
	}
	pthread_mutex_unlock(&scan->lock);
	if (e) {
		vigil_buf_free(&b);
		return VIGIL_ENOMEM;
	}
	*out = b.data;
	*len = b.len;
	return 0;
}

static int an_layer_load(int layer, const uint8_t *p, size_t n, void *payload)
{
	vigil_secret_scan *scan = payload;
	vigil_deser d = {p, p + n, 0};
	int error = 0;
	uint64_t count = vigil_deser_u64(&d);
	if (count > n)
		return VIGIL_EFORMAT;
	pthread_mutex_lock(&scan->lock);
	for (uint64_t i = 0; i < count && !d.bad && !error; i++) {
		vigil_secret_finding *f = vigil_vec_push(&scan->findings);
		if (!f) {
			error = VIGIL_ENOMEM;
			break;
		}
		memset(f, 0, sizeof(*f));
		f->rule_id = vigil_deser_str(&d, &scan->arena);
		f->category = vigil_deser_str(&d, &scan->arena);
		f->title = vigil_deser_str(&d, &scan->arena);
		f->severity = vigil_deser_str(&d, &scan->arena);
		f->source = vigil_deser_str(&d, &scan->arena);
		f->path = vigil_deser_str(&d, &scan->arena);
		f->redacted = vigil_deser_str(&d, &scan->arena);
		f->fingerprint = vigil_deser_str(&d, &scan->arena);
		uint64_t line = vigil_deser_u64(&d);
		f->line = line <= INT32_MAX ? (int)line : 0;
		f->layer = layer;
		f->status = VIGIL_FS_PRESENT;
		f->removed_by = -1;
		if (!f->rule_id || !f->severity || !f->source || !f->path || !f->redacted ||
		    !f->fingerprint || line > INT32_MAX) {
			d.bad = 1;
			scan->findings.len--;
		}
	}
	pthread_mutex_unlock(&scan->lock);
	if (!error && (d.bad || d.p != d.end))
		error = VIGIL_EFORMAT;
	return error;
}

/* ---- the scan ---- */

int vigil_secret_scan_new(vigil_secret_scan **out, const vigil_secret_rules *rules,
			  vigil_image *img)
{
	vigil_secret_scan *scan;
	vigil_analyzer a = {"secret", an_want, an_begin, an_data, an_end, NULL};
	a.layer_save = an_layer_save;
	a.layer_load = an_layer_load;
	int error;
	*out = NULL;
	if (!rules || !img)
		return VIGIL_EINVAL;
	if (!(scan = calloc(1, sizeof(*scan))))
		return VIGIL_ENOMEM;
	scan->rules = rules;
	scan->img = img;
	pthread_mutex_init(&scan->lock, NULL);
	scan->pool = (vigil_vec)VIGIL_VEC_INIT(vigil_secret__worker *);
	scan->findings = (vigil_vec)VIGIL_VEC_INIT(vigil_secret_finding);
	vigil_arena_init(&scan->arena);
	a.payload = scan;
	if ((error = vigil_image_add_analyzer(img, &a)) < 0) {
		vigil_secret_scan_free(scan);
		return error;
	}
	*out = scan;
	return 0;
}

/* Path, line, rule, layer. */
static int cmp_finding(const void *a, const void *b)
{
	const vigil_secret_finding *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if ((c = strcmp(x->rule_id, y->rule_id)))
		return c;
	return x->layer < y->layer ? -1 : x->layer > y->layer;
}

/* One walk over every version of every file: the findings (sorted by path) whose path
 * and layer match take the version's status. */
typedef struct settle {
	vigil_secret_finding *f;
	size_t n;
	uint8_t *seen;
} settle;

/* One version of a file: the findings with its path and layer take its status. */
static int settle_cb(const vigil_file *file, void *payload)
{
	settle *st = payload;
	size_t lo = 0, hi = st->n;
	if (file->type != VIGIL_FT_FILE)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(st->f[mid].path, file->path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < st->n && strcmp(st->f[i].path, file->path) == 0; i++) {
		if (st->f[i].layer != file->layer)
			continue;
		st->f[i].status = file->status;
		st->f[i].removed_by = file->status == VIGIL_FS_PRESENT ? -1 : file->removed_by;
		st->seen[i] = 1;
	}
	return 0;
}

int vigil_secret_scan_finish(vigil_secret_scan *scan)
{
	settle st;
	int error;
	if (!scan)
		return VIGIL_EINVAL;
	if (scan->finished)
		return 0;
	scan->finished = 1;
	if ((error = vigil_secret__scan_config(scan)) < 0)
		return error;
	vigil_qsort(scan->findings.data, scan->findings.len, sizeof(vigil_secret_finding),
		    cmp_finding);
	st.f = scan->findings.data;
	st.n = scan->findings.len;
	if (st.n == 0)
		return 0;
	if (!(st.seen = calloc(st.n, 1)))
		return VIGIL_ENOMEM;
	error = vigil_image_foreach_file(scan->img, NULL, settle_cb, &st);
	for (size_t i = 0; i < st.n && error >= 0; i++) {
		const vigil_file *cur = NULL;
		if (st.seen[i] || st.f[i].layer < 0)
			continue;
		/* opened without all_layers: only the final versions were listed */
		if (vigil_image_lookup(&cur, scan->img, st.f[i].path, 0) == 0 && cur) {
			st.f[i].status = VIGIL_FS_OVERWRITTEN;
			st.f[i].removed_by = cur->layer;
		} else {
			st.f[i].status = VIGIL_FS_DELETED;
		}
	}
	free(st.seen);
	return error < 0 ? error : 0;
}

size_t vigil_secret_scan_count(const vigil_secret_scan *scan)
{
	return scan ? scan->findings.len : 0;
}

const vigil_secret_finding *vigil_secret_scan_get(const vigil_secret_scan *scan, size_t i)
{
	if (!scan || i >= scan->findings.len)
		return NULL;
	return &VIGIL_VEC_AT(&scan->findings, vigil_secret_finding, i);
}

uint64_t vigil_secret_scan_bytes(const vigil_secret_scan *scan)
{
	return scan ? scan->bytes : 0;
}

const vigil_secret_rules *vigil_secret__scan_rules(const vigil_secret_scan *scan)
{
	return scan->rules;
}

vigil_image *vigil_secret__scan_image(vigil_secret_scan *scan)
{
	return scan->img;
}

void vigil_secret_scan_free(vigil_secret_scan *scan)
{
	if (!scan)
		return;
	for (size_t i = 0; i < scan->pool.len; i++)
		vigil_secret__worker_free(VIGIL_VEC_AT(&scan->pool, vigil_secret__worker *, i));
	vigil_vec_free(&scan->pool);
	vigil_vec_free(&scan->findings);
	vigil_arena_clear(&scan->arena);
	pthread_mutex_destroy(&scan->lock);
	free(scan);
}
