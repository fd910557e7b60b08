/*
 * util/ser.h - a compact byte serialisation for cached data (the per-layer cache):
 * unsigned LEB128 integers and length-prefixed strings, read back with bounds checks
 * (a damaged cache entry is refused, never trusted).
 */
#ifndef VIGIL_UTIL_SER_H
#define VIGIL_UTIL_SER_H

#include <stdint.h>
#include <string.h>

#include "util/util.h"

static inline int vigil_ser_u64(vigil_buf *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;
	do {
		t[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			t[n] |= 0x80;
		n++;
	} while (v);
	return vigil_buf_put(b, t, n);
}

static inline int vigil_ser_i64(vigil_buf *b, int64_t v)
{
	return vigil_ser_u64(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

/* A string or NULL: length + 1 (0 for NULL), then the bytes. */
static inline int vigil_ser_str(vigil_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int error = vigil_ser_u64(b, s ? (uint64_t)n + 1 : 0);
	return error < 0 ? error : vigil_buf_put(b, s, n);
}

static inline int vigil_ser_bytes(vigil_buf *b, const void *p, size_t n)
{
	int error = vigil_ser_u64(b, n);
	return error < 0 ? error : vigil_buf_put(b, p, n);
}

typedef struct vigil_deser {
	const uint8_t *p, *end;
	int bad; /* set by the first read past the end or malformed value */
} vigil_deser;

static inline uint64_t vigil_deser_u64(vigil_deser *d)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (d->p >= d->end) {
			d->bad = 1;
			return 0;
		}
		uint8_t c = *d->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	d->bad = 1;
	return 0;
}

static inline int64_t vigil_deser_i64(vigil_deser *d)
{
	uint64_t u = vigil_deser_u64(d);
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static inline uint32_t vigil_deser_u32(vigil_deser *d)
{
	uint64_t v = vigil_deser_u64(d);
	if (v > UINT32_MAX)
		d->bad = 1;
	return (uint32_t)v;
}

/* Bytes borrowed from the input; NULL with *n = 0 when bad. */
static inline const uint8_t *vigil_deser_bytes(vigil_deser *d, size_t *n)
{
	uint64_t len = vigil_deser_u64(d);
	*n = 0;
	if (d->bad || len > (uint64_t)(d->end - d->p)) {
		d->bad = 1;
		return NULL;
	}
	const uint8_t *p = d->p;
	d->p += len;
	*n = (size_t)len;
	return p;
}

/* A string copied into `a` (NULL when it was NULL or on error). */
static inline const char *vigil_deser_str(vigil_deser *d, vigil_arena *a)
{
	uint64_t len = vigil_deser_u64(d);
	if (d->bad || len == 0)
		return NULL;
	len--;
	if (len > (uint64_t)(d->end - d->p) || memchr(d->p, 0, (size_t)len)) {
		d->bad = 1;
		return NULL;
	}
	char *s = vigil_arena_strndup(a, (const char *)d->p, (size_t)len);
	if (!s)
		d->bad = 1;
	d->p += len;
	return s;
}

#endif
