/*
 * engine.c - the detection pass over one stream of bytes.
 *
 * The stream is buffered in blocks of VIGIL_SECRET_BLOCK bytes. Each block is scanned
 * once by the Hyperscan database of every rule (block mode); a hit only gives the end
 * of a match, so PCRE2 (JIT) re-runs that one rule on a window of the rule's maximum
 * width around it to confirm the match and extract the secret. Consecutive blocks
 * overlap by 2 * VIGIL_SECRET_MAXW bytes: a hit that ends less than VIGIL_SECRET_MAXW
 * bytes before the end of a block that is not the last is left to the next block,
 * which has the context on both sides, so a secret that crosses a chunk boundary is
 * found exactly once. Without Hyperscan every rule's PCRE2 regex runs over the block
 * (much slower; same results).
 */
#include <stdlib.h>
#include <string.h>

#include "secret/secret_int.h"

#define KEEP (2 * VIGIL_SECRET_MAXW)
/* a file that produces more hits than this is not worth confirming further */
#define MAX_HITS_PER_STREAM 100000
/* Kubernetes Secret manifests. Kubernetes refuses a Secret over 1 MiB, so one value is
 * decoded up to 1 MiB (K8S_RAW characters of base64; the rest of a longer one is not
 * decoded), a data: block is read up to K8S_BLOCK_MAX bytes from its header, a kind:
 * after the block up to K8S_KIND_AFTER bytes after it, and K8S_MAX_ENTRIES entries. */
#define K8S_VALUE_MAX (1024 * 1024)
#define K8S_RAW ((K8S_VALUE_MAX / 3 + 1) * 4)
#define K8S_BLOCK_MAX (4 * 1024 * 1024)
#define K8S_KIND_AFTER 4096
#define K8S_MAX_ENTRIES 1024

struct vigil_secret__worker {
	const vigil_secret_rules *rules;
#ifdef VIGIL_HAVE_HYPERSCAN
	hs_scratch_t *scratch;
#endif
	pcre2_match_data *md;
	pcre2_match_context *mctx; /* bounds the work of one confirmation */
	uint64_t *covered;	   /* per rule: stream offset up to which matches were handled */
	uint8_t *on;		   /* per rule: applies to this stream */
	uint8_t *buf;
	size_t len;
	uint64_t base;	       /* stream offset of buf[0] */
	uint64_t done;	       /* hits ending at or before this offset were handled */
	uint64_t lines_before; /* newlines before buf[0] */
	size_t line_pos;       /* cache: newlines in buf[0, line_pos) */
	uint64_t line_count;
	size_t limit; /* hits must end at or before buf[limit] in this pass */
	int config;   /* scanning a config string */
	uint64_t bytes, hits;
	vigil_secret__hit_cb cb;
	void *payload;
	int error;
	/* Kubernetes Secret values: a worker of the same rules for the decoded bytes (none
	 * in that worker itself), and the buffers of one value */
	vigil_secret__worker *child;
	uint8_t *raw, *dec; /* allocated on the first Secret */
	/* a data: block that goes on past the buffer, copied as the stream goes */
	uint8_t *cap;
	size_t cap_len, cap_size;
	size_t cap_hdr;	 /* end of its header line in cap */
	size_t cap_scan; /* where the search for its end resumes */
	int capturing, cap_line, cap_kind;
	const vigil_secret__rule *cap_rule;
};

