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
/* a Kubernetes Secret value: raw bytes read, decoded bytes scanned; entries per block */
#define K8S_RAW (64 * 1024)
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
	uint8_t *raw, *dec;
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
	if (!nested) {
		w->raw = malloc(K8S_RAW);
		w->dec = malloc(K8S_RAW);
		if (!w->raw || !w->dec || worker_make(&w->child, rules, 1) < 0)
			goto fail;
	}
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

/* Start of the line after the one holding buf[pos], or end (w->len). */
static size_t next_line(const vigil_secret__worker *w, size_t pos)
{
	const uint8_t *nl = memchr(w->buf + pos, '\n', w->len - pos);
	return nl ? (size_t)(nl - w->buf) + 1 : w->len;
}

/* Column of the first character that is not a space or tab, from a line start. */
static size_t indent(const vigil_secret__worker *w, size_t ls)
{
	size_t i = ls;
	while (i < w->len && (w->buf[i] == ' ' || w->buf[i] == '\t'))
		i++;
	return i - ls;
}

/* True when the YAML document around buf[pos] (between "---" lines, within the buffer)
 * has a line "kind: Secret". */
static int k8s_is_secret(const vigil_secret__worker *w, size_t pos)
{
	size_t ds = pos, de = pos;
	while (ds > 0 &&
	       !(w->buf[ds - 1] == '\n' && ds + 3 <= w->len && !memcmp(w->buf + ds, "---", 3)))
		ds--;
	while (de < w->len &&
	       !(w->buf[de] == '\n' && de + 4 <= w->len && !memcmp(w->buf + de + 1, "---", 3)))
		de++;
	for (size_t i = ds; i + 5 <= de; i++) {
		size_t j;
		if (memcmp(w->buf + i, "kind:", 5) != 0 ||
		    (i > 0 && w->buf[i - 1] != ' ' && w->buf[i - 1] != '\n' &&
		     w->buf[i - 1] != '\t'))
			continue;
		j = i + 5;
		while (j < de && (w->buf[j] == ' ' || w->buf[j] == '\t' || w->buf[j] == '"' ||
				  w->buf[j] == '\''))
			j++;
		if (j + 6 <= de && !memcmp(w->buf + j, "Secret", 6) &&
		    (j + 6 == de || w->buf[j + 6] == '\n' || w->buf[j + 6] == '\r' ||
		     w->buf[j + 6] == '"' || w->buf[j + 6] == '\'' || w->buf[j + 6] == ' '))
			return 1;
	}
	return 0;
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

/* The entries of the data: (base64) or stringData: block whose header line is
 * buf[ms, me): each data value is decoded and scanned by every rule, reported on the
 * entry's line; a secret-named value no rule recognised is reported by rule `r`. */
static int k8s_block(vigil_secret__worker *w, const vigil_secret__rule *r, size_t ms, size_t me)
{
	size_t hcol = indent(w, ms), ls = next_line(w, me), entries = 0;
	int b64;
	if (w->buf[ms + hcol] == '-')
		hcol += 2;
	b64 = w->buf[ms + hcol] == 'd';
	if (!w->child || !k8s_is_secret(w, ms))
		return 0;
	while (ls < w->len && entries++ < K8S_MAX_ENTRIES) {
		size_t col = indent(w, ls), ks = ls + col, ke, vs, ve, le = next_line(w, ls),
		       rawn = 0;
		int line, block = 0;
		k8s_fwd fwd = {w, 0, 0};
		long n;
		const uint8_t *val;
		if (ks >= w->len || w->buf[ks] == '\n' || w->buf[ks] == '\r' || w->buf[ks] == '#') {
			ls = le;
			continue;
		}
		if (col <= hcol)
			break;
		for (ke = ks; ke < le && w->buf[ke] != ':' && w->buf[ke] != '\n'; ke++)
			;
		if (ke >= le || w->buf[ke] != ':') {
			ls = le;
			continue;
		}
		line = line_at(w, ls);
		for (vs = ke + 1; vs < le && (w->buf[vs] == ' ' || w->buf[vs] == '\t' ||
					      w->buf[vs] == '"' || w->buf[vs] == '\'');
		     vs++)
			;
		for (ve = le; ve > vs && (w->buf[ve - 1] == '\n' || w->buf[ve - 1] == '\r' ||
					  w->buf[ve - 1] == ' ' || w->buf[ve - 1] == '"' ||
					  w->buf[ve - 1] == '\'');
		     ve--)
			;
		if (ve > vs && (w->buf[vs] == '|' || w->buf[vs] == '>'))
			block = 1;
		else if (ve > vs) {
			rawn = ve - vs < K8S_RAW ? ve - vs : K8S_RAW;
			memcpy(w->raw, w->buf + vs, rawn);
		}
		ls = le;
		/* a block scalar: the lines indented deeper than the key */
		while (block && ls < w->len) {
			size_t c2 = indent(w, ls), l2 = next_line(w, ls), e2 = l2;
			if (c2 <= col && ls + c2 < w->len && w->buf[ls + c2] != '\n' &&
			    w->buf[ls + c2] != '\r')
				break;
			while (e2 > ls + c2 && (w->buf[e2 - 1] == '\n' || w->buf[e2 - 1] == '\r'))
				e2--;
			for (size_t i = ls + c2; i < e2 && rawn < K8S_RAW; i++)
				w->raw[rawn++] = w->buf[i];
			if (!b64 && rawn < K8S_RAW)
				w->raw[rawn++] = '\n';
			ls = l2;
		}
		if (rawn == 0)
			continue;
		if (b64) {
			size_t take = rawn / 4 * 4;
			n = vigil_secret__b64decode(w->dec, K8S_RAW, w->raw, take ? take : rawn);
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
				return 1;
			}
		} else {
			val = w->raw;
			n = (long)rawn;
			while (n > 0 && val[n - 1] == '\n')
				n--;
		}
		if (fwd.hits == 0 && n >= 8 && k8s_secret_name(w->buf + ks, ke - ks) &&
		    !vigil_secret__placeholder(val, (size_t)n) &&
		    vigil_secret__entropy(val, (size_t)n) >= 3.0) {
			vigil_secret__hit h = {r, val, (size_t)n, line};
			int rc = w->cb(&h, w->payload);
			if (rc < 0) {
				w->error = rc;
				return 1;
			}
		}
	}
	return 0;
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
			if (k8s_block(w, r, ms, me))
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
