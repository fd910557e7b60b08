/* A tiny in-memory zip writer for the Java cataloger's tests and fuzzers: stored or
 * deflated entries, a central directory and the end record. Not for untrusted use. */
#ifndef VIGIL_TEST_JAVA_ZIPW_H
#define VIGIL_TEST_JAVA_ZIPW_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct zipw {
	uint8_t *buf, *cd;
	size_t len, cap, cdlen, cdcap;
	unsigned n;
	int oom;
} zipw;

static inline void zipw_put(zipw *z, uint8_t **b, size_t *len, size_t *cap, const void *p, size_t n)
{
	if (z->oom)
		return;
	if (*len + n > *cap) {
		size_t c = *cap ? *cap : 4096;
		while (c < *len + n)
			c *= 2;
		uint8_t *q = realloc(*b, c);
		if (!q) {
			z->oom = 1;
			return;
		}
		*b = q;
		*cap = c;
	}
	if (n)
		memcpy(*b + *len, p, n);
	*len += n;
}

static inline void zipw_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Adds one file entry; compress_it != 0 deflates it. */
static inline void zipw_add(zipw *z, const char *name, const void *data, size_t n, int compress_it)
{
	uint8_t h[46];
	size_t nl = strlen(name), clen = n;
	uint8_t *comp = NULL;
	uint32_t crc = (uint32_t)crc32(0, data, (uInt)n);
	if (compress_it) {
		z_stream s;
		memset(&s, 0, sizeof(s));
		comp = malloc(compressBound((uLong)n) + 64);
		if (!comp || deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			free(comp);
			z->oom = 1;
			return;
		}
		s.next_in = (Bytef *)data;
		s.avail_in = (uInt)n;
		s.next_out = comp;
		s.avail_out = (uInt)(compressBound((uLong)n) + 64);
		deflate(&s, Z_FINISH);
		clen = s.total_out;
		deflateEnd(&s);
		data = comp;
	}
	size_t off = z->len;
	memset(h, 0, sizeof(h));
	zipw_le(h, 0x04034b50, 4);
	zipw_le(h + 4, 20, 2);
	zipw_le(h + 8, compress_it ? 8 : 0, 2);
	zipw_le(h + 14, crc, 4);
	zipw_le(h + 18, clen, 4);
	zipw_le(h + 22, n, 4);
	zipw_le(h + 26, nl, 2);
	zipw_put(z, &z->buf, &z->len, &z->cap, h, 30);
	zipw_put(z, &z->buf, &z->len, &z->cap, name, nl);
	zipw_put(z, &z->buf, &z->len, &z->cap, data, clen);
	memset(h, 0, sizeof(h));
	zipw_le(h, 0x02014b50, 4);
	zipw_le(h + 4, 0x031e, 2); /* made by unix */
	zipw_le(h + 6, 20, 2);
	zipw_le(h + 10, compress_it ? 8 : 0, 2);
	zipw_le(h + 16, crc, 4);
	zipw_le(h + 20, clen, 4);
	zipw_le(h + 24, n, 4);
	zipw_le(h + 28, nl, 2);
	zipw_le(h + 38, (uint64_t)0100644 << 16, 4);
	zipw_le(h + 42, off, 4);
	zipw_put(z, &z->cd, &z->cdlen, &z->cdcap, h, 46);
	zipw_put(z, &z->cd, &z->cdlen, &z->cdcap, name, nl);
	z->n++;
	free(comp);
}

static inline void zipw_add_str(zipw *z, const char *name, const char *text)
{
	zipw_add(z, name, text, strlen(text), 0);
}

/* Appends the central directory and the end record; z->buf, z->len is the zip. */
static inline void zipw_finish(zipw *z)
{
	uint8_t e[22];
	size_t cdoff = z->len;
	zipw_put(z, &z->buf, &z->len, &z->cap, z->cd, z->cdlen);
	memset(e, 0, sizeof(e));
	zipw_le(e, 0x06054b50, 4);
	zipw_le(e + 8, z->n, 2);
	zipw_le(e + 10, z->n, 2);
	zipw_le(e + 12, z->cdlen, 4);
	zipw_le(e + 16, cdoff, 4);
	zipw_put(z, &z->buf, &z->len, &z->cap, e, 22);
}

static inline void zipw_free(zipw *z)
{
	free(z->buf);
	free(z->cd);
	memset(z, 0, sizeof(*z));
}

#endif