static int worker_make(vigil_secret__worker **out, const vigil_secret_rules *rules, int nested)
{
	vigil_secret__worker *w = calloc(1, sizeof(*w));
	*out = NULL;
	if (!w)
		return VIGIL_ENOMEM;
	w->rules = rules;
	w->md = pcre2_match_data_create(10, NULL);
	w->mctx = pcre2_match_context_create(NULL);
	if (w->mctx)
		pcre2_set_match_limit(w->mctx, 100000);
	w->covered = calloc(rules->count, sizeof(*w->covered));
	w->on = calloc(rules->count, 1);
	w->buf = malloc(VIGIL_SECRET_BLOCK);
	if (!w->md || !w->mctx || !w->covered || !w->on || !w->buf)
		goto fail;
	if (!nested && worker_make(&w->child, rules, 1) < 0)
		goto fail;
#ifdef VIGIL_HAVE_HYPERSCAN
	if (rules->scratch && hs_clone_scratch(rules->scratch, &w->scratch) != HS_SUCCESS)
		goto fail;
#endif
	*out = w;
	return 0;
fail:
	vigil_secret__worker_free(w);
	return VIGIL_ENOMEM;
}

int vigil_secret__worker_new(vigil_secret__worker **out, const vigil_secret_rules *rules)
{
	return worker_make(out, rules, 0);
}

void vigil_secret__worker_free(vigil_secret__worker *w)
{
	if (!w)
		return;
#ifdef VIGIL_HAVE_HYPERSCAN
	hs_free_scratch(w->scratch);
#endif
	pcre2_match_data_free(w->md);
	pcre2_match_context_free(w->mctx);
	free(w->covered);
	free(w->on);
	free(w->buf);
	vigil_secret__worker_free(w->child);
	free(w->raw);
	free(w->dec);
	free(w->cap);
	free(w);
}

/* A rule applies to a config string, or to a file by its scope and globs. */
static int rule_applies(const vigil_secret__rule *r, const char *path, int config)
{
	if (config)
		return r->scope != VIGIL_SECRET_SCOPE_FILE && !r->paths;
	if (r->scope == VIGIL_SECRET_SCOPE_CONFIG)
		return 0;
	if (r->paths) {
		int hit = 0;
		for (size_t i = 0; r->paths[i] && !hit; i++)
			hit = vigil_secret__glob(r->paths[i], path);
		if (!hit)
			return 0;
	}
	for (size_t i = 0; r->exclude && r->exclude[i]; i++)
		if (vigil_secret__glob(r->exclude[i], path))
			return 0;
	return 1;
}

void vigil_secret__worker_begin(vigil_secret__worker *w, const char *path, int config,
				vigil_secret__hit_cb cb, void *payload)
{
	const vigil_secret_rules *rules = w->rules;
	if (config) {
		for (size_t i = 0; i < rules->count; i++)
			w->on[i] = (uint8_t)rule_applies(&rules->rules[i], "", 1);
	} else {
		/* only the rules with globs depend on the path */
		memcpy(w->on, rules->file_on, rules->count);
		for (size_t k = 0; k < rules->nglobbed; k++) {
			size_t i = rules->globbed[k];
			w->on[i] = (uint8_t)rule_applies(&rules->rules[i], path ? path : "", 0);
		}
	}
	memset(w->covered, 0, rules->count * sizeof(*w->covered));
	w->len = 0;
	w->base = 0;
	w->done = 0;
	w->lines_before = 0;
	w->line_pos = 0;
	w->line_count = 0;
	w->hits = 0;
	w->cb = cb;
	w->payload = payload;
	w->config = config;
	w->error = 0;
	w->capturing = 0;
	w->cap_len = 0;
}

/* Newlines in p[0, n): eight bytes at a time (exact zero-byte count of p ^ '\n'). */
static uint64_t count_nl(const uint8_t *p, size_t n)
{
	const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fULL, nl = 0x0a0a0a0a0a0a0a0aULL;
	uint64_t c = 0;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, p + i, 8);
		x ^= nl;
		x = ~(((x & lo7) + lo7) | x | lo7);
		c += ((x >> 7) * 0x0101010101010101ULL) >> 56;
	}
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}

/* 1-based line of buf[pos]. */
static int line_at(vigil_secret__worker *w, size_t pos)
{
	if (pos < w->line_pos) {
		w->line_pos = 0;
		w->line_count = 0;
	}
	w->line_count += count_nl(w->buf + w->line_pos, pos - w->line_pos);
	w->line_pos = pos;
	return (int)(w->lines_before + w->line_count + 1);
}

