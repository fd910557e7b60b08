/*
 * A small, bounded TOML parser for the subset RustSec advisories use in their front
 * matter: [table] and [dotted.table] headers, [[array.of.tables]], bare, quoted and
 * dotted keys, basic and literal strings (single and multi-line), integers, floats,
 * booleans, dates and times (kept as strings), arrays and inline tables. The result is
 * a JSON object. Anything else is an error; nesting depth and value count are capped.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"

#define TOML_MAX_DEPTH 32
#define TOML_MAX_VALUES 100000

typedef struct {
	const char *p, *end;
	const char *why;
	size_t values;
} cursor;

static int fail(cursor *c, const char *why)
{
	if (!c->why)
		c->why = why;
	return -1;
}

/* Skips blanks and, when `newlines`, line breaks and comments too. */
static void skip_ws(cursor *c, int newlines)
{
	while (c->p < c->end) {
		char ch = *c->p;
		if (ch == ' ' || ch == '\t')
			c->p++;
		else if (newlines && (ch == '\n' || ch == '\r'))
			c->p++;
		else if (newlines && ch == '#')
			while (c->p < c->end && *c->p != '\n')
				c->p++;
		else
			break;
	}
}

/* After a value or header: blanks, an optional comment, then end of line or input. */
static int end_of_line(cursor *c)
{
	skip_ws(c, 0);
	if (c->p < c->end && *c->p == '#')
		while (c->p < c->end && *c->p != '\n')
			c->p++;
	if (c->p < c->end && *c->p == '\r')
		c->p++;
	if (c->p < c->end && *c->p != '\n')
		return fail(c, "unexpected text after a value");
	if (c->p < c->end)
		c->p++;
	return 0;
}

static int put_utf8(vigil_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return vigil_buf_put(b, u, n);
}

/* A string of any of the four kinds, at c->p (a quote). The text goes into `out`. */
static int string(cursor *c, vigil_buf *out)
{
	char q = *c->p;
	int multi = c->end - c->p >= 3 && c->p[1] == q && c->p[2] == q;
	out->len = 0;
	c->p += multi ? 3 : 1;
	if (multi && c->p < c->end && *c->p == '\n')
		c->p++; /* a newline right after the opening quotes is trimmed */
	else if (multi && c->end - c->p >= 2 && c->p[0] == '\r' && c->p[1] == '\n')
		c->p += 2;
	for (;;) {
		if (c->p >= c->end)
			return fail(c, "unterminated string");
		char ch = *c->p;
		if (ch == q && (!multi || (c->end - c->p >= 3 && c->p[1] == q && c->p[2] == q))) {
			c->p += multi ? 3 : 1;
			/* up to two more quotes right before the closing ones belong to the text */
			for (int extra = 0; multi && extra < 2 && c->p < c->end && *c->p == q;
			     extra++) {
				if (vigil_buf_putc(out, q) < 0)
					return fail(c, "out of memory");
				c->p++;
			}
			break;
		}
		if (!multi && (ch == '\n' || ch == '\r'))
			return fail(c, "newline in a string");
		if (q == '"' && ch == '\\') {
			if (++c->p >= c->end)
				return fail(c, "unterminated escape");
			char e = *c->p++;
			const char *simple = strchr("btnfr\"\\", e);
			static const char to[] = "\b\t\n\f\r\"\\";
			if (e && simple) {
				if (vigil_buf_putc(out, to[simple - "btnfr\"\\"]) < 0)
					return fail(c, "out of memory");
			} else if (e == 'u' || e == 'U') {
				int n = e == 'u' ? 4 : 8;
				unsigned long cp = 0;
				for (int i = 0; i < n; i++, c->p++) {
					if (c->p >= c->end || !isxdigit((unsigned char)*c->p))
						return fail(c, "bad unicode escape");
					int d = *c->p;
					cp = cp * 16 +
					     (unsigned long)(isdigit(d) ? d - '0'
									: (tolower(d) - 'a' + 10));
				}
				if (put_utf8(out, cp) < 0)
					return fail(c, "bad unicode escape");
			} else if (multi && (e == ' ' || e == '\t' || e == '\n' || e == '\r')) {
				/* line-ending backslash: drop the newline and following blanks */
				c->p--;
				while (c->p < c->end && isspace((unsigned char)*c->p))
					c->p++;
			} else {
				return fail(c, "bad escape");
			}
			continue;
		}
		if (vigil_buf_putc(out, ch) < 0)
			return fail(c, "out of memory");
		c->p++;
	}
	if (vigil_buf_cstr(out) < 0)
		return fail(c, "out of memory");
	return 0;
}

