/* Secret rules: every built-in rule finds its sample and not its placeholder; entropy,
 * redaction, JWT claims, paths, chunk boundaries and the YAML loader. */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "../test.h"
#include "secret/secret_int.h"
#include "samples.h"
#include "docsamples.h"

/* ---- helpers ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const char *alphabet(char kind)
{
	switch (kind) {
	case 'h':
		return "0123456789abcdef";
	case 'H':
		return "0123456789ABCDEF";
	case 'd':
		return "0123456789";
	case 'u':
		return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";
	case 'b':
		return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	case 'U':
		return "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	case 'l':
		return "abcdefghijklmnopqrstuvwxyz0123456789";
	case '3':
		return "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	case 'z':
		return "abcdefghijklmnopqrstuvwxyz234567";
	case 'k':
		return "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
	default:
		return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	}
}

/* CRC-32 as zlib computes it, written here from the polynomial (not the library's). */
static uint32_t t_crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

/* Base64 of p[0, n): URL-safe without padding, or standard with padding. */
static void t_b64(vigil_buf *b, const uint8_t *p, size_t n, int url)
{
	const char *al = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
			     : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		size_t out = i + 2 < n ? 4 : i + 1 < n ? 3 : 2;
		for (size_t k = 0; k < 4; k++)
			if (k < out)
				vigil_buf_putc(b, al[(v >> (18 - 6 * k)) & 63]);
			else if (!url)
				vigil_buf_putc(b, '=');
	}
}

/* The special template parts: {c:6} the base62 CRC-32 of the 30 characters before it
 * (GitHub, npm), {P:N} a whole PyPI token (a pypi.org macaroon with an N-byte
 * identifier), {S:N} a whole Sentry organization token with an N-character secret.
 * A placeholder gets a wrong checksum or structure. */
static void special(vigil_buf *b, char kind, unsigned n, int placeholder)
{
	static const char B62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint8_t m[256];
	size_t k = 0;
	if (kind == 'c') {
		uint32_t crc = b->len >= 30 ? t_crc32(b->data + b->len - 30, 30) : 0;
		char d[6];
		for (int i = 5; i >= 0; i--) {
			d[i] = B62[crc % 62];
			crc /= 62;
		}
		for (int i = 0; i < 6; i++)
			vigil_buf_putc(b, placeholder ? 'B' : d[i]);
	} else if (kind == 'P' || kind == 'Q') {
		const char *h = "\x02\x01\x08pypi.org\x02";
		while (*h)
			m[k++] = (uint8_t)*h++;
		m[k++] = (uint8_t)n;
		for (unsigned i = 0; i < n && k < 180; i++)
			m[k++] = (uint8_t)("0123456789abcdef-"[rnd(17)]);
		m[k++] = 0; /* end of the header, no caveats, end of caveats */
		m[k++] = 0;
		m[k++] = kind == 'P' ? 6 : 7; /* {Q:N}: no signature field */
		m[k++] = 32;
		for (int i = 0; i < 32; i++)
			m[k++] = (uint8_t)rnd(256);
		for (const char *c = "pypi-"; *c; c++)
			vigil_buf_putc(b, *c);
		if (placeholder) {
			for (const char *c = "AgEIcHlwaS5vcmc"; *c; c++)
				vigil_buf_putc(b, *c);
			for (unsigned i = 0; i < 2 * n + 60; i++)
				vigil_buf_putc(b, 'B');
		} else {
			t_b64(b, m, k, 1);
		}
	} else if (kind == 'J') {
		/* base64 of a JWT; a placeholder's header says "alg": "none" */
		vigil_buf j = VIGIL_BUF_INIT;
		const char *h =
			placeholder ? "{\"alg\":\"none\"}" : "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
		const char *pl =
			"{\"sub\":\"system:serviceaccount:ci:deployer\",\"iat\":1765000000}";
		uint8_t sig[32];
		t_b64(&j, (const uint8_t *)h, strlen(h), 1);
		vigil_buf_putc(&j, '.');
		t_b64(&j, (const uint8_t *)pl, strlen(pl), 1);
		vigil_buf_putc(&j, '.');
		for (int i = 0; i < 32; i++)
			sig[i] = (uint8_t)rnd(256);
		t_b64(&j, sig, 32, 1);
		t_b64(b, j.data, j.len, 0);
		vigil_buf_free(&j);
	} else if (kind == 'S') {
		const char *j =
			"{\"iat\":1765000000.5,\"url\":\"https://sentry.io\",\"region_url\":"
			"\"https://us.sentry.io\",\"org\":\"acme\"}";
		for (const char *c = "sntrys_"; *c; c++)
			vigil_buf_putc(b, *c);
		t_b64(b, (const uint8_t *)j, strlen(j), 0);
		vigil_buf_putc(b, '_');
		for (unsigned i = 0; i < n; i++)
			vigil_buf_putc(b, placeholder ? 'B' : alphabet('b')[rnd(64)]);
	}
}

/* Expands a template: random characters, or (placeholder) the first one repeated. */
static void fill(vigil_buf *b, const char *t, int placeholder)
{
	b->len = 0;
	for (const char *p = t; *p; p++) {
		char kind;
		unsigned n = 0;
		if (p[0] == '{' && p[1] && p[2] == ':' && p[3] >= '0' && p[3] <= '9') {
			kind = p[1];
			p += 3;
			while (*p >= '0' && *p <= '9')
				n = n * 10 + (unsigned)(*p++ - '0');
			/* p is at '}' */
			if (kind == 'c' || kind == 'P' || kind == 'Q' || kind == 'S' ||
			    kind == 'J') {
				special(b, kind, n, placeholder);
				continue;
			}
			const char *al = alphabet(kind);
			/* a generated token mixes letters and digits (KEYED rules require it):
			 * a random run starts with a letter and ends with a digit, so that no
			 * sample depends on the luck of the draw */
			int mix = !placeholder && n >= 8 && strchr("aubl", kind);
			for (unsigned i = 0; i < n; i++) {
				char c = placeholder ? al[1] : al[rnd((unsigned)strlen(al))];
				if (mix && i == 0)
					c = al[rnd(26)];
				else if (mix && i == n - 1)
					c = (char)('0' + rnd(10));
				vigil_buf_putc(b, c);
			}
			continue;
		}
		vigil_buf_putc(b, *p);
	}
	vigil_buf_cstr(b);
}

/* A documentation-style AWS key id: "AKIA", nine fixed base32 characters and "EXAMPLE", the
 * shape of AWS's own documentation key. It is a placeholder, made at run time so that no
 * credential scanner reading this source mistakes it for a leak; it does not use the shared
 * generator, so the other tests' random sequence is unchanged. */
static const char *aws_doc_key(void)
{
	static char key[21];
	if (!key[0]) {
		static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
		memcpy(key, "AKIA", 4);
		for (int i = 0; i < 9; i++)
			key[4 + i] = b32[(i * 11 + 5) % 32];
		memcpy(key + 13, "EXAMPLE", 8);
	}
	return key;
}

/* The value of the custom "acme-key" rule's tests: 32 hex digits made here (each digit
 * twice: entropy 4), not a literal. */