/* True when `word` (lower-case) occurs in p[0, n), ignoring ASCII case. */
static int ci_find(const uint8_t *p, size_t n, const char *word)
{
	size_t m = strlen(word);
	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;
		while (j < m && (p[i + j] >= 'A' && p[i + j] <= 'Z' ? p[i + j] | 0x20 : p[i + j]) ==
					(uint8_t)word[j])
			j++;
		if (j == m)
			return 1;
	}
	return 0;
}

/* True when one of the rule's keywords occurs in p[0, n). */
static int has_keyword(const vigil_secret__rule *r, const uint8_t *p, size_t n)
{
	for (size_t k = 0; r->keywords[k]; k++)
		if (ci_find(p, n, r->keywords[k]))
			return 1;
	return 0;
}

/* Passwords that documentation and tests use: one of the usual words, also in
 * leetspeak (p4ssw0rd), or a value that contains "pass", "secret" or "pwd". */
static int weak_password(const uint8_t *s, size_t n)
{
	static const char *const WEAK[] = {"foo",     "bar",	 "baz",	     "test",	"user",
					   "admin",   "root",	 "guest",    "demo",	"qwerty",
					   "letmein", "hunter2", "changeme", "default", "token",
					   "apikey",  NULL};
	char norm[64];
	if (n >= sizeof(norm))
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i] >= 'A' && s[i] <= 'Z' ? (uint8_t)(s[i] | 0x20) : s[i];
		norm[i] = c == '4' || c == '@'	 ? 'a'
			  : c == '0'		 ? 'o'
			  : c == '1' || c == '!' ? 'i'
			  : c == '3'		 ? 'e'
			  : c == '5' || c == '$' ? 's'
						 : (char)c;
	}
	norm[n] = '\0';
	if (strstr(norm, "pass") || strstr(norm, "secret") || strstr(norm, "pwd"))
		return 1;
	for (size_t i = 0; WEAK[i]; i++)
		if (strcmp(norm, WEAK[i]) == 0)
			return 1;
	return 0;
}

