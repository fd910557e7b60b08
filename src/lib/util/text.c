/*
 * text.c - the one escaping routine for text that reaches a terminal (tables, lists,
 * error lines) or an XML report. Everything from an image is hostile: C0 and C1
 * controls (also the two-byte UTF-8 form of U+009B CSI), DEL, invalid UTF-8 and the
 * bidirectional controls that reorder what a reader sees are shown as escapes
 * (\x1b, \u009b, \u202e, \xff) instead of being written raw.
 */
#include <stdio.h>
#include <string.h>

#include "util/util.h"

/* Length of the valid UTF-8 sequence at s (1-4) and its code point, or 0 when the
 * bytes are not valid UTF-8 (overlong, surrogate, past U+10FFFF, cut short). */
size_t vigil_utf8_decode(const unsigned char *s, unsigned *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		if ((s[1] & 0xc0) != 0x80)
			return 0;
		*cp = ((c & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0;
		*cp = ((c & 0x0f) << 12) | ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
			return 0;
		*cp = ((c & 0x07) << 18) | ((unsigned)(s[1] & 0x3f) << 12) |
		      ((unsigned)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
		return 4;
	}
	return 0;
}

/* Code points shown escaped: controls, bidirectional controls and marks, line and
 * paragraph separators, the byte-order mark and the two XML-forbidden
 * noncharacters. */
bool vigil_cp_unsafe(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	       (cp >= 0x200e && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff || cp == 0xfffe || cp == 0xffff;
}

size_t vigil_text_next(char out[12], int *cols, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned cp = 0;
	size_t n;
	if (!s || !*s) {
		out[0] = '\0';
		*cols = 0;
		return 0;
	}
	n = vigil_utf8_decode(s, &cp);
	if (n == 0) { /* one invalid byte */
		snprintf(out, 12, "\\x%02x", s[0]);
		*cols = 4;
		return 1;
	}
	if (vigil_cp_unsafe(cp)) {
		if (cp < 0x80)
			snprintf(out, 12, "\\x%02x", cp);
		else
			snprintf(out, 12, "\\u%04x", cp);
		*cols = (int)strlen(out);
		return n;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	*cols = 1;
	return n;
}

void vigil_text_put(FILE *f, const char *s)
{
	char buf[12];
	int cols;
	size_t n;
	while (s && (n = vigil_text_next(buf, &cols, s)) > 0) {
		fputs(buf, f);
		s += n;
	}
}

void vigil_text_escape(char *out, size_t outlen, const char *s)
{
	char buf[12];
	int cols;
	size_t n, len = 0;
	if (!outlen)
		return;
	while (s && (n = vigil_text_next(buf, &cols, s)) > 0) {
		size_t bl = strlen(buf);
		if (len + bl >= outlen)
			break;
		memcpy(out + len, buf, bl);
		len += bl;
		s += n;
	}
	out[len] = '\0';
}

int vigil_text_put_width(FILE *f, const char *s, int width)
{
	char buf[12];
	int n = 0, cols, pad = width > 0;
	size_t used;
	width = width < 0 ? -width : width;
	while (s && (used = vigil_text_next(buf, &cols, s)) > 0) {
		if (width && n + cols > width - 1 && s[used]) {
			fputc('~', f); /* cut: more follows */
			n++;
			break;
		}
		fputs(buf, f);
		n += cols;
		s += used;
	}
	for (; pad && n < width; n++)
		fputc(' ', f);
	return n;
}

void vigil_xml_put(FILE *f, const char *s)
{
	char buf[12];
	int cols;
	size_t n;
	while (s && (n = vigil_text_next(buf, &cols, s)) > 0) {
		switch (buf[0]) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			fputs(buf, f);
		}
		s += n;
	}
}

bool vigil_json_values_over(const void *buf, size_t len, size_t max)
{
	const unsigned char *p = buf, *end = p + (buf ? len : 0);
	size_t values = 1;
	for (; p < end; p++) {
		if (*p == '"') { /* skip the string, escapes included */
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
		} else if (*p == ',' || *p == '[' || *p == '{') {
			if (++values > max)
				return true;
		}
	}
	return false;
}