static const char *acme_hex(void)
{
	static char hex[33];
	for (int i = 0; i < 32; i++)
		hex[i] = "0123456789abcdef"[(i * 7 + 3) % 16];
	return hex;
}

/* A GitHub token made for this run ("ghp_", 30 random characters and their checksum),
 * never committed. */
static const char *gh_token(void)
{
	static char tok[64];
	if (!tok[0]) {
		vigil_buf b = VIGIL_BUF_INIT;
		fill(&b, "ghp_{a:30}{c:6}", 0);
		snprintf(tok, sizeof(tok), "%s", b.data ? (const char *)b.data : "");
		vigil_buf_free(&b);
	}
	return tok;
}

typedef struct found {
	char ids[64][64];
	char secret[64][512];
	int line[64];
	int n;
} found;

static int on_hit(const vigil_secret__hit *h, void *payload)
{
	found *f = payload;
	if (f->n < 64) {
		snprintf(f->ids[f->n], sizeof(f->ids[0]), "%s", h->rule->id);
		snprintf(f->secret[f->n], sizeof(f->secret[0]), "%.*s", (int)h->secret_len,
			 (const char *)h->secret);
		f->line[f->n] = h->line;
		f->n++;
	}
	return 0;
}

static int has(const found *f, const char *id)
{
	int c = 0;
	for (int i = 0; i < f->n; i++)
		c += strcmp(f->ids[i], id) == 0;
	return c;
}

static vigil_secret_rules *shared_rules;
static vigil_ctx *shared_ctx;

/* The built-in rules with the generic ones, loaded once for the tests. */
static vigil_secret_rules *rules_all(void)
{
	if (!shared_rules) {
		vigil_secret_opts o = VIGIL_SECRET_OPTS_INIT;
		o.enable_generic = 1;
		o.cache_dir = "";
		if (vigil_ctx_new(&shared_ctx) < 0 ||
		    vigil_secret_rules_load(&shared_rules, shared_ctx, &o) < 0)
			printf("  cannot load rules: %s\n", vigil_ctx_error(shared_ctx));
	}
	return shared_rules;
}

__attribute__((destructor)) static void rules_done(void)
{
	vigil_secret_rules_free(shared_rules);
	vigil_ctx_free(shared_ctx);
}

/* Scans `text` as one file (or config string) fed in chunks of `chunk` bytes. */
static void scan_text(found *f, const vigil_secret_rules *rules, const char *path, const char *text,
		      size_t len, size_t chunk, int config)
{
	vigil_secret__worker *w = NULL;
	memset(f, 0, sizeof(*f));
	if (vigil_secret__worker_new(&w, rules) < 0)
		return;
	vigil_secret__worker_begin(w, config ? NULL : path, config, on_hit, f);
	for (size_t o = 0; o < len; o += chunk)
		vigil_secret__worker_feed(w, (const uint8_t *)text + o,
					  len - o < chunk ? len - o : chunk);
	vigil_secret__worker_end(w);
	vigil_secret__worker_free(w);
}

/* ---- tests ---- */

TEST(test_secret__every_builtin_rule_has_a_sample)
{
	for (size_t i = 0; i < vigil_secret__builtin_count; i++) {
		const char *id = vigil_secret__builtin[i].id;
		int ok = !strcmp(id, "jwt") || !strncmp(id, "generic-", 8);
		for (size_t k = 0; k < VIGIL_ARRAY_LEN(SAMPLES) && !ok; k++)
			ok = !strcmp(SAMPLES[k].id, id);
		if (!ok)
			printf("  no sample for %s\n", id);
		CHECK(ok);
	}
	CHECK(vigil_secret__builtin_count >= 130);
}

TEST(test_secret__each_rule_finds_its_sample_and_not_its_placeholder)
{
	vigil_secret_rules *rules = rules_all();
	vigil_buf b = VIGIL_BUF_INIT;
	found f;
	int bad = 0;
	CHECK(rules);
	for (size_t k = 0; k < VIGIL_ARRAY_LEN(SAMPLES); k++) {
		const sample *s = &SAMPLES[k];
		const char *path = s->path ? s->path : "/app/config.txt";
		fill(&b, s->tmpl, 0);
		scan_text(&f, rules, path, (const char *)b.data, b.len, 4096, s->config);
		if (has(&f, s->id) != 1) {
			printf("  %s: positive sample found %d times: %s", s->id, has(&f, s->id),
			       (const char *)b.data);
			bad = 1;
		}
		fill(&b, s->tmpl, 1);
		scan_text(&f, rules, path, (const char *)b.data, b.len, 4096, s->config);
		if (has(&f, s->id)) {
			printf("  %s: negative sample reported: %s\n", s->id, (const char *)b.data);
			bad = 1;
		}
	}
	vigil_buf_free(&b);
	CHECK(!bad);
}

/* The sample in the shapes secrets are leaked in: a .env file, a YAML string, a JSON
 * string (quotes and line breaks escaped), a line of source code, a shell history line. */
static void shape(vigil_buf *out, const vigil_buf *in, int kind)
{
	static const char *const pre[] = {
		"",	  "settings:\n  value: '", "{\"config\": \"", "const char *config = \"",
		"echo '", "settings:\n  value: \""};
	static const char *const post[] = {"", "'\n", "\"}\n", "\";\n", "' >> /tmp/x\n", "\"\n"};
	/* YAML: single-quoted, or double-quoted when the value holds a single quote */
	if (kind == 1 && memchr(in->data, '\'', in->len))
		kind = 5;
	out->len = 0;
	for (const char *c = pre[kind]; *c; c++)
		vigil_buf_putc(out, *c);
	for (size_t i = 0; i < in->len; i++) {
		char c = (char)in->data[i];
		int last = i + 1 == in->len && c == '\n';
		if (kind == 1 && c == '\'') { /* YAML single-quoted: '' */
			vigil_buf_putc(out, '\'');
		} else if ((kind == 2 || kind == 3 || kind == 5) && (c == '"' || c == '\\')) {
			vigil_buf_putc(out, '\\');
		} else if ((kind == 2 || kind == 3) && c == '\n') {
			vigil_buf_putc(out, '\\');
			c = 'n';
		} else if (kind == 1 && c == '\n' && !last) {
			/* a YAML plain line break inside quotes folds: keep the line, indented */
			vigil_buf_putc(out, '\n');
			c = ' ';
		}
		if (last && kind != 2 && kind != 3)
			continue;
		if (kind == 5 && c == '\n')
			continue;
		vigil_buf_putc(out, c);
	}
	for (const char *c = post[kind]; *c; c++)
		vigil_buf_putc(out, *c);
	vigil_buf_cstr(out);
}

