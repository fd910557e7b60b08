/* Digests, size parsing and the JSON writer. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util.h"

struct vigil_sha256 {
	EVP_MD_CTX *md;
};

int vigil_sha256_new(vigil_sha256 **out)
{
	vigil_sha256 *h = calloc(1, sizeof(*h));
	*out = NULL;
	if (!h)
		return VIGIL_ENOMEM;
	if (!(h->md = EVP_MD_CTX_new()) || EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1) {
		vigil_sha256_free(h);
		return VIGIL_ENOMEM;
	}
	*out = h;
	return 0;
}

void vigil_sha256_update(vigil_sha256 *h, const void *p, size_t n)
{
	EVP_DigestUpdate(h->md, p, n);
}

void vigil_sha256_final(vigil_sha256 *h, char out[72])
{
	unsigned char md[32];
	unsigned int n = 0;
	static const char hex[] = "0123456789abcdef";
	EVP_DigestFinal_ex(h->md, md, &n);
	memcpy(out, "sha256:", 7);
	for (int i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 15];
	}
	out[71] = '\0';
}

void vigil_sha256_free(vigil_sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->md);
	free(h);
}

int vigil_sha256_buf(char out[72], const void *p, size_t n)
{
	vigil_sha256 *h;
	int error = vigil_sha256_new(&h);
	if (error < 0)
		return error;
	vigil_sha256_update(h, p, n);
	vigil_sha256_final(h, out);
	vigil_sha256_free(h);
	return 0;
}

bool vigil_digest_is_sha256(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) != 0)
		return false;
	for (int i = 0; i < 64; i++) {
		char c = d[7 + i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return d[71] == '\0';
}

int vigil_parse_uint(uint64_t *out, const char *s, uint64_t max)
{
	uint64_t v = 0;
	if (!s || !*s)
		return VIGIL_EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return VIGIL_EINVAL;
		unsigned d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return VIGIL_EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int vigil_parse_size(uint64_t *out, const char *s)
{
	char num[32];
	size_t n = s ? strlen(s) : 0;
	unsigned shift = 0;
	if (n == 0 || n >= sizeof(num))
		return VIGIL_EINVAL;
	memcpy(num, s, n + 1);
	char last = (char)toupper((unsigned char)num[n - 1]);
	if (last == 'B' && n > 1) { /* "10MB", "10KiB" style */
		num[--n] = '\0';
		if (n > 1 && num[n - 1] == 'i')
			num[--n] = '\0';
		last = (char)toupper((unsigned char)num[n - 1]);
	}
	switch (last) {
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	default:
		break;
	}
	if (shift)
		num[--n] = '\0';
	uint64_t v;
	if (vigil_parse_uint(&v, num, UINT64_MAX >> shift) < 0)
		return VIGIL_EINVAL;
	*out = v << shift;
	return 0;
}

const char *vigil_human_size(char *buf, size_t n, uint64_t bytes)
{
	static const char *units[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)bytes;
	unsigned u = 0;
	while (v >= 1000 && u + 1 < VIGIL_ARRAY_LEN(units)) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, n, "%.1f %s", v, units[u]);
	return buf;
}

/* ---- JSON writer ---- */

/* Writes str JSON-escaped. Runs of characters that need no escaping (printable ASCII but
 * '"' and '\\', and valid UTF-8) go out in one fwrite: a locked stdio call per character
 * was 12% of a cached image scan in `vigil serve` (BENCHMARKS.md, issue 13). */
void vigil_json_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str, *run = s;
	while (*s) {
		unsigned c = *s, cp;
		size_t n;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			s++;
			continue;
		}
		if (c >= 0x80 && (n = vigil_utf8_decode(s, &cp)) != 0) {
			s += n;
			continue;
		}
		if (s > run)
			fwrite(run, 1, (size_t)(s - run), f);
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc((int)c, f);
		} else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else /* not UTF-8 */
			fputs("\xef\xbf\xbd", f);
		s++;
		run = s;
	}
	if (s > run)
		fwrite(run, 1, (size_t)(s - run), f);
}

void vigil_jsonw_init(vigil_jsonw *w, FILE *f, int pretty)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->pretty = pretty;
}

static void jw_indent(vigil_jsonw *w)
{
	if (w->depth > w->pretty)
		return;
	fputc('\n', w->f);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

/* Emits the separator before a value. */
static void jw_value(vigil_jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth])
			fputc(',', w->f);
		w->need_comma[w->depth] = true;
		jw_indent(w);
	}
}

static void jw_open(vigil_jsonw *w, char c)
{
	jw_value(w);
	fputc(c, w->f);
	if (w->depth + 1 < (int)VIGIL_ARRAY_LEN(w->need_comma))
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void jw_close(vigil_jsonw *w, char c)
{
	/* the members were indented when their depth was within `pretty` */
	bool indent = w->need_comma[w->depth] && w->depth <= w->pretty;
	if (w->depth > 0)
		w->depth--;
	if (indent)
		jw_indent(w);
	fputc(c, w->f);
}

void vigil_jsonw_obj_begin(vigil_jsonw *w)
{
	jw_open(w, '{');
}
void vigil_jsonw_obj_end(vigil_jsonw *w)
{
	jw_close(w, '}');
}
void vigil_jsonw_arr_begin(vigil_jsonw *w)
{
	jw_open(w, '[');
}
void vigil_jsonw_arr_end(vigil_jsonw *w)
{
	jw_close(w, ']');
}

void vigil_jsonw_key(vigil_jsonw *w, const char *k)
{
	jw_value(w);
	fputc('"', w->f);
	vigil_json_escape(w->f, k);
	fputs(w->depth <= w->pretty ? "\": " : "\":", w->f);
	w->after_key = true;
}

void vigil_jsonw_str(vigil_jsonw *w, const char *s)
{
	if (!s) {
		vigil_jsonw_null(w);
		return;
	}
	jw_value(w);
	fputc('"', w->f);
	vigil_json_escape(w->f, s);
	fputc('"', w->f);
}

void vigil_jsonw_int(vigil_jsonw *w, int64_t v)
{
	jw_value(w);
	fprintf(w->f, "%" PRId64, v);
}

void vigil_jsonw_fixed1(vigil_jsonw *w, double v)
{
	jw_value(w);
	fprintf(w->f, "%.1f", v != v ? 0.0 : v); /* NaN is not JSON */
}

void vigil_jsonw_fixed5(vigil_jsonw *w, double v)
{
	jw_value(w);
	fprintf(w->f, "%.5f", v != v ? 0.0 : v);
}

void vigil_jsonw_uint(vigil_jsonw *w, uint64_t v)
{
	jw_value(w);
	fprintf(w->f, "%" PRIu64, v);
}

void vigil_jsonw_bool(vigil_jsonw *w, bool v)
{
	jw_value(w);
	fputs(v ? "true" : "false", w->f);
}

void vigil_jsonw_null(vigil_jsonw *w)
{
	jw_value(w);
	fputs("null", w->f);
}

void vigil_jsonw_end(vigil_jsonw *w)
{
	fputc('\n', w->f);
}

void vigil_pep503_name(char *out, size_t n, const char *name)
{
	size_t o = 0;
	if (!n)
		return;
	for (const char *p = name; *p && o + 1 < n; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			if (o == 0 || out[o - 1] != '-')
				out[o++] = '-';
		} else {
			out[o++] = (char)tolower((unsigned char)*p);
		}
	}
	out[o] = '\0';
}
