/*
 * Ruby gems: the specifications/<name>-<version>.gemspec that RubyGems writes for each
 * installed gem. It is Ruby source; it is read statically, never evaluated: inside
 * `Gem::Specification.new do |s|`, the lines `s.name = "x".freeze`, `s.version =
 * "1.2"` (or `Gem::Version.new("1.2")`), `s.license = "MIT"` and `s.licenses = [...]`
 * give the package. Values that need evaluating (interpolation, variables) are not
 * guessed: a gemspec without a literal name and version is skipped.
 */
#include <string.h>

#include "catalog.h"

#define GEMSPEC_MAX (4u << 20)
#define MAX_LICENSES 16
#define IDENT_MAX 64

typedef struct cursor {
	const char *p, *end;
} cursor;

/* Moves past spaces and tabs (the cursor never crosses a line). */
static void skip_ws(cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* Consumes `lit` when the cursor is at it. */
static int eat(cursor *c, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

/* Whether ch may appear in a Ruby identifier (ASCII only). */
static int is_ident(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* The value of a hex digit, or -1. */
static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Writes code point cp as UTF-8 to w (at most 4 bytes); returns the bytes written, or 0
 * for a code point that is not a character. */
static size_t put_utf8(char *w, unsigned long cp)
{
	if (cp < 0x80) {
		w[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		w[0] = (char)(0xC0 | (cp >> 6));
		w[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		w[0] = (char)(0xE0 | (cp >> 12));
		w[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		w[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp <= 0x10FFFF) {
		w[0] = (char)(0xF0 | (cp >> 18));
		w[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		w[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		w[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

/* Decodes the escape after a backslash of a double-quoted string (c->p is past the
 * backslash) into w; returns the bytes written, or -1 for one that is not understood.
 * No escape writes more bytes than it spans, so the output fits the input's size. */
static int escape(cursor *c, char *w)
{
	if (c->p >= c->end)
		return -1;
	char ch = *c->p++;
	switch (ch) {
	case 'n':
		*w = '\n';
		return 1;
	case 't':
		*w = '\t';
		return 1;
	case 's':
		*w = ' ';
		return 1;
	case 'u': {
		unsigned long cp = 0;
		int braces = c->p < c->end && *c->p == '{', digits = 0;
		if (braces)
			c->p++;
		while (c->p < c->end && hexval(*c->p) >= 0 && digits < (braces ? 6 : 4)) {
			cp = cp * 16 + (unsigned long)hexval(*c->p++);
			digits++;
		}
		if (braces && !eat(c, "}"))
			return -1;
		if ((!braces && digits != 4) || digits == 0)
			return -1;
		size_t n = cp ? put_utf8(w, cp) : 0;
		return n ? (int)n : -1;
	}
	case 'x': {
		int hi = c->p < c->end ? hexval(*c->p) : -1;
		if (hi < 0)
			return -1;
		c->p++;
		int lo = c->p < c->end ? hexval(*c->p) : -1;
		if (lo >= 0) {
			c->p++;
			hi = hi * 16 + lo;
		}
		*w = (char)hi;
		return hi ? 1 : -1; /* a NUL would cut the string short */
	}
	default:
		if (is_ident(ch))
			return -1; /* \0, \e, \C-x and friends: not in a name or version */
		*w = ch;	   /* \" \\ \# \' and other punctuation stand for themselves */
		return 1;
	}
}

/* Reads a Ruby string literal at the cursor ("...", '...', %q(...), %Q(...), %(...))
 * and an optional `.freeze`, decoded into out (which has room for the rest of the
 * cursor's bytes). Returns the bytes written, or -1 when the cursor is not at a
 * literal this reader understands. */
static int string_lit(cursor *c, char *out)
{
	char open, close;
	int interp = 1, backslash_all = 1;
	if (c->p >= c->end)
		return -1;
	if (*c->p == '"' || *c->p == '\'') {
		open = close = *c->p++;
		interp = backslash_all = open == '"';
	} else if (*c->p == '%' && c->end - c->p >= 2) {
		c->p++;
		if (*c->p == 'q' || *c->p == 'Q') {
			interp = backslash_all = *c->p == 'Q';
			c->p++;
		}
		if (c->p >= c->end)
			return -1;
		open = *c->p++;
		switch (open) {
		case '(':
			close = ')';
			break;
		case '[':
			close = ']';
			break;
		case '{':
			close = '}';
			break;
		case '<':
			close = '>';
			break;
		default:
			if (is_ident(open) || open == ' ' || open == '\t')
				return -1;
			close = open;
		}
	} else {
		return -1;
	}
	size_t n = 0;
	int depth = 0;
	for (;;) {
		if (c->p >= c->end || n > INT32_MAX - 8)
			return -1; /* unterminated */
		char ch = *c->p++;
		if (ch == close && depth == 0)
			break;
		if (open != close && ch == open)
			depth++;
		else if (open != close && ch == close)
			depth--;
		if (ch == '#' && interp && c->p < c->end &&
		    (*c->p == '{' || *c->p == '@' || *c->p == '$'))
			return -1; /* interpolation: needs evaluating */
		if (ch == '\\' && backslash_all) {
			int k = escape(c, out + n);
			if (k < 0)
				return -1;
			n += (size_t)k;
		} else if (ch == '\\') {
			/* single quotes and %q: only \\ and an escaped delimiter */
			if (c->p < c->end && (*c->p == '\\' || *c->p == close || *c->p == open))
				ch = *c->p++;
			out[n++] = ch;
		} else {
			out[n++] = ch;
		}
	}
	eat(c, ".freeze");
	return (int)n;
}

/* The value of `s.version =`: a literal, or Gem::Version.new(<literal>). */
static int version_lit(cursor *c, char *out)
{
	if (eat(c, "Gem::Version.new")) {
		skip_ws(c);
		if (!eat(c, "("))
			return -1;
		skip_ws(c);
		int n = string_lit(c, out);
		skip_ws(c);
		return n >= 0 && eat(c, ")") ? n : -1;
	}
	return string_lit(c, out);
}

/* The value of `s.licenses =`: a literal or an array of literals, joined with ", ".
 * The joined text is no longer than the array literal it came from: each ", " stands
 * where at least a closing quote and a comma were. */
static int licenses_lit(cursor *c, char *out)
{
	size_t n = 0;
	if (!eat(c, "["))
		return string_lit(c, out);
	for (int k = 0; k < MAX_LICENSES; k++) {
		skip_ws(c);
		if (eat(c, "]"))
			break;
		size_t sep = n ? 2 : 0;
		int l = string_lit(c, out + n + sep);
		if (l < 0)
			return -1;
		if (l > 0) {
			if (sep)
				memcpy(out + n, ", ", 2);
			n += sep + (size_t)l;
		}
		skip_ws(c);
		if (!eat(c, ",")) {
			skip_ws(c);
			if (!eat(c, "]"))
				return -1;
			break;
		}
	}
	return (int)n;
}

/* Finds `Gem::Specification.new do |var|` (or `{ |var|`) and copies var into `var`;
 * returns the cursor position after it, or NULL when there is none. */
static const char *spec_block(const uint8_t *data, size_t len, char var[IDENT_MAX])
{
	static const char marker[] = "Gem::Specification.new";
	const char *p = (const char *)data, *end = p + len;
	while (p < end) {
		const char *m = memmem(p, (size_t)(end - p), marker, sizeof(marker) - 1);
		if (!m)
			return NULL;
		cursor c = {m + sizeof(marker) - 1, end};
		p = c.p;
		skip_ws(&c);
		if (!eat(&c, "do") && !eat(&c, "{"))
			continue;
		skip_ws(&c);
		if (!eat(&c, "|"))
			continue;
		skip_ws(&c);
		size_t n = 0;
		while (c.p < c.end && is_ident(*c.p) && n < IDENT_MAX - 1)
			var[n++] = *c.p++;
		var[n] = '\0';
		skip_ws(&c);
		if (n && eat(&c, "|"))
			return c.p;
	}
	return NULL;
}

enum { A_NAME, A_VERSION, A_LICENSE, A_LICENSES, A_COUNT };

/* One gemspec, one gem. */
static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	static const char *const attrs[A_COUNT] = {"name", "version", "license", "licenses"};
	char var[IDENT_MAX], *val[A_COUNT] = {NULL};
	int error = 0;
	(void)f;
	const char *p = spec_block(data, len, var), *end = (const char *)data + len;
	if (!p) {
		vigil_catalog__skipped(r, "gemspec without a Gem::Specification block");
		return 0;
	}
	size_t vl = strlen(var);
	while (p < end && error == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		cursor c = {p, nl ? nl : end};
		p = nl ? nl + 1 : end;
		skip_ws(&c);
		if ((size_t)(c.end - c.p) <= vl || memcmp(c.p, var, vl) != 0 || c.p[vl] != '.')
			continue;
		c.p += vl + 1;
		for (int a = A_COUNT - 1; a >= 0; a--) {
			if (val[a] || !eat(&c, attrs[a]))
				continue;
			skip_ws(&c);
			if (!eat(&c, "=") || (c.p < c.end && (*c.p == '=' || *c.p == '~'))) {
				c.p = c.end;
				break;
			}
			skip_ws(&c);
			char *out = vigil_catalog__alloc(r, (size_t)(c.end - c.p) + 1);
			if (!out) {
				error = VIGIL_ENOMEM;
				break;
			}
			int n = a == A_VERSION	  ? version_lit(&c, out)
				: a == A_LICENSES ? licenses_lit(&c, out)
						  : string_lit(&c, out);
			if (n >= 0) {
				out[n] = '\0';
				val[a] = out;
			}
			break;
		}
	}
	if (error < 0)
		return error;
	if (!val[A_NAME] || !*val[A_NAME] || !val[A_VERSION] || !*val[A_VERSION]) {
		vigil_catalog__skipped(r, "gemspec without a literal name or version");
		return 0;
	}
	vigil_pkg_in pk;
	memset(&pk, 0, sizeof(pk));
	pk.type = "gem";
	pk.name = val[A_NAME];
	pk.version = val[A_VERSION];
	pk.license = val[A_LICENSES] ? val[A_LICENSES] : val[A_LICENSE];
	return vigil_catalog__add(r, &pk);
}

/* <gem home>/specifications/<name>.gemspec, and .../specifications/default/<name>.gemspec
 * (the gems that ship with Ruby), in any gem home (/usr/local/bundle,
 * /usr/lib/ruby/gems/X, /usr/share/rubygems-integration/all, ...). */
static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	static const char dir[] = "/specifications/", dflt[] = "/specifications/default/";
	const char *base = vigil_catalog__base(f->path);
	size_t at = (size_t)(base - f->path), k = sizeof(dir) - 1, kd = sizeof(dflt) - 1;
	(void)head, (void)len;
	if (!vigil_catalog__has_suffix(base, ".gemspec") || strlen(base) <= 8)
		return VIGIL_WANT_NO;
	if ((at >= k && memcmp(base - k, dir, k) == 0) ||
	    (at >= kd && memcmp(base - kd, dflt, kd) == 0))
		return VIGIL_WANT_YES;
	return VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_gem = {"gem", 0, want, parse, GEMSPEC_MAX};