TEST(test_secret__each_rule_finds_its_sample_in_every_shape)
{
	static const char *const names[] = {"plain", "yaml", "json", "source", "history"};
	vigil_secret_rules *rules = rules_all();
	vigil_buf b = VIGIL_BUF_INIT, w = VIGIL_BUF_INIT;
	found f;
	int bad = 0, tried = 0;
	CHECK(rules);
	for (size_t k = 0; k < VIGIL_ARRAY_LEN(SAMPLES); k++) {
		const sample *s = &SAMPLES[k];
		/* path-bound rules (.npmrc, settings.xml) and config strings keep their shape */
		if (s->path || s->config)
			continue;
		for (int kind = 1; kind < 5; kind++) {
			fill(&b, s->tmpl, 0);
			/* an escaped sample is not escaped twice */
			if (memchr(b.data, '\\', b.len) && (kind == 2 || kind == 3))
				continue;
			/* multi-line key material in a one-line shape: only where the escape keeps
			 * it */
			if (memchr(b.data, '\n', b.len) != (void *)(b.data + b.len - 1) &&
			    (kind == 1 || kind == 4))
				continue;
			shape(&w, &b, kind);
			scan_text(&f, rules, "/app/config.txt", (const char *)w.data, w.len, 4096,
				  0);
			tried++;
			if (has(&f, s->id) < 1) {
				printf("  %s: not found as %s: %s\n", s->id, names[kind],
				       (const char *)w.data);
				bad = 1;
			}
			fill(&b, s->tmpl, 1);
			shape(&w, &b, kind);
			scan_text(&f, rules, "/app/config.txt", (const char *)w.data, w.len, 4096,
				  0);
			if (has(&f, s->id)) {
				printf("  %s: placeholder reported as %s\n", s->id, names[kind]);
				bad = 1;
			}
		}
	}
	vigil_buf_free(&b);
	vigil_buf_free(&w);
	CHECK(tried > 600);
	CHECK(!bad);
}

TEST(test_secret__generic_rules_only_when_enabled)
{
	vigil_secret_rules *rules = rules_all(), *def = NULL;
	vigil_ctx *ctx = NULL;
	const char *pw = "db_password = \"Tr0ub4dor&3xQz9\"\n";
	const char *key = "client_secret: 8fJ2kLq9ZxW3vB7nM4pR\n";
	const char *neg = "password = \"${DB_PASSWORD}\"\nclient_secret: aaaaaaaaaaaaaaaaaaaa\n";
	found f;
	CHECK(rules);
	scan_text(&f, rules, "/app/a.conf", pw, strlen(pw), 4096, 0);
	CHECK(has(&f, "generic-password") == 1);
	scan_text(&f, rules, "/app/a.conf", key, strlen(key), 4096, 0);
	CHECK(has(&f, "generic-api-key") == 1);
	scan_text(&f, rules, "/app/a.conf", neg, strlen(neg), 4096, 0);
	CHECK(f.n == 0);
	vigil_secret_opts o = VIGIL_SECRET_OPTS_INIT;
	o.cache_dir = "";
	CHECK(vigil_ctx_new(&ctx) == 0);
	CHECK(vigil_secret_rules_load(&def, ctx, &o) == 0);
	scan_text(&f, def, "/app/a.conf", pw, strlen(pw), 4096, 0);
	CHECK(f.n == 0);
	CHECK(vigil_secret_rules_count(def) + 2 == vigil_secret_rules_count(rules));
	vigil_secret_rules_free(def);
	vigil_ctx_free(ctx);
}

/* base64url without padding */
static void b64url(vigil_buf *b, const char *s)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(uint8_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)(uint8_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (uint8_t)s[i + 2];
		vigil_buf_putc(b, al[(v >> 18) & 63]);
		vigil_buf_putc(b, al[(v >> 12) & 63]);
		if (i + 1 < n)
			vigil_buf_putc(b, al[(v >> 6) & 63]);
		if (i + 2 < n)
			vigil_buf_putc(b, al[v & 63]);
	}
}

static void make_jwt(vigil_buf *b, const char *header, const char *payload)
{
	b->len = 0;
	vigil_buf_puts(b, "token: ");
	b64url(b, header);
	vigil_buf_putc(b, '.');
	b64url(b, payload);
	vigil_buf_putc(b, '.');
	for (int i = 0; i < 43; i++)
		vigil_buf_putc(b, alphabet('u')[rnd(63)]);
	vigil_buf_putc(b, '\n');
	vigil_buf_cstr(b);
}

TEST(test_secret__jwt_needs_an_algorithm_and_registered_claims)
{
	vigil_secret_rules *rules = rules_all();
	vigil_buf b = VIGIL_BUF_INIT;
	found f;
	CHECK(rules);
	make_jwt(&b, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		 "{\"sub\":\"1234567890\",\"name\":\"svc\",\"iat\":1516239022}");
	scan_text(&f, rules, "/app/t", (const char *)b.data, b.len, 4096, 0);
	CHECK(has(&f, "jwt") == 1);
	make_jwt(&b, "{\"alg\":\"none\",\"typ\":\"JWT\"}", "{\"sub\":\"1234567890\"}");
	scan_text(&f, rules, "/app/t", (const char *)b.data, b.len, 4096, 0);
	CHECK(has(&f, "jwt") == 0);
	make_jwt(&b, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"hello\":\"world, just data\"}");
	scan_text(&f, rules, "/app/t", (const char *)b.data, b.len, 4096, 0);
	CHECK(has(&f, "jwt") == 0);
	vigil_buf_free(&b);
}

TEST(test_secret__entropy)
{
	uint8_t all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	CHECK(vigil_secret__entropy((const uint8_t *)"aaaaaaaa", 8) == 0);
	CHECK(fabs(vigil_secret__entropy((const uint8_t *)"abab", 4) - 1.0) < 1e-9);
	CHECK(fabs(vigil_secret__entropy((const uint8_t *)"abcd", 4) - 2.0) < 1e-9);
	CHECK(fabs(vigil_secret__entropy(all, 256) - 8.0) < 1e-9);
	CHECK(vigil_secret__entropy(NULL, 0) == 0);
}

TEST(test_secret__redaction_shows_only_the_ends)
{
	char out[48];
	vigil_secret__redact(out, sizeof(out), (const uint8_t *)aws_doc_key(), 20);
	CHECK_STR(out, "AK****************LE");
	vigil_secret__redact(out, sizeof(out), (const uint8_t *)"hunter22", 8);
	CHECK_STR(out, "h******2");
	vigil_secret__redact(out, sizeof(out), (const uint8_t *)"abc", 3);
	CHECK_STR(out, "****");
	/* long secrets: at most 16 stars, never the middle */
	const char *tok = gh_token();
	char want[64];
	snprintf(want, sizeof(want), "gh****************%s", tok + 38);
	vigil_secret__redact(out, sizeof(out), (const uint8_t *)tok, 40);
	CHECK_STR(out, want);
	/* control characters are not printed */
	vigil_secret__redact(out, sizeof(out), (const uint8_t *)"\x1b[2Jabcdefghijklmn\n\r", 20);
	CHECK(strchr(out, '\x1b') == NULL && strchr(out, '\n') == NULL);
}

TEST(test_secret__placeholders_are_not_secrets)
{
	const char *const yes[] = {"${DB_PASSWORD}", "{{ .Values.token }}", "<your-token>",
				   aws_doc_key(),    "xxxxxxxxxxxxxxxx",    "aaaaaaaaaaaaaaaaa",
				   "$SECRET",	     "changeme-please"};
	const char *const no[] = {"9fK2xLq8ZvW3bN7mR4pT", gh_token()};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(yes); i++)
		CHECK(vigil_secret__placeholder((const uint8_t *)yes[i], strlen(yes[i])));
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(no); i++)
		CHECK(!vigil_secret__placeholder((const uint8_t *)no[i], strlen(no[i])));
}