/* A key part: bare (A-Za-z0-9_-) or quoted. */
static int key_part(cursor *c, vigil_buf *out)
{
	skip_ws(c, 0);
	if (c->p < c->end && (*c->p == '"' || *c->p == '\'')) {
		if (string(c, out) < 0)
			return -1;
		skip_ws(c, 0);
		return out->len ? 0 : fail(c, "empty key");
	}
	out->len = 0;
	while (c->p < c->end && (isalnum((unsigned char)*c->p) || *c->p == '_' || *c->p == '-'))
		if (vigil_buf_putc(out, *c->p++) < 0)
			return fail(c, "out of memory");
	if (out->len == 0)
		return fail(c, "expected a key");
	if (vigil_buf_cstr(out) < 0)
		return fail(c, "out of memory");
	skip_ws(c, 0);
	return 0;
}

/* The object at `name` inside `obj`, created when missing. */
static json_t *sub_table(cursor *c, json_t *obj, const char *name)
{
	json_t *t = json_object_get(obj, name);
	if (json_is_array(t)) /* [[x]] then [x.y]: the last element */
		t = json_array_get(t, json_array_size(t) - 1);
	if (!t) {
		t = json_object();
		if (!t || json_object_set_new(obj, name, t) < 0) {
			fail(c, "out of memory or bad key");
			return NULL;
		}
	}
	if (!json_is_object(t)) {
		fail(c, "key is not a table");
		return NULL;
	}
	return t;
}

static json_t *value(cursor *c, int depth);

/* Parses `key.part = value` into obj (dotted keys make sub-tables). */
static int key_value(cursor *c, json_t *obj, int depth)
{
	vigil_buf k = VIGIL_BUF_INIT;
	int error = -1;
	for (;;) {
		if (key_part(c, &k) < 0)
			goto done;
		if (c->p < c->end && *c->p == '.') {
			c->p++;
			if (!(obj = sub_table(c, obj, (const char *)k.data)))
				goto done;
			continue;
		}
		break;
	}
	if (c->p >= c->end || *c->p != '=') {
		fail(c, "expected '='");
		goto done;
	}
	c->p++;
	skip_ws(c, 0);
	if (json_object_get(obj, (const char *)k.data)) {
		fail(c, "duplicate key");
		goto done;
	}
	json_t *v = value(c, depth + 1);
	if (!v)
		goto done;
	if (json_object_set_new(obj, (const char *)k.data, v) < 0) {
		fail(c, "bad key");
		goto done;
	}
	error = 0;
done:
	vigil_buf_free(&k);
	return error;
}

/* A scalar that is not a string: boolean, number, date or time, up to a delimiter. */
static json_t *bare(cursor *c)
{
	const char *s = c->p;
	while (c->p < c->end && !strchr(",]}#\n\r", *c->p))
		c->p++;
	const char *e = c->p;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	size_t n = (size_t)(e - s);
	if (n == 4 && strncmp(s, "true", 4) == 0)
		return json_true();
	if (n == 5 && strncmp(s, "false", 5) == 0)
		return json_false();
	if (n == 0 || n > 64) {
		fail(c, "bad value");
		return NULL;
	}
	int digits = 1;
	for (size_t i = 0; i < n; i++)
		if (!(isdigit((unsigned char)s[i]) || (i == 0 && (s[i] == '-' || s[i] == '+'))))
			digits = 0;
	if (digits && n < 18) {
		char tmp[32];
		snprintf(tmp, sizeof(tmp), "%.*s", (int)n, s);
		return json_integer(strtoll(tmp, NULL, 10));
	}
	/* dates, times, floats, hex: kept as their text */
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || strchr("-+:._ ", s[i]))) {
			fail(c, "bad value");
			return NULL;
		}
	return json_stringn(s, n);
}