/* The checks a candidate secret must pass besides the regex. */
static int accept(const vigil_secret__worker *w, const vigil_secret__rule *r, const uint8_t *s,
		  size_t n, size_t ms, size_t me)
{
	if (r->keywords) {
		size_t from = ms > 256 ? ms - 256 : 0;
		if (!has_keyword(r, w->buf + from, me - from))
			return 0;
	}
	if (r->min_entropy > 0 && vigil_secret__entropy(s, n) < r->min_entropy)
		return 0;
	if (vigil_secret__placeholder(s, n))
		return 0;
	if (r->allow && pcre2_match(r->allow, s, n, 0, 0, w->md, w->mctx) >= 0)
		return 0;
	switch (r->check) {
	case VIGIL_SECRET_CHECK_JWT:
		return vigil_secret__jwt_real(s, n);
	case VIGIL_SECRET_CHECK_PEMBODY:
		return vigil_secret__entropy(s, n) >= 3.5;
	case VIGIL_SECRET_CHECK_MIXED: {
		/* a key name next to a word ("looker.backups_util:ModifyInstanceBackupName")
		 * is not a token: generated tokens mix digits and letters */
		int digit = 0, alpha = 0;
		for (size_t i = 0; i < n; i++) {
			digit |= s[i] >= '0' && s[i] <= '9';
			alpha |= (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z';
		}
		return digit && alpha;
	}
	case VIGIL_SECRET_CHECK_CRC62:
		return vigil_secret__base62_crc_ok(s, n);
	case VIGIL_SECRET_CHECK_PYPI:
		return vigil_secret__pypi_real(s, n);
	case VIGIL_SECRET_CHECK_SENTRY:
		return vigil_secret__sentry_real(s, n);
	case VIGIL_SECRET_CHECK_JWTB64:
		return vigil_secret__jwt_b64_real(s, n);
	case VIGIL_SECRET_CHECK_URLPASS: {
		/* the host of a URL, after the secret: documentation hosts are not secrets */
		size_t after = (size_t)(s + n - w->buf);
		size_t hl = me > after ? me - after : 0;
		if (hl && ci_find(w->buf + after, hl, "example"))
			return 0;
		return !weak_password(s, n);
	}
	default:
		return 1;
	}
}

/* ---- Kubernetes Secret manifests ---- */

/* A hit of the decoded value, reported on the manifest's line. */
typedef struct k8s_fwd {
	vigil_secret__worker *parent;
	int line, hits;
} k8s_fwd;

static int k8s_on_hit(const vigil_secret__hit *h, void *payload)
{
	k8s_fwd *f = payload;
	vigil_secret__hit h2 = *h;
	h2.line = f->line;
	f->hits++;
	return f->parent->cb(&h2, f->parent->payload);
}

/* The text a data: block is read from: the worker's buffer, or the copy of a block that
 * did not end within it; line numbers are counted from p[0]. */
typedef struct k8s_view {
	const uint8_t *p;
	size_t len;
	uint64_t line0; /* line of p[0] */
	size_t lpos;	/* cache: newlines in p[0, lpos) */
	uint64_t lcount;
} k8s_view;

/* 1-based line of v->p[pos]. */
static int view_line(k8s_view *v, size_t pos)
{
	if (pos < v->lpos) {
		v->lpos = 0;
		v->lcount = 0;
	}
	v->lcount += count_nl(v->p + v->lpos, pos - v->lpos);
	v->lpos = pos;
	return (int)(v->line0 + v->lcount);
}

/* Start of the line after the one holding p[pos], or the end. */
static size_t next_line(const k8s_view *v, size_t pos)
{
	const uint8_t *nl = pos < v->len ? memchr(v->p + pos, '\n', v->len - pos) : NULL;
	return nl ? (size_t)(nl - v->p) + 1 : v->len;
}

/* Column of the first character that is not a space or tab, from a line start. */
static size_t indent(const k8s_view *v, size_t ls)
{
	size_t i = ls;
	while (i < v->len && (v->p[i] == ' ' || v->p[i] == '\t'))
		i++;
	return i - ls;
}

/* True when the line at ls is empty or a comment (it neither ends nor holds an entry). */
static int blank_line(const k8s_view *v, size_t ls)
{
	size_t i = ls + indent(v, ls);
	return i >= v->len || v->p[i] == '\n' || v->p[i] == '\r' || v->p[i] == '#';
}

/* The `kind:` lines of p[from, to): 1 when one says Secret, 0 when there are only other
 * kinds (a List may hold Secrets: it does not count), -1 when there is none. */
static int k8s_kind(const k8s_view *v, size_t from, size_t to)
{
	int other = 0;
	for (size_t i = from; i + 5 <= to; i++) {
		size_t j, e;
		if (v->p[i] != 'k' || memcmp(v->p + i, "kind:", 5) != 0 ||
		    (i > 0 && v->p[i - 1] != ' ' && v->p[i - 1] != '\n' && v->p[i - 1] != '\t'))
			continue;
		j = i + 5;
		while (j < to &&
		       (v->p[j] == ' ' || v->p[j] == '\t' || v->p[j] == '"' || v->p[j] == '\''))
			j++;
		for (e = j; e < to && v->p[e] != '\n' && v->p[e] != '\r' && v->p[e] != '"' &&
			    v->p[e] != '\'' && v->p[e] != ' ';
		     e++)
			;
		if (e - j == 6 && !memcmp(v->p + j, "Secret", 6))
			return 1;
		other |= !(e - j == 4 && !memcmp(v->p + j, "List", 4));
	}
	return other ? 0 : -1;
}

/* Start of the YAML document holding p[pos] (after a "---" line), within the view. */
static size_t doc_start(const k8s_view *v, size_t pos)
{
	size_t ds = pos;
	while (ds > 0 &&
	       !(v->p[ds - 1] == '\n' && ds + 3 <= v->len && !memcmp(v->p + ds, "---", 3)))
		ds--;
	return ds;
}

/* End of the document from p[pos] (the newline before a "---" line) before `to`, or
 * `to` when none is; *found says which. */
static size_t doc_end(const k8s_view *v, size_t pos, size_t to, int *found)
{
	size_t de = pos;
	while (de < to &&
	       !(v->p[de] == '\n' && de + 4 <= v->len && !memcmp(v->p + de + 1, "---", 3)))
		de++;
	*found = de < to;
	return de;
}

/* True when a data / stringData key names a credential. */
static int k8s_secret_name(const uint8_t *k, size_t n)
{
	static const char *const WORDS[] = {"password", "passwd",  "secret",  "token",
					    "apikey",	"api_key", "api-key", "credential",
					    "private",	"auth",	   "key",     NULL};
	if (n >= 4 && (ci_find(k + n - 4, 4, ".crt") || ci_find(k + n - 4, 4, ".pub")))
		return 0;
	for (size_t i = 0; WORDS[i]; i++)
		if (ci_find(k, n, WORDS[i]))
			return 1;
	return 0;
}

/* The value and decode buffers, allocated on the first Secret. */
static int k8s_buffers(vigil_secret__worker *w)
{
	if (!w->raw)
		w->raw = malloc(K8S_RAW);
	if (!w->dec)
		w->dec = malloc(K8S_RAW / 4 * 3);
	return w->raw && w->dec ? 0 : VIGIL_ENOMEM;
}

enum { K8S_DONE = 0, K8S_ERROR, K8S_MORE };

/* The entries of the data: (base64) or stringData: block whose header line is
 * p[ms, me): each data value is decoded and scanned by every rule, reported on the
 * entry's line; a secret-named value no rule recognised is reported by rule `r`.
 * Returns K8S_MORE when the block (or the `kind:` that may follow it) goes on past the
 * view and more text follows (`final` false), K8S_ERROR with w->error set. `scan` (or
 * NULL) is where the search for the block's end resumes; `kind_before` is the kind
 * seen before the view (k8s_kind's values). */
static int k8s_block(vigil_secret__worker *w, const vigil_secret__rule *r, k8s_view *v, size_t ms,
		     size_t me, int final, size_t *scan, int kind_before)
{
	size_t hcol = indent(v, ms), ls, nl, be, entries = 0, ds;
	int b64, secret, found, ended = 0;
	if (v->p[ms + hcol] == '-')
		hcol += 2;
	b64 = v->p[ms + hcol] == 'd';
	if (!w->child)
		return K8S_DONE;
	/* the block ends at the first line indented no deeper than its header */
	for (ls = scan && *scan > me ? *scan : next_line(v, me); ls < v->len; ls = nl) {
		nl = next_line(v, ls);
		/* a line still being written: looked at again with more text */
		if (nl == v->len && v->p[nl - 1] != '\n' && !final)
			break;
		if (!blank_line(v, ls) && indent(v, ls) <= hcol) {
			ended = 1;
			break;
		}
	}
	if (scan)
		*scan = ls;
	if (!ended && !final)
		return K8S_MORE;
	be = ended ? ls : v->len;
	/* a Secret: its kind before the block, in it (a List's item), or after it */
	ds = doc_start(v, ms);
	secret = kind_before == 1 || k8s_kind(v, ds, be) == 1;
	if (!secret) {
		size_t to = be + K8S_KIND_AFTER < v->len ? be + K8S_KIND_AFTER : v->len;
		size_t de = doc_end(v, be, to, &found);
		if (k8s_kind(v, be, de) == 1)
			secret = 1;
		else if (!found && to == v->len && !final)
			return K8S_MORE;
	}
	if (!secret)
		return K8S_DONE;
	if (k8s_buffers(w) < 0) {
		w->error = VIGIL_ENOMEM;
		return K8S_ERROR;
	}
	ls = next_line(v, me);
	while (ls < be && entries++ < K8S_MAX_ENTRIES) {
		size_t col = indent(v, ls), ks = ls + col, ke, vs, ve, le = next_line(v, ls),
		       rawn = 0;
		int line, block = 0;
		k8s_fwd fwd = {w, 0, 0};
		long n;
		const uint8_t *val;
		if (blank_line(v, ls)) {
			ls = le;
			continue;
		}
		for (ke = ks; ke < le && v->p[ke] != ':' && v->p[ke] != '\n'; ke++)
			;
		if (ke >= le || v->p[ke] != ':') {
			ls = le;
			continue;
		}
		line = view_line(v, ls);
		for (vs = ke + 1; vs < le && (v->p[vs] == ' ' || v->p[vs] == '\t' ||
					      v->p[vs] == '"' || v->p[vs] == '\'');
		     vs++)
			;
		for (ve = le; ve > vs &&
			      (v->p[ve - 1] == '\n' || v->p[ve - 1] == '\r' ||
			       v->p[ve - 1] == ' ' || v->p[ve - 1] == '"' || v->p[ve - 1] == '\'');
		     ve--)
			;
		if (ve > vs && (v->p[vs] == '|' || v->p[vs] == '>'))
			block = 1;
		else if (ve > vs) {
			rawn = ve - vs < K8S_RAW ? ve - vs : K8S_RAW;
			memcpy(w->raw, v->p + vs, rawn);
		}
		ls = le;
		/* a block scalar: the lines indented deeper than the key */
		while (block && ls < be) {
			size_t c2 = indent(v, ls), l2 = next_line(v, ls), e2 = l2;
			if (c2 <= col && !blank_line(v, ls))
				break;
			while (e2 > ls + c2 && (v->p[e2 - 1] == '\n' || v->p[e2 - 1] == '\r'))
				e2--;
			for (size_t i = ls + c2; i < e2 && rawn < K8S_RAW; i++)
				w->raw[rawn++] = v->p[i];
			if (!b64 && rawn < K8S_RAW)
				w->raw[rawn++] = '\n';
			ls = l2;
		}
		if (rawn == 0)
			continue;
		if (b64) {
			size_t take = rawn / 4 * 4;
			n = vigil_secret__b64decode(w->dec, K8S_RAW / 4 * 3, w->raw,
						    take ? take : rawn);
			if (n <= 0)
				continue;
			val = w->dec;
			/* the decoded value, by every rule that applies to this file */
			vigil_secret__worker_begin(w->child, NULL, 0, k8s_on_hit, &fwd);
			memcpy(w->child->on, w->on, w->rules->count);
			w->child->on[r - w->rules->rules] = 0;
			fwd.line = line;
			if (vigil_secret__worker_feed(w->child, val, (size_t)n) < 0 ||
			    vigil_secret__worker_end(w->child) < 0) {
				w->error = w->child->error ? w->child->error : VIGIL_ENOMEM;
				return K8S_ERROR;
			}
		} else {
			val = w->raw;
			n = (long)rawn;
			while (n > 0 && val[n - 1] == '\n')
				n--;
		}
		if (fwd.hits == 0 && n >= 8 && k8s_secret_name(v->p + ks, ke - ks) &&
		    !vigil_secret__placeholder(val, (size_t)n) &&
		    vigil_secret__entropy(val, (size_t)n) >= 3.0) {
			vigil_secret__hit h = {r, val, (size_t)n, line};
			int rc = w->cb(&h, w->payload);
			if (rc < 0) {
				w->error = rc;
				return K8S_ERROR;
			}
		}
	}
	return K8S_DONE;
}

/* Appends stream bytes to the copy of an unfinished data: block, up to K8S_BLOCK_MAX. */
static int k8s_capture_add(vigil_secret__worker *w, const uint8_t *p, size_t n)
{
	if (n > K8S_BLOCK_MAX - w->cap_len)
		n = K8S_BLOCK_MAX - w->cap_len;
	if (w->cap_len + n > w->cap_size) {
		size_t size = w->cap_size ? w->cap_size : VIGIL_SECRET_BLOCK;
		uint8_t *np;
		while (size < w->cap_len + n)
			size *= 2;
		if (size > K8S_BLOCK_MAX)
			size = K8S_BLOCK_MAX;
		if (!(np = realloc(w->cap, size)))
			return VIGIL_ENOMEM;
		w->cap = np;
		w->cap_size = size;
	}
	memcpy(w->cap + w->cap_len, p, n);
	w->cap_len += n;
	return 0;
}

/* The header p[ms, me) of buf: its block is read now, or, when it goes on past the
 * buffer, copied from here on as the stream goes and read when it ends. */
static int k8s_header(vigil_secret__worker *w, const vigil_secret__rule *r, size_t ms, size_t me)
{
	k8s_view v = {w->buf, w->len, w->lines_before + 1, 0, 0};
	int rc = k8s_block(w, r, &v, ms, me, w->capturing || w->limit == w->len, NULL, -1);
	if (rc != K8S_MORE)
		return rc == K8S_ERROR;
	w->cap_len = 0;
	if (k8s_capture_add(w, w->buf + ms, w->len - ms) < 0) {
		w->error = VIGIL_ENOMEM;
		return 1;
	}
	w->capturing = 1;
	w->cap_rule = r;
	w->cap_line = line_at(w, ms);
	w->cap_hdr = me - ms;
	w->cap_scan = 0;
	w->cap_kind = k8s_kind(&v, doc_start(&v, ms), ms);
	return 0;
}

/* Reads the copied block if it has ended (or the stream has, or the copy is full). */
static int k8s_capture_try(vigil_secret__worker *w, int final)
{
	k8s_view v = {w->cap, w->cap_len, (uint64_t)w->cap_line, 0, 0};
	int rc = k8s_block(w, w->cap_rule, &v, 0, w->cap_hdr, final || w->cap_len >= K8S_BLOCK_MAX,
			   &w->cap_scan, w->cap_kind);
	if (rc == K8S_MORE)
		return 0;
	w->capturing = 0;
	w->cap_len = 0;
	return rc == K8S_ERROR ? w->error : 0;
}

/* Confirms rule `id` around a hit that ends at buf[e] and reports what it finds. */
static int confirm(vigil_secret__worker *w, unsigned id, size_t e)
{
	const vigil_secret__rule *r = &w->rules->rules[id];
	size_t ws, we, off;
	if (!w->on[id] || w->base + e <= w->covered[id])
		return 0;
	if (++w->hits > MAX_HITS_PER_STREAM)
		return 1;
	ws = e > r->maxw ? e - r->maxw : 0;
	we = e + r->maxw < w->len ? e + r->maxw : w->len;
	if (w->base + ws < w->covered[id])
		ws = (size_t)(w->covered[id] - w->base);
	off = ws;
	while (off <= we) {
		PCRE2_SIZE *ov;
		size_t ms, me, s0, s1;
		int rc = pcre2_match(r->re, w->buf, we, off, 0, w->md, w->mctx);
		if (rc < 0)
			break;
		ov = pcre2_get_ovector_pointer(w->md);
		ms = ov[0];
		me = ov[1];
		if (ms > e)
			break;
		off = me > ms ? me : ms + 1;
		if (w->base + me <= w->covered[id])
			continue;
		w->covered[id] = w->base + me;
		if (r->group > 0 && rc > r->group && ov[2 * r->group] != PCRE2_UNSET) {
			s0 = ov[2 * r->group];
			s1 = ov[2 * r->group + 1];
		} else {
			s0 = ms;
			s1 = me;
		}
		if (s1 <= s0)
			continue;
		if (r->check == VIGIL_SECRET_CHECK_K8SDATA) {
			if (k8s_header(w, r, ms, me))
				return 1;
			continue;
		}
		{
			/* copy: accept() reuses the match data */
			size_t n = s1 - s0;
			if (!accept(w, r, w->buf + s0, n, ms, me))
				continue;
			vigil_secret__hit h = {r, w->buf + s0, n, line_at(w, ms)};
			int rc2 = w->cb(&h, w->payload);
			if (rc2 < 0) {
				w->error = rc2;
				return 1;
			}
		}
	}
	return 0;
}

#ifdef VIGIL_HAVE_HYPERSCAN
/* Hyperscan's callback: a hit this pass owns is confirmed now. */
static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		    void *ctx)
{
	vigil_secret__worker *w = ctx;
	(void)from;
	(void)flags;
	if (to > w->limit || w->base + to <= w->done)
		return 0;
	return confirm(w, id, (size_t)to);
}
#endif