TEST(test_secret__sensitive_paths_and_allowlist)
{
	const vigil_secret__pathrule *r;
	CHECK((r = vigil_secret__path_rule("/root/.ssh/id_rsa")) &&
	      !strcmp(r->id, "sensitive-file-ssh-key"));
	CHECK(vigil_secret__path_rule("/root/.ssh/id_rsa.pub") == NULL);
	CHECK((r = vigil_secret__path_rule("/etc/ssh/ssh_host_ed25519_key")) &&
	      !strcmp(r->id, "sensitive-file-ssh-key"));
	CHECK(vigil_secret__path_rule("/etc/ssh/ssh_host_ed25519_key.pub") == NULL);
	/* the htpasswd program is not a password file; one in /etc/nginx is */
	CHECK(vigil_secret__path_rule("/usr/bin/htpasswd") == NULL);
	CHECK(vigil_secret__path_rule("/usr/sbin/htpasswd") == NULL);
	CHECK((r = vigil_secret__path_rule("/etc/nginx/htpasswd")) &&
	      !strcmp(r->id, "sensitive-file-htpasswd"));
	/* Go's test sources in an installed toolchain; an application's are scanned */
	CHECK(vigil_secret__path_allowed("/usr/share/go-1.19/src/net/url/url_test.go"));
	CHECK(vigil_secret__path_allowed("/usr/lib/go/src/crypto/tls/example_test.go"));
	CHECK(!vigil_secret__path_allowed("/app/internal/db_test.go"));
	/* Python's test modules in installed packages, not an application's own */
	CHECK(vigil_secret__path_allowed(
		"/usr/lib/python3/dist-packages/dulwich/contrib/test_paramiko_vendor.py"));
	CHECK(vigil_secret__path_allowed("/usr/local/lib/python3.11/site-packages/x/ssh_test.py"));
	CHECK(!vigil_secret__path_allowed("/usr/lib/python3/dist-packages/x/testing.py"));
	CHECK(!vigil_secret__path_allowed("/app/test_settings.py"));
	CHECK(!vigil_secret__path_allowed("/usr/share/go-1.19/src/net/url/url.go"));
	CHECK(vigil_secret__path_rule("/usr/share/app/notes.p12.txt") == NULL);
	/* names are matched ignoring case */
	CHECK((r = vigil_secret__path_rule("/srv/KEY.P12")) &&
	      !strcmp(r->id, "sensitive-file-pkcs12"));
	CHECK((r = vigil_secret__path_rule("/srv/.env")) && !strcmp(r->id, "sensitive-file-env"));
	CHECK(vigil_secret__path_rule("/srv/.env.example") == NULL);
	CHECK((r = vigil_secret__path_rule("/home/u/.aws/credentials")) &&
	      !strcmp(r->id, "sensitive-file-aws-credentials"));
	CHECK(vigil_secret__path_rule("/usr/lib/python3/credentials") == NULL);
	CHECK((r = vigil_secret__path_rule("/app/infra/prod.tfstate")) &&
	      !strcmp(r->id, "sensitive-file-tfstate"));
	CHECK((r = vigil_secret__path_rule("/certs/client.p12")) &&
	      !strcmp(r->id, "sensitive-file-pkcs12"));
	CHECK((r = vigil_secret__path_rule("/root/.bash_history")) &&
	      !strcmp(r->id, "sensitive-file-shell-history"));
	CHECK(vigil_secret__path_allowed("/usr/share/doc/openssl/README"));
	CHECK(vigil_secret__path_allowed("/usr/lib/python3/dist-packages/x/tests/test_a.py"));
	CHECK(vigil_secret__path_allowed("/app/node_modules/jwt/test/fixtures.js"));
	CHECK(!vigil_secret__path_allowed("/app/tests/settings.py"));
	CHECK(!vigil_secret__path_allowed("/usr/lib/tests"));
	CHECK(!vigil_secret__path_allowed("/etc/app/test/key.pem"));
	CHECK(vigil_secret_path_allowlist()[0] &&
	      !strcmp(vigil_secret_path_allowlist()[0], "/usr/share/doc/"));
	CHECK(vigil_secret__glob("*.pem", "/a/b/c.pem"));
	CHECK(!vigil_secret__glob("*.pem", "/a/b.pem/c"));
	CHECK(vigil_secret__glob("key-?.pem", "/a/key-1.pem"));
	CHECK(vigil_secret__glob("/etc/*/secret", "/etc/a/b/secret"));
	CHECK(vigil_secret__glob("*/.docker/config.json", "/root/.docker/config.json"));
	CHECK(!vigil_secret__glob("*/.docker/config.json", "/root/docker/config.json"));
}

/* A secret placed at every offset around the block boundary, fed in odd chunk sizes,
 * is found exactly once and on the right line. */
TEST(test_secret__matches_across_chunk_and_block_boundaries)
{
	vigil_secret_rules *rules = rules_all();
	const char *tok = gh_token();
	size_t size = VIGIL_SECRET_BLOCK * 2 + 1000;
	char *text = malloc(size + 1);
	const size_t at[] = {VIGIL_SECRET_BLOCK - 20,
			     VIGIL_SECRET_BLOCK - 2 * VIGIL_SECRET_MAXW - 5,
			     VIGIL_SECRET_BLOCK - VIGIL_SECRET_MAXW - 20,
			     VIGIL_SECRET_BLOCK - VIGIL_SECRET_MAXW + 3,
			     2 * VIGIL_SECRET_BLOCK - 4096 - 10,
			     size - 41};
	static const size_t chunks[] = {7, 4096, 65536, 1 << 20};
	found f;
	CHECK(rules && text);
	for (size_t a = 0; a < VIGIL_ARRAY_LEN(at); a++) {
		int line = 1;
		for (size_t i = 0; i < size; i++)
			text[i] = i % 50 == 49 ? '\n' : 'a' + (char)(i % 7);
		text[at[a] - 1] = ' ';
		memcpy(text + at[a], tok, strlen(tok));
		text[at[a] + strlen(tok)] = ' ';
		text[size] = '\0';
		for (size_t i = 0; i < at[a]; i++)
			line += text[i] == '\n';
		for (size_t c = 0; c < VIGIL_ARRAY_LEN(chunks); c++) {
			scan_text(&f, rules, "/app/log", text, size, chunks[c], 0);
			if (has(&f, "github-pat") != 1 || f.line[0] != line) {
				printf("  offset %zu chunk %zu: %d finds, line %d (want %d)\n",
				       at[a], chunks[c], has(&f, "github-pat"), f.n ? f.line[0] : 0,
				       line);
				free(text);
				CHECK(0);
			}
			CHECK_STR(f.secret[0], tok);
		}
	}
	free(text);
}

