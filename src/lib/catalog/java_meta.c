/*
 * java.util.Properties and JAR manifest parsing (see java_meta.h). Everything is read
 * through explicit indices checked against the input length; scratch buffers are
 * capped at the input's size, which bounds what any input can make us allocate.
 */
#include <string.h>

#include "java_meta.h"
#include "util/util.h"

/* Properties whitespace (space, tab, form feed) and line ends. */
static int is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

static int is_eol(uint8_t c)
{
	return c == '\n' || c == '\r';
}

/* Index just past the line end at d[i] (CR LF counts as one), or i at the end. */
static size_t skip_eol(const uint8_t *d, size_t len, size_t i)
{
	if (i >= len)
		return i;
	if (d[i] == '\r' && i + 1 < len && d[i + 1] == '\n')
		return i + 2;
	return i + 1;
}

/* Reads the next logical line from *pos into `line`: comments and blank lines are
 * skipped, continuation backslashes and line ends removed, escapes kept. Returns 1
 * with a line, 0 at the end, or a negative error. */
static int logical_line(const uint8_t *d, size_t len, size_t *pos, vigil_buf *line)
{
	size_t i = *pos;
	int error;

	line->len = 0;
	for (;;) {
		while (i < len && is_ws(d[i]))
			i++;
		if (i >= len) {
			*pos = i;
			return 0;
		}
		if (is_eol(d[i])) {
			i = skip_eol(d, len, i);
			continue;
		}
		if (d[i] == '#' || d[i] == '!') {
			while (i < len && !is_eol(d[i]))
				i++;
			continue;
		}
		break;
	}
	for (;;) {
		size_t s = i, bs = 0;
		while (i < len && !is_eol(d[i]))
			i++;
		while (bs < i - s && d[i - 1 - bs] == '\\')
			bs++;
		int cont = (int)(bs & 1);
		if ((error = vigil_buf_put(line, d + s, i - s - (size_t)cont)) < 0)
			return error;
		i = skip_eol(d, len, i);
		if (!cont || i >= len)
			break;
		while (i < len && is_ws(d[i]))
			i++;
	}
	*pos = i;
	return 1;
}

/* Value of four hex digits at s (n bytes available), or -1. */
static long hex4(const uint8_t *s, size_t n)
{
	long v = 0;
	if (n < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		uint8_t c = s[k];
		int d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Appends code point cp (at most U+10FFFF) as UTF-8. */
static int put_utf8(vigil_buf *b, uint32_t cp)
{
	uint8_t u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xC0 | (cp >> 6));
		u[1] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xE0 | (cp >> 12));
		u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xF0 | (cp >> 18));
		u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return vigil_buf_put(b, u, n);
}

/* Appends s[0..n) with Properties escapes resolved. A malformed \u keeps the 'u'
 * (Java would refuse the whole file; one bad value should not hide the others). */
static int unescape(vigil_buf *out, const uint8_t *s, size_t n)
{
	int error = 0;
	for (size_t i = 0; i < n && error == 0;) {
		uint8_t c = s[i++];
		if (c != '\\') {
			error = vigil_buf_putc(out, (char)c);
			continue;
		}
		if (i >= n)
			break; /* a lone backslash at the very end */
		c = s[i++];
		if (c == 'u') {
			long cp = hex4(s + i, n - i);
			if (cp < 0) {
				error = vigil_buf_putc(out, 'u');
				continue;
			}
			i += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && n - i >= 6 && s[i] == '\\' &&
			    s[i + 1] == 'u') {
				long lo = hex4(s + i + 2, n - i - 2);
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					i += 6;
				}
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0xFFFD;
			error = put_utf8(out, (uint32_t)cp);
			continue;
		}
		switch (c) {
		case 't':
			c = '\t';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 'f':
			c = '\f';
			break;
		default:
			break;
		}
		error = vigil_buf_putc(out, (char)c);
	}
	return error;
}

int vigil_java__properties(const uint8_t *data, size_t len, vigil_java_kv_cb cb, void *payload)
{
	vigil_buf line = VIGIL_BUF_INIT, kv = VIGIL_BUF_INIT;
	size_t pos = 0;
	int error;

	/* neither buffer can outgrow the input: escapes only ever shrink */
	line.limit = len + 8;
	kv.limit = len + 16;
	while ((error = logical_line(data, len, &pos, &line)) == 1) {
		const uint8_t *l = line.data;
		size_t ll = line.len, klen = 0, vstart = ll;
		int sep = 0, bs = 0;
		while (klen < ll) {
			uint8_t c = l[klen];
			if ((c == '=' || c == ':') && !bs) {
				vstart = klen + 1;
				sep = 1;
				break;
			}
			if (is_ws(c) && !bs) {
				vstart = klen + 1;
				break;
			}
			bs = c == '\\' ? !bs : 0;
			klen++;
		}
		while (vstart < ll) {
			uint8_t c = l[vstart];
			if (!is_ws(c)) {
				if (sep || (c != '=' && c != ':'))
					break;
				sep = 1;
			}
			vstart++;
		}
		kv.len = 0;
		if ((error = unescape(&kv, l, klen)) < 0 || (error = vigil_buf_putc(&kv, 0)) < 0)
			break;
		size_t voff = kv.len;
		if ((error = unescape(&kv, l + vstart, ll - vstart)) < 0 ||
		    (error = vigil_buf_cstr(&kv)) < 0)
			break;
		const char *k = (const char *)kv.data, *v = k + voff;
		if ((error = cb(0, k, voff - 1, v, kv.len - voff, payload)) != 0)
			break;
	}
	vigil_buf_free(&line);
	vigil_buf_free(&kv);
	return error;
}

int vigil_java__manifest(const uint8_t *data, size_t len, vigil_java_kv_cb cb, void *payload)
{
	vigil_buf kv = VIGIL_BUF_INIT;
	size_t i = 0, klen = 0, voff = 0;
	int error = 0, have = 0, section = 0, used = 0;

	kv.limit = len + 16;
	while (error == 0) {
		size_t s = i;
		int at_end = i >= len;
		while (i < len && !is_eol(data[i]))
			i++;
		size_t ll = i - s;
		i = skip_eol(data, len, i);
		if (!at_end && ll > 0 && data[s] == ' ') {
			if (have)
				error = vigil_buf_put(&kv, data + s + 1, ll - 1);
			continue;
		}
		if (have) { /* the previous header is complete */
			have = 0;
			if ((error = vigil_buf_cstr(&kv)) < 0)
				break;
			const char *k = (const char *)kv.data;
			if ((error = cb(section, k, klen, k + voff, kv.len - voff, payload)) != 0)
				break;
		}
		if (at_end)
			break;
		if (ll == 0) {
			if (used)
				section++;
			used = 0;
			continue;
		}
		const uint8_t *colon = memchr(data + s, ':', ll);
		if (!colon || colon == data + s)
			continue;
		klen = (size_t)(colon - (data + s));
		const uint8_t *v = colon + 1, *end = data + s + ll;
		while (v < end && *v == ' ')
			v++;
		kv.len = 0;
		if ((error = vigil_buf_put(&kv, data + s, klen)) < 0 ||
		    (error = vigil_buf_putc(&kv, 0)) < 0)
			break;
		voff = kv.len;
		if ((error = vigil_buf_put(&kv, v, (size_t)(end - v))) < 0)
			break;
		have = used = 1;
	}
	vigil_buf_free(&kv);
	return error;
}
