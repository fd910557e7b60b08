/*
 * The JSON pull reader of the language catalogers (see jsonpull.h). Every read checks
 * the cursor against the end of the input; nothing is allocated but the strings the
 * caller asks for, in buffers the caller caps.
 */
#include <string.h>

#include "jsonpull.h"

/* Records the first error and returns it. */
static int fail(vigil_json *j, int code)
{
	if (!j->error)
		j->error = code;
	return j->error;
}

/* Moves past JSON white space. */
static void skip_ws(vigil_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* A reader at the start of data (jsonpull.h). */
void vigil_json__init(vigil_json *j, const uint8_t *data, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->p = data;
	j->end = data + len;
}

/* The type of the next value from its first byte; nothing is consumed. */
vigil_json_type vigil_json__peek(vigil_json *j)
{
	if (j->error)
		return VIGIL_JSON_NONE;
	skip_ws(j);
	if (j->p >= j->end)
		return VIGIL_JSON_NONE;
	switch (*j->p) {
	case '{':
		return VIGIL_JSON_OBJECT;
	case '[':
		return VIGIL_JSON_ARRAY;
	case '"':
		return VIGIL_JSON_STRING;
	case 't':
		return VIGIL_JSON_TRUE;
	case 'f':
		return VIGIL_JSON_FALSE;
	case 'n':
		return VIGIL_JSON_NULL;
	default:
		return (*j->p >= '0' && *j->p <= '9') || *j->p == '-' ? VIGIL_JSON_NUMBER
								      : VIGIL_JSON_NONE;
	}
}

/* Opens a container: one level deeper, no element read yet. */
int vigil_json__enter(vigil_json *j, char open)
{
	if (j->error)
		return j->error;
	skip_ws(j);
	if (j->p >= j->end || *j->p != (uint8_t)open)
		return fail(j, VIGIL_EFORMAT);
	if (j->depth >= VIGIL_JSON_MAX_DEPTH)
		return fail(j, VIGIL_ELIMIT);
	j->p++;
	j->first[++j->depth] = 1;
	return 0;
}

/* The separator before the next element of the current container: 0 with the cursor at
 * the element, 1 after consuming the container's `close`, or an error. */
static int next_in(vigil_json *j, uint8_t close)
{
	if (j->error)
		return j->error;
	if (j->depth == 0)
		return fail(j, VIGIL_EFORMAT);
	skip_ws(j);
	if (j->p >= j->end)
		return fail(j, VIGIL_EFORMAT);
	if (*j->p == close) {
		j->p++;
		j->depth--;
		return 1;
	}
	if (!j->first[j->depth]) {
		if (*j->p != ',')
			return fail(j, VIGIL_EFORMAT);
		j->p++;
		skip_ws(j);
	}
	j->first[j->depth] = 0;
	return 0;
}

/* The next "key": of an object, or its end. */
int vigil_json__member(vigil_json *j, vigil_buf *key)
{
	int r = next_in(j, '}');
	if (r != 0)
		return r < 0 ? r : 0;
	if (j->p >= j->end || *j->p != '"')
		return fail(j, VIGIL_EFORMAT);
	if ((r = vigil_json__string(j, key)) < 0)
		return r;
	skip_ws(j);
	if (j->p >= j->end || *j->p != ':')
		return fail(j, VIGIL_EFORMAT);
	j->p++;
	return 1;
}

/* The next element of an array, or its end. */
int vigil_json__element(vigil_json *j)
{
	int r = next_in(j, ']');
	if (r != 0)
		return r < 0 ? r : 0;
	return 1;
}

/* Four hex digits at p (the caller checked that they are there), or -1. */
static int hex4(const uint8_t *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		uint8_t c = p[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10u;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10u;
		else
			return -1;
		v = v * 16 + d;
	}
	*out = v;
	return 0;
}

/* Decodes the \u escape at j->p (past the "\u") into UTF-8 in u; returns its length. */
static int unicode_escape(vigil_json *j, uint8_t u[4])
{
	unsigned cp, lo;
	if (j->end - j->p < 4 || hex4(j->p, &cp) < 0)
		return fail(j, VIGIL_EFORMAT);
	j->p += 4;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return fail(j, VIGIL_EFORMAT); /* a lone low surrogate */
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
		    hex4(j->p + 2, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
			return fail(j, VIGIL_EFORMAT);
		j->p += 6;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	if (cp == 0)
		return fail(j, VIGIL_EFORMAT); /* would cut a C string short */
	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (uint8_t)(0xC0 | (cp >> 6));
		u[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (uint8_t)(0xE0 | (cp >> 12));
		u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (uint8_t)(0x80 | (cp & 0x3F));
		return 3;
	}
	u[0] = (uint8_t)(0xF0 | (cp >> 18));
	u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
	u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
	u[3] = (uint8_t)(0x80 | (cp & 0x3F));
	return 4;
}

/* Appends n bytes to out when there is one. */
static int emit(vigil_json *j, vigil_buf *out, const void *s, size_t n)
{
	int error;
	if (out && (error = vigil_buf_put(out, s, n)) < 0)
		return fail(j, error);
	return 0;
}

/* A string, decoded run by run; escapes are checked even when it is skipped. */
int vigil_json__string(vigil_json *j, vigil_buf *out)
{
	if (j->error)
		return j->error;
	skip_ws(j);
	if (j->p >= j->end || *j->p != '"')
		return fail(j, VIGIL_EFORMAT);
	j->p++;
	if (out) {
		out->len = 0;
		if (emit(j, out, "", 0) < 0)
			return j->error;
	}
	for (;;) {
		const uint8_t *run = j->p;
		while (j->p < j->end && *j->p != '"' && *j->p != '\\' && *j->p >= 0x20)
			j->p++;
		if (emit(j, out, run, (size_t)(j->p - run)) < 0)
			return j->error;
		if (j->p >= j->end || *j->p < 0x20)
			return fail(j, VIGIL_EFORMAT); /* unterminated, or a raw control byte */
		if (*j->p++ == '"')
			return 0;
		if (j->p >= j->end)
			return fail(j, VIGIL_EFORMAT);
		uint8_t c = *j->p++, u[4];
		int n = 1;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			u[0] = c;
			break;
		case 'b':
			u[0] = '\b';
			break;
		case 'f':
			u[0] = '\f';
			break;
		case 'n':
			u[0] = '\n';
			break;
		case 'r':
			u[0] = '\r';
			break;
		case 't':
			u[0] = '\t';
			break;
		case 'u':
			if ((n = unicode_escape(j, u)) < 0)
				return n;
			break;
		default:
			return fail(j, VIGIL_EFORMAT);
		}
		if (emit(j, out, u, (size_t)n) < 0)
			return j->error;
	}
}

/* A number as JSON writes them: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number(vigil_json *j)
{
	const uint8_t *p = j->p, *end = j->end;
#define DIGIT(q) ((q) < end && *(q) >= '0' && *(q) <= '9')
	if (p < end && *p == '-')
		p++;
	if (!DIGIT(p))
		return fail(j, VIGIL_EFORMAT);
	if (*p == '0')
		p++;
	else
		while (DIGIT(p))
			p++;
	if (p < end && *p == '.') {
		p++;
		if (!DIGIT(p))
			return fail(j, VIGIL_EFORMAT);
		while (DIGIT(p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!DIGIT(p))
			return fail(j, VIGIL_EFORMAT);
		while (DIGIT(p))
			p++;
	}
#undef DIGIT
	j->p = p;
	return 0;
}

/* Consumes true, false or null. */
static int literal(vigil_json *j, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return fail(j, VIGIL_EFORMAT);
	j->p += n;
	return 0;
}

/* Skips a value of any type; the depth limit bounds the recursion. */
int vigil_json__skip(vigil_json *j)
{
	int r;
	switch (vigil_json__peek(j)) {
	case VIGIL_JSON_OBJECT:
		if (vigil_json__enter(j, '{') < 0)
			return j->error;
		while ((r = vigil_json__member(j, NULL)) == 1)
			if (vigil_json__skip(j) < 0)
				return j->error;
		return r;
	case VIGIL_JSON_ARRAY:
		if (vigil_json__enter(j, '[') < 0)
			return j->error;
		while ((r = vigil_json__element(j)) == 1)
			if (vigil_json__skip(j) < 0)
				return j->error;
		return r;
	case VIGIL_JSON_STRING:
		return vigil_json__string(j, NULL);
	case VIGIL_JSON_NUMBER:
		return number(j);
	case VIGIL_JSON_TRUE:
		return literal(j, "true");
	case VIGIL_JSON_FALSE:
		return literal(j, "false");
	case VIGIL_JSON_NULL:
		return literal(j, "null");
	default:
		return fail(j, VIGIL_EFORMAT);
	}
}

/* A string when it is one, else skipped. */
int vigil_json__maybe_string(vigil_json *j, vigil_buf *out)
{
	int r;
	if (vigil_json__peek(j) != VIGIL_JSON_STRING)
		return (r = vigil_json__skip(j)) < 0 ? r : 0;
	return (r = vigil_json__string(j, out)) < 0 ? r : 1;
}

/* Nothing but white space after the top-level value. */
int vigil_json__end(vigil_json *j)
{
	if (j->error)
		return j->error;
	skip_ws(j);
	if (j->depth != 0 || j->p != j->end)
		return fail(j, VIGIL_EFORMAT);
	return 0;
}