TEST(test_secret__custom_rules_from_yaml)
{
	vigil_ctx *ctx = NULL;
	vigil_secret_rules *r = NULL;
	vigil_secret_opts o = VIGIL_SECRET_OPTS_INIT;
	const char *y = "rules:\n"
			"  - id: acme-key\n"
			"    category: Acme\n"
			"    severity: HIGH\n"
			"    regex: 'acme_([a-z0-9]{32})'\n"
			"    keywords: [acme_]\n"
			"    min_entropy: 3\n"
			"    paths: ['*.conf']\n"
			"    allowlist: ['^0+$']\n"
			"disable: [github-pat]\n";
	char text[128];
	const char *hex = acme_hex();
	snprintf(text, sizeof(text), "key acme_%s\n%s\n", hex, gh_token());
	found f;
	CHECK(vigil_ctx_new(&ctx) == 0);
	o.replace_builtin = 1;
	o.cache_dir = "";
	CHECK(vigil_secret__rules_load_buffer(&r, ctx, &o, (const uint8_t *)y, strlen(y)) == 0);
	CHECK(vigil_secret_rules_count(r) == 1);
	scan_text(&f, r, "/etc/acme.conf", text, strlen(text), 4096, 0);
	CHECK(has(&f, "acme-key") == 1);
	CHECK_STR(f.secret[0], hex);
	scan_text(&f, r, "/etc/acme.txt", text, strlen(text), 4096, 0);
	CHECK(f.n == 0); /* path include */
	vigil_secret_rules_free(r);
	r = NULL;
	o.replace_builtin = 0; /* merged: built-ins minus github-pat, plus acme-key */
	CHECK(vigil_secret__rules_load_buffer(&r, ctx, &o, (const uint8_t *)y, strlen(y)) == 0);
	scan_text(&f, r, "/etc/acme.conf", text, strlen(text), 4096, 0);
	CHECK(has(&f, "acme-key") == 1 && has(&f, "github-pat") == 0);
	vigil_secret_rules_free(r);
	vigil_ctx_free(ctx);
}

TEST(test_secret__invalid_rules_name_the_line)
{
	static const struct {
		const char *yaml, *want;
	} bad[] = {
		{"rules:\n  - id: ok\n    regex: 'a{3}'\n  - id: look\n    regex: 'x(?=y)'\n",
		 "<buffer>:4: rule 'look'"},
		{"rules:\n  - id: unb\n    regex: 'tok_[a-z]+'\n", "between 1 and"},
		{"rules:\n  - id: pc\n    regex: 'a(b'\n", "PCRE2"},
		{"rules:\n  - id: s\n    regex: 'abc'\n    severity: URGENT\n", "severity"},
		{"rules:\n  - id: k\n    regex: 'abc'\n    colour: red\n",
		 "<buffer>:4: unknown key"},
		{"rules:\n  - regex: 'abc'\n", "without an id"},
		{"rules:\n  - id: g\n    regex: 'abc'\n    secret_group: 2\n", "capture groups"},
		{"rules: [\n", "invalid YAML"},
		{"rules:\n  - id: br\n    regex: '(a)\\1'\n", "back-references"},
		{"rules:\n  - id: at\n    regex: 'a(?>bc)'\n", "atomic"},
		{"rules:\n  - id: op\n    regex: 'a{2,}'\n", "between 1 and"},
		{"- a\n- b\n", "mapping"},
		{"rules:\n  - id: e\n    regex: 'abc'\n    min_entropy: lots\n", "min_entropy"},
	};
	vigil_secret_opts o = VIGIL_SECRET_OPTS_INIT;
	vigil_ctx *ctx = NULL;
	CHECK(vigil_ctx_new(&ctx) == 0);
	o.replace_builtin = 1;
	o.cache_dir = "";
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(bad); i++) {
		vigil_secret_rules *r = NULL;
		int rc = vigil_secret__rules_load_buffer(&r, ctx, &o, (const uint8_t *)bad[i].yaml,
							 strlen(bad[i].yaml));
		if (rc != VIGIL_EFORMAT || !strstr(vigil_ctx_error(ctx), bad[i].want)) {
			printf("  case %zu: rc %d, '%s' (want '%s')\n", i, rc, vigil_ctx_error(ctx),
			       bad[i].want);
			vigil_secret_rules_free(r);
			vigil_ctx_free(ctx);
			CHECK(0);
		}
		CHECK(r == NULL);
	}
	vigil_ctx_free(ctx);
}

/* The compiled database is cached by rule set: a second load reads it back and finds
 * the same secrets; a damaged cache file is compiled again. */
TEST(test_secret__compiled_database_cache)
{
	char dir[] = "/tmp/vigil-secret-cache-XXXXXX", path[256] = "";
	const char *y = "rules:\n  - id: acme-key\n    regex: 'acme_([a-z0-9]{32})'\n";
	char text[48];
	snprintf(text, sizeof(text), "acme_%s\n", acme_hex());
	vigil_secret_opts o = VIGIL_SECRET_OPTS_INIT;
	vigil_ctx *ctx = NULL;
	vigil_secret_rules *r = NULL;
	found f;
	FILE *fp;
#ifndef VIGIL_HAVE_HYPERSCAN
	return; /* only the Hyperscan database is cached */
#endif
	CHECK(mkdtemp(dir) != NULL);
	CHECK(vigil_ctx_new(&ctx) == 0);
	o.replace_builtin = 1;
	o.cache_dir = dir;
	for (int round = 0; round < 3; round++) {
		CHECK(vigil_secret__rules_load_buffer(&r, ctx, &o, (const uint8_t *)y, strlen(y)) ==
		      0);
		scan_text(&f, r, "/a", text, strlen(text), 4096, 0);
		vigil_secret_rules_free(r);
		r = NULL;
		CHECK(has(&f, "acme-key") == 1);
		if (round == 0) {
			/* one cache file was written */
			char cmd[300];
			snprintf(cmd, sizeof(cmd), "ls %s/secret-rules-*.hsdb", dir);
			fp = popen(cmd, "r");
			CHECK(fp && fgets(path, sizeof(path), fp));
			pclose(fp);
			path[strcspn(path, "\n")] = '\0';
		} else if (round == 1) {
			/* damage it: the next load compiles again */
			CHECK((fp = fopen(path, "wb")) != NULL);
			fputs("not a database", fp);
			fclose(fp);
		}
	}
	unlink(path);
	rmdir(dir);
	vigil_ctx_free(ctx);
}

/* URLs with the passwords that documentation uses are not reported; a real one is. */
TEST(test_secret__documentation_urls_are_not_secrets)
{
	vigil_secret_rules *rules = rules_all();
	static const char *const docs[] = {
		"proxy = http://john.doe:p4ssw0rd@127.0.0.1:3128\n",
		"url = https://_json_key_base64:{password}@{location}-python.pkg.dev\n",
		"see http://joe:password@proxy.example.com/ for details\n",
		"db = postgres://app:S3cretPassw0rd@db:5432/app\n",
		"redis://:changeme@cache:6379\n",
		"http://foo:bar@localhost/\n",
		"http://user:passwd\\@host:port/\n",
	};
	const char *real = "db = postgres://app:Zq3X9kLm2Vb7Nc4R@db.internal:5432/app\n";
	found f;
	CHECK(rules);
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(docs); i++) {
		scan_text(&f, rules, "/app/a.conf", docs[i], strlen(docs[i]), 4096, 0);
		if (f.n) {
			printf("  reported %s in %s", f.ids[0], docs[i]);
			CHECK(0);
		}
	}
	scan_text(&f, rules, "/app/a.conf", real, strlen(real), 4096, 0);
	CHECK(has(&f, "postgres-url") == 1);
	CHECK_STR(f.secret[0], "Zq3X9kLm2Vb7Nc4R");
}