/* Runs the PCRE2 regex of each rule that applies (all rules, or only the config-only
 * ones) over the block: the engine without Hyperscan. */
static void pcre2_pass(vigil_secret__worker *w, int config_only)
{
	for (size_t id = 0; id < w->rules->count && !w->error; id++) {
		const vigil_secret__rule *r = &w->rules->rules[id];
		size_t off = 0;
		if (!w->on[id] || (config_only && r->scope != VIGIL_SECRET_SCOPE_CONFIG))
			continue;
		while (off < w->len) {
			PCRE2_SIZE *ov;
			size_t me;
			if (pcre2_match(r->re, w->buf, w->len, off, 0, w->md, NULL) < 0)
				break;
			ov = pcre2_get_ovector_pointer(w->md);
			me = ov[1];
			off = me > ov[0] ? me : ov[0] + 1;
			if (me > w->limit)
				break;
			if (w->base + me <= w->done)
				continue;
			if (confirm(w, (unsigned)id, me))
				break;
		}
	}
}

/* One detection pass over buf; `final` when no more data follows. */
static int pass(vigil_secret__worker *w, int final)
{
	w->limit = final ? w->len : w->len - VIGIL_SECRET_MAXW;
	w->line_pos = 0;
	w->line_count = 0;
	if (w->capturing && k8s_capture_try(w, final) < 0)
		return w->error;
#ifdef VIGIL_HAVE_HYPERSCAN
	if (w->len > 0 && w->rules->db) {
		hs_error_t rc = hs_scan(w->rules->db, (const char *)w->buf, (unsigned)w->len, 0,
					w->scratch, on_match, w);
		if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
			return VIGIL_ENOMEM;
	}
	if (w->config)
		pcre2_pass(w, 1);
#else
	pcre2_pass(w, 0);
#endif
	w->done = w->base + w->limit;
	return w->error;
}

int vigil_secret__worker_feed(vigil_secret__worker *w, const uint8_t *p, size_t n)
{
	int error;
	w->bytes += n;
	while (n > 0) {
		size_t take = VIGIL_SECRET_BLOCK - w->len;
		if (take > n)
			take = n;
		memcpy(w->buf + w->len, p, take);
		w->len += take;
		if (w->capturing && (error = k8s_capture_add(w, p, take)) < 0)
			return error;
		p += take;
		n -= take;
		if (w->len == VIGIL_SECRET_BLOCK) {
			size_t drop = w->len - KEEP;
			if ((error = pass(w, 0)) < 0)
				return error;
			w->lines_before += count_nl(w->buf, drop);
			memmove(w->buf, w->buf + drop, KEEP);
			w->base += drop;
			w->len = KEEP;
		}
	}
	return 0;
}

int vigil_secret__worker_end(vigil_secret__worker *w)
{
	return pass(w, 1);
}

uint64_t vigil_secret__worker_bytes(const vigil_secret__worker *w)
{
	return w->bytes;
}