static json_t *value(cursor *c, int depth)
{
	if (depth > TOML_MAX_DEPTH || ++c->values > TOML_MAX_VALUES) {
		fail(c, "too deep or too many values");
		return NULL;
	}
	if (c->p >= c->end) {
		fail(c, "missing value");
		return NULL;
	}
	if (*c->p == '"' || *c->p == '\'') {
		vigil_buf s = VIGIL_BUF_INIT;
		json_t *v = string(c, &s) < 0
				    ? NULL
				    : json_stringn((const char *)s.data ? (const char *)s.data : "",
						   s.len);
		if (!v)
			fail(c, "bad string");
		vigil_buf_free(&s);
		return v;
	}
	if (*c->p == '[') {
		json_t *arr = json_array();
		c->p++;
		for (;;) {
			skip_ws(c, 1);
			if (c->p < c->end && *c->p == ']') {
				c->p++;
				return arr;
			}
			json_t *v = value(c, depth + 1);
			if (!v || !arr || json_array_append_new(arr, v) < 0)
				break;
			skip_ws(c, 1);
			if (c->p < c->end && *c->p == ',')
				c->p++;
			else if (c->p >= c->end || *c->p != ']') {
				fail(c, "expected ',' or ']'");
				break;
			}
		}
		json_decref(arr);
		return NULL;
	}
	if (*c->p == '{') {
		json_t *obj = json_object();
		c->p++;
		skip_ws(c, 0);
		if (c->p < c->end && *c->p == '}') {
			c->p++;
			return obj;
		}
		for (;;) {
			if (!obj || key_value(c, obj, depth + 1) < 0)
				break;
			skip_ws(c, 0);
			if (c->p < c->end && *c->p == ',') {
				c->p++;
				continue;
			}
			if (c->p < c->end && *c->p == '}') {
				c->p++;
				return obj;
			}
			fail(c, "expected ',' or '}'");
			break;
		}
		json_decref(obj);
		return NULL;
	}
	return bare(c);
}

/* A [table] or [[array.table]] header: sets *cur to the table it opens. */
static int header(cursor *c, json_t *root, json_t **cur)
{
	int array = c->end - c->p >= 2 && c->p[1] == '[';
	vigil_buf k = VIGIL_BUF_INIT;
	json_t *t = root;
	int error = -1;
	c->p += array ? 2 : 1;
	for (;;) {
		if (key_part(c, &k) < 0)
			goto done;
		int last = !(c->p < c->end && *c->p == '.');
		if (last && array) {
			json_t *arr = json_object_get(t, (const char *)k.data), *o = json_object();
			if (!arr) {
				arr = json_array();
				if (!arr || json_object_set_new(t, (const char *)k.data, arr) < 0) {
					json_decref(o);
					fail(c, "out of memory");
					goto done;
				}
			}
			if (!o || !json_is_array(arr)) {
				json_decref(o);
				fail(c, "key is not an array of tables");
				goto done;
			}
			if (json_array_append_new(arr, o) < 0) { /* o is freed by jansson */
				fail(c, "out of memory");
				goto done;
			}
			t = o;
		} else if (!(t = sub_table(c, t, (const char *)k.data))) {
			goto done;
		}
		if (last)
			break;
		c->p++;
	}
	if (c->p >= c->end || *c->p != ']' || (array && (c->end - c->p < 2 || c->p[1] != ']'))) {
		fail(c, "unterminated table header");
		goto done;
	}
	c->p += array ? 2 : 1;
	*cur = t;
	error = end_of_line(c);
done:
	vigil_buf_free(&k);
	return error;
}

json_t *vigil_toml_parse(const char *text, size_t len, char *why, size_t why_len)
{
	cursor c = {text, text + len, NULL, 0};
	json_t *root = json_object(), *cur = root;
	if (!root)
		return NULL;
	for (;;) {
		skip_ws(&c, 1);
		if (c.p >= c.end)
			return root;
		if (*c.p == '[') {
			if (header(&c, root, &cur) < 0)
				break;
		} else if (key_value(&c, cur, 0) < 0 || end_of_line(&c) < 0) {
			break;
		}
	}
	if (why && why_len) {
		int line = 1;
		for (const char *p = text; p < c.p && p < c.end; p++)
			line += *p == '\n';
		snprintf(why, why_len, "TOML line %d: %s", line, c.why ? c.why : "syntax error");
	}
	json_decref(root);
	return NULL;
}