/* ---- checksums and structure (issue 18) ---- */

/* Scans one line of text as /app/config.txt and counts the findings of rule `id`. */
static int count_in(const char *id, const char *text)
{
	found f;
	scan_text(&f, rules_all(), "/app/config.txt", text, strlen(text), 4096, 0);
	return has(&f, id);
}

TEST(test_secret__github_and_npm_tokens_need_their_checksum)
{
	static const struct {
		const char *id, *tmpl;
	} T[] = {
		{"github-pat", "ghp_{a:30}{c:6}"},
		{"github-oauth-token", "gho_{a:30}{c:6}"},
		{"github-user-to-server-token", "ghu_{a:30}{c:6}"},
		{"github-server-to-server-token", "ghs_{a:30}{c:6}"},
		{"npm-access-token", "npm_{a:30}{c:6}"},
	};
	vigil_buf b = VIGIL_BUF_INIT;
	char line[128];
	CHECK(rules_all());
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(T); i++) {
		for (int round = 0; round < 20; round++) {
			size_t n;
			fill(&b, T[i].tmpl, 0);
			n = b.len;
			snprintf(line, sizeof(line), "TOKEN=%s\n", (const char *)b.data);
			CHECK(count_in(T[i].id, line) == 1);
			/* one character of the checksum changed */
			line[6 + n - 1 - (size_t)round % 6] ^= (char)(round % 2 ? 0x20 : 0x01);
			if (line[6 + n - 1 - (size_t)round % 6] == '_' ||
			    !((line[6 + n - 1 - (size_t)round % 6] | 0x20) >= 'a' ||
			      line[6 + n - 1 - (size_t)round % 6] >= '0'))
				continue;
			if (count_in(T[i].id, line) != 0)
				printf("  %s: wrong checksum reported: %s", T[i].id, line);
			CHECK(count_in(T[i].id, line) == 0);
			/* the random part changed, the checksum kept */
			snprintf(line, sizeof(line), "TOKEN=%s\n", (const char *)b.data);
			line[6 + 4 + (size_t)round] =
				line[6 + 4 + (size_t)round] == 'Q' ? 'R' : 'Q';
			CHECK(count_in(T[i].id, line) == 0);
		}
	}
	/* 36 random characters: the checksum is right only by chance (1 in 62^6) */
	fill(&b, "ghp_{a:36}", 0);
	snprintf(line, sizeof(line), "%s\n", (const char *)b.data);
	CHECK(count_in("github-pat", line) == 0);
	vigil_buf_free(&b);
}

TEST(test_secret__pypi_and_sentry_tokens_need_their_structure)
{
	vigil_buf b = VIGIL_BUF_INIT, t = VIGIL_BUF_INIT;
	CHECK(rules_all());
	fill(&b, "{P:36}\n", 0);
	CHECK(count_in("pypi-upload-token", (const char *)b.data) == 1);
	/* the prefix with random base64url after it: no macaroon */
	fill(&b, "pypi-AgEIcHlwaS5vcmc{u:120}\n", 0);
	CHECK(count_in("pypi-upload-token", (const char *)b.data) == 0);
	/* a macaroon cut before its signature, and one whose last field is not one */
	fill(&b, "{P:36}", 0);
	b.len -= 30;
	vigil_buf_putc(&b, '\n');
	vigil_buf_cstr(&b);
	CHECK(count_in("pypi-upload-token", (const char *)b.data) == 0);
	fill(&b, "{Q:36}\n", 0);
	CHECK(count_in("pypi-upload-token", (const char *)b.data) == 0);

	fill(&b, "{S:43}\n", 0);
	CHECK(count_in("sentry-auth-token", (const char *)b.data) == 1);
	/* a payload that is not Sentry's JSON */
	fill(&b, "sntrys_eyJ{a:80}_{b:43}\n", 0);
	CHECK(count_in("sentry-auth-token", (const char *)b.data) == 0);
	/* Sentry's payload without a secret after it */
	fill(&b, "{S:0}", 0);
	vigil_buf_cstr(&b);
	t.len = 0;
	for (size_t i = 0; i < b.len; i++)
		vigil_buf_putc(&t, b.data[i]);
	for (const char *c = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"; *c; c++)
		vigil_buf_putc(&t, *c);
	vigil_buf_cstr(&t);
	CHECK(count_in("sentry-auth-token", (const char *)t.data) == 0);
	vigil_buf_free(&b);
	vigil_buf_free(&t);
}

/* Keys of the same provider that other scanners confuse, and published SDK keys. */
TEST(test_secret__look_alike_keys_and_published_sdk_keys)
{
	vigil_buf b = VIGIL_BUF_INIT;
	CHECK(rules_all());
	fill(&b, "k = sk-ant-admin01-{u:93}AA\n", 0);
	CHECK(count_in("anthropic-admin-key", (const char *)b.data) == 1);
	CHECK(count_in("anthropic-api-key", (const char *)b.data) == 0);
	fill(&b, "k = sk-ant-api03-{u:93}AA\n", 0);
	CHECK(count_in("anthropic-api-key", (const char *)b.data) == 1);
	CHECK(count_in("anthropic-admin-key", (const char *)b.data) == 0);
	fill(&b, "CLOUDFLARE_API_KEY=v1.0-{h:24}-{h:146}\n", 0);
	CHECK(count_in("cloudflare-origin-ca-key", (const char *)b.data) == 1);
	CHECK(count_in("cloudflare-api-token", (const char *)b.data) == 0);
	fill(&b, "CLOUDFLARE_API_TOKEN={a:40}\n", 0);
	CHECK(count_in("cloudflare-api-token", (const char *)b.data) == 1);
	CHECK(count_in("cloudflare-origin-ca-key", (const char *)b.data) == 0);
	fill(&b, "{S:43}\n", 0);
	CHECK(count_in("sentry-auth-token", (const char *)b.data) == 1);
	CHECK(count_in("sentry-user-token", (const char *)b.data) == 0);
	fill(&b, "sntryu_{h:64}\n", 0);
	CHECK(count_in("sentry-user-token", (const char *)b.data) == 1);
	CHECK(count_in("sentry-auth-token", (const char *)b.data) == 0);
	/* the keys the rule knows as public (published in Google's SDKs), taken from its own
	 * allowlist "^AIza(?:K1|K2|...)$", so this file holds no key-shaped text */
	const char *allow = NULL;
	for (size_t i = 0; i < vigil_secret__builtin_count; i++)
		if (!strcmp(vigil_secret__builtin[i].id, "gcp-api-key"))
			allow = vigil_secret__builtin[i].allow;
	CHECK(allow && !strncmp(allow, "^AIza(?:", 8));
	int nkeys = 0;
	for (const char *p = allow ? allow + 8 : ""; *p && *p != ')';) {
		size_t n = strcspn(p, "|)");
		char line[128];
		snprintf(line, sizeof(line), "apiKey: 'AIza%.*s'\n", (int)n, p);
		CHECK(count_in("gcp-api-key", line) == 0);
		nkeys++;
		p += n + (p[n] == '|');
	}
	CHECK(nkeys >= 5);
	/* the same shape, another key */
	fill(&b, "apiKey: 'AIzaSy{u:33}'\n", 0);
	CHECK(count_in("gcp-api-key", (const char *)b.data) == 1);
	vigil_buf_free(&b);
}

/* Kubernetes Secret manifests: data: values decoded and scanned, stringData: as is. */
TEST(test_secret__kubernetes_secret_manifests)
{
	vigil_buf tok = VIGIL_BUF_INIT, m = VIGIL_BUF_INIT, pw = VIGIL_BUF_INIT;
	found f;
	const char *path = "/app/deploy/secret.yaml";
	CHECK(rules_all());
	fill(&tok, "ghp_{a:30}{c:6}", 0);
	fill(&pw, "{a:24}", 0);
#define PUTS(buf, s)                                                                               \
	for (const char *c_ = (s); *c_; c_++)                                                      \
	vigil_buf_putc(buf, *c_)
	/* line 7: a GitHub token, base64; line 8: a password; line 9: a certificate's name;
	 * line 10: a placeholder; line 12: stringData with a secret name */
	PUTS(&m, "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n"
		 "  GITHUB_TOKEN: ");
	t_b64(&m, tok.data, tok.len, 0);
	PUTS(&m, "\n  db-password: ");
	t_b64(&m, pw.data, pw.len, 0);
	PUTS(&m, "\n  ca.crt: ");
	t_b64(&m, pw.data, pw.len, 0);
	PUTS(&m, "\n  api-key: ");
	t_b64(&m, (const uint8_t *)"changeme-changeme", 17, 0);
	PUTS(&m, "\nstringData:\n  smtp_password: \"");
	PUTS(&m, (const char *)pw.data);
	PUTS(&m, "\"\n");
	vigil_buf_cstr(&m);
	scan_text(&f, rules_all(), path, (const char *)m.data, m.len, 4096, 0);
	CHECK(has(&f, "github-pat") == 1);
	CHECK(has(&f, "kubernetes-secret-data") == 2);
	for (int i = 0; i < f.n; i++) {
		if (!strcmp(f.ids[i], "github-pat"))
			CHECK(f.line[i] == 8 && !strcmp(f.secret[i], (const char *)tok.data));
		if (!strcmp(f.ids[i], "kubernetes-secret-data"))
			CHECK((f.line[i] == 9 || f.line[i] == 13) &&
			      !strcmp(f.secret[i], (const char *)pw.data));
	}
	/* the same block in a ConfigMap is not decoded */
	m.len = 0;
	PUTS(&m, "apiVersion: v1\nkind: ConfigMap\ndata:\n  GITHUB_TOKEN: ");
	t_b64(&m, tok.data, tok.len, 0);
	PUTS(&m, "\n  db-password: ");
	t_b64(&m, pw.data, pw.len, 0);
	PUTS(&m, "\n");
	vigil_buf_cstr(&m);
	scan_text(&f, rules_all(), path, (const char *)m.data, m.len, 4096, 0);
	CHECK(has(&f, "github-pat") == 0 && has(&f, "kubernetes-secret-data") == 0);
	/* a Secret in a List, a value folded over lines (block scalar), kind after data */
	m.len = 0;
	PUTS(&m, "apiVersion: v1\nitems:\n- apiVersion: v1\n  data:\n    token: |\n      ");
	{
		size_t at = m.len;
		t_b64(&m, tok.data, tok.len, 0);
		vigil_buf_putc(&m, '\n');
		/* split the base64 after 20 characters */
		memmove(m.data + at + 27, m.data + at + 20, m.len - at - 20);
		memcpy(m.data + at + 20, "\n      ", 7);
		m.len += 7;
	}
	PUTS(&m, "  kind: Secret\nkind: List\n");
	vigil_buf_cstr(&m);
	scan_text(&f, rules_all(), path, (const char *)m.data, m.len, 4096, 0);
	CHECK(has(&f, "github-pat") == 1 && has(&f, "kubernetes-secret-data") == 0);
	for (int i = 0; i < f.n; i++)
		if (!strcmp(f.ids[i], "github-pat"))
			CHECK(f.line[i] == 5);
#undef PUTS
	vigil_buf_free(&tok);
	vigil_buf_free(&m);
	vigil_buf_free(&pw);
}

/* Issue 18, item by item (docsamples.h): every provider, token type, shape and false
 * positive the issue names, in every shape it can be leaked in (a plain file, a .env
 * file, a YAML string, a JSON string, a line of source code, a shell history line): the
 * positive is found by its rule (and not by its look-alike), the near miss in none. */
TEST(test_secret__issue18_every_named_item_in_every_shape)
{
	static const char *const names[] = {"plain", "yaml", "json", "source", "history", ".env"};
	vigil_secret_rules *rules = rules_all();
	vigil_buf b = VIGIL_BUF_INIT, w = VIGIL_BUF_INIT;
	found f;
	int bad = 0, tried = 0, items = 0;
	CHECK(rules);
	for (size_t k = 0; k < VIGIL_ARRAY_LEN(DOCSAMPLES); k++) {
		const docsample *d = &DOCSAMPLES[k];
		unsigned shapes = d->shapes ? d->shapes : SH_ALL;
		items++;
		if (shapes & SH_PATH) {
			/* a sensitive file by its path */
			const vigil_secret__pathrule *pr = vigil_secret__path_rule(d->pos);
			const vigil_secret__pathrule *nr = vigil_secret__path_rule(d->neg);
			tried += 2;
			if (!pr || strcmp(pr->id, d->id) != 0 || nr) {
				printf("  %s: path %s -> %s, %s -> %s\n", d->name, d->pos,
				       pr ? pr->id : "-", d->neg, nr ? nr->id : "-");
				bad = 1;
			}
			continue;
		}
		for (int kind = 0; kind < 6; kind++) {
			static const unsigned bit[] = {SH_PLAIN,  SH_YAML,    SH_JSON,
						       SH_SOURCE, SH_HISTORY, SH_ENV};
			if (!(shapes & bit[kind]))
				continue;
			for (int neg = 0; neg < 2; neg++) {
				const char *path = d->path     ? d->path
						   : kind == 5 ? "/app/.env"
							       : "/app/config.txt";
				if (neg && !d->neg)
					continue;
				fill(&b, neg ? d->neg : d->pos, 0);
				vigil_buf_putc(&b, '\n');
				vigil_buf_cstr(&b);
				shape(&w, &b, kind == 5 ? 0 : kind);
				scan_text(&f, rules, path, (const char *)w.data, w.len, 4096, 0);
				tried++;
				if (!neg && d->id && has(&f, d->id) < 1) {
					printf("  %s (%s): not found as %s: %s\n", d->name, d->id,
					       names[kind], (const char *)w.data);
					bad = 1;
				}
				if (!neg && d->not_id && has(&f, d->not_id) > 0) {
					printf("  %s: reported as %s too, as %s: %s\n", d->name,
					       d->not_id, names[kind], (const char *)w.data);
					bad = 1;
				}
				if (neg && d->id && has(&f, d->id) > 0) {
					printf("  %s (%s): near miss reported as %s: %s\n", d->name,
					       d->id, names[kind], (const char *)w.data);
					bad = 1;
				}
			}
		}
	}
	vigil_buf_free(&b);
	vigil_buf_free(&w);
	printf("  %d named items, %d scans\n", items, tried);
	CHECK(items >= 140);
	CHECK(tried >= 1500);
	CHECK(!bad);
}

/* A Secret manifest whose data: block goes on past the scan's 256 KiB buffer: every value
 * is still read. `pad` bytes of comments come first, so that the block starts `pad`
 * bytes into the file; `kind_after` writes the kind after the block, as kubectl does. */
static void k8s_big_manifest(vigil_buf *m, size_t pad, int kind_after, const vigil_buf *key,
			     const vigil_buf *tok, int *key_line, int *tok_line)
{
	int line = 1;
	while (m->len + 80 < pad) {
		for (int i = 0; i < 78; i++)
			vigil_buf_putc(m, i == 0 ? '#' : 'x');
		vigil_buf_putc(m, '\n');
		line++;
	}
	for (const char *c = kind_after ? "---\napiVersion: v1\ndata:\n"
					: "---\napiVersion: v1\nkind: Secret\ndata:\n";
	     *c; c++) {
		vigil_buf_putc(m, *c);
		line += *c == '\n';
	}
	/* ten unremarkable entries, then the key, then a token */
	for (int i = 0; i < 10; i++) {
		const char *e = "  ca.crt: TUlJQ2FEQ0NBZFdnQXdJQkFnSUpBTTNvY2VydGlmaWNhdGU=\n";
		for (const char *c = e; *c; c++)
			vigil_buf_putc(m, *c);
		line++;
	}
	*key_line = line;
	for (const char *c = "  tls.key: "; *c; c++)
		vigil_buf_putc(m, *c);
	t_b64(m, key->data, key->len, 0);
	vigil_buf_putc(m, '\n');
	line++;
	*tok_line = line;
	for (const char *c = "  GITHUB_TOKEN: "; *c; c++)
		vigil_buf_putc(m, *c);
	t_b64(m, tok->data, tok->len, 0);
	for (const char *c = kind_after ? "\nkind: Secret\nmetadata:\n  name: big\n"
					: "\nmetadata:\n  name: big\n";
	     *c; c++)
		vigil_buf_putc(m, *c);
	vigil_buf_cstr(m);
}

TEST(test_secret__kubernetes_secret_blocks_past_the_buffer)
{
	vigil_buf key = VIGIL_BUF_INIT, tok = VIGIL_BUF_INIT, m = VIGIL_BUF_INIT,
		  big = VIGIL_BUF_INIT;
	const char *path = "/app/deploy/secret.yaml";
	static const size_t pads[] = {0, 200 * 1024, 256 * 1024 - 3000, 256 * 1024 - 600,
				      512 * 1024 - 2600};
	static const size_t chunks[] = {4096, 1 << 20};
	found f;
	int kl, tl;
	CHECK(rules_all());
	/* the size of a 4096-bit RSA key in PEM: 3,243 bytes */
	/* the PEM armour is put together here; the body below is random for this run */
	fill(&key, "-----BEGIN RSA PRIVATE", 0);
	vigil_buf_put(&key, " KEY-----\n", 10);
	for (int i = 0; i < 50; i++) {
		fill(&big, "{b:64}\n", 0);
		vigil_buf_put(&key, big.data, big.len);
	}
	fill(&big, "{b:32}\n-----END RSA PRIVATE", 0);
	vigil_buf_put(&key, big.data, big.len);
	fill(&big, " KEY-----\n", 0);
	vigil_buf_put(&key, big.data, big.len);
	fill(&tok, "ghp_{a:30}{c:6}", 0);
	CHECK(key.len > 3200);
	for (size_t p = 0; p < VIGIL_ARRAY_LEN(pads); p++)
		for (int after = 0; after < 2; after++)
			for (size_t c = 0; c < VIGIL_ARRAY_LEN(chunks); c++) {
				m.len = 0;
				k8s_big_manifest(&m, pads[p], after, &key, &tok, &kl, &tl);
				scan_text(&f, rules_all(), path, (const char *)m.data, m.len,
					  chunks[c], 0);
				if (has(&f, "private-key-rsa") != 1 || has(&f, "github-pat") != 1)
					printf("  pad %zu, kind %s, chunk %zu: %d keys, %d "
					       "tokens\n",
					       pads[p], after ? "after" : "before", chunks[c],
					       has(&f, "private-key-rsa"), has(&f, "github-pat"));
				CHECK(has(&f, "private-key-rsa") == 1 &&
				      has(&f, "github-pat") == 1);
				for (int i = 0; i < f.n; i++) {
					if (!strcmp(f.ids[i], "private-key-rsa"))
						CHECK(f.line[i] == kl);
					if (!strcmp(f.ids[i], "github-pat"))
						CHECK(f.line[i] == tl &&
						      !strcmp(f.secret[i], (const char *)tok.data));
				}
			}
	/* the same block in a ConfigMap is not decoded */
	m.len = 0;
	k8s_big_manifest(&m, 256 * 1024 - 3000, 0, &key, &tok, &kl, &tl);
	{
		char *k = strstr((char *)m.data, "kind: Secret");
		CHECK(k != NULL);
		if (k)
			memcpy(k, "kind: Config", 12);
	}
	scan_text(&f, rules_all(), path, (const char *)m.data, m.len, 4096, 0);
	CHECK(has(&f, "private-key-rsa") == 0 && has(&f, "github-pat") == 0);
	/* one value of 900 KiB (a large .dockerconfigjson) with a token at its end, on
	 * the value's line; past 1 MiB decoded, a value is not decoded further */
	for (int over = 0; over < 2; over++) {
		size_t body = over ? 1100 * 1024 : 900 * 1024;
		big.len = 0;
		for (const char *c = "{\"auths\":{\"r.example.org\":{\"note\":\""; *c; c++)
			vigil_buf_putc(&big, *c);
		while (big.len < body)
			vigil_buf_putc(&big, (char)('a' + big.len % 26));
		vigil_buf_putc(&big, ' ');
		vigil_buf_put(&big, tok.data, tok.len);
		for (const char *c = "\"}}}"; *c; c++)
			vigil_buf_putc(&big, *c);
		m.len = 0;
		for (const char *c = "apiVersion: v1\nkind: Secret\ndata:\n  .dockerconfigjson: ";
		     *c; c++)
			vigil_buf_putc(&m, *c);
		t_b64(&m, big.data, big.len, 0);
		vigil_buf_putc(&m, '\n');
		vigil_buf_cstr(&m);
		scan_text(&f, rules_all(), path, (const char *)m.data, m.len, 65536, 0);
		CHECK(has(&f, "github-pat") == (over ? 0 : 1));
		for (int i = 0; i < f.n; i++)
			if (!strcmp(f.ids[i], "github-pat"))
				CHECK(f.line[i] == 4);
	}
	vigil_buf_free(&key);
	vigil_buf_free(&tok);
	vigil_buf_free(&m);
	vigil_buf_free(&big);
}
