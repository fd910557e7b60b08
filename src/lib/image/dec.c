/*
 * Byte sources and streaming decompression. gzip goes through ISA-L (igzip), which
 * measured about twice as fast as zlib on layer data (see BENCHMARKS.md); zstd through
 * libzstd. The format is sniffed from the first bytes, not trusted from media types.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isa-l/igzip_lib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "image.h"

#define SRC_BUF (256 * 1024)
#define OUT_BUF (256 * 1024)

static int file_read(vigil_bsrc *base, const uint8_t **p, size_t *n)
{
	vigil_bsrc_file *s = (vigil_bsrc_file *)base;
	*p = s->buf;
	*n = 0;
	if (s->left == 0)
		return 0;
	size_t want = s->left < s->cap ? (size_t)s->left : s->cap;
	ssize_t r;
	do
		r = pread(s->fd, s->buf, want, (off_t)s->off);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		base->errmsg = strerror(errno);
		return VIGIL_EIO;
	}
	if (r == 0) {
		base->errmsg = "file ends early (truncated)";
		return VIGIL_EFORMAT;
	}
	s->off += (uint64_t)r;
	s->left -= (uint64_t)r;
	*n = (size_t)r;
	return 0;
}

int vigil_image__bsrc_file_init(vigil_bsrc_file *s, int fd, uint64_t off, uint64_t len)
{
	memset(s, 0, sizeof(*s));
	s->base.read = file_read;
	s->fd = fd;
	s->off = off;
	s->left = len;
	s->cap = SRC_BUF;
	s->buf = malloc(s->cap);
	return s->buf ? 0 : VIGIL_ENOMEM;
}

void vigil_image__bsrc_file_free(vigil_bsrc_file *s)
{
	free(s->buf);
	s->buf = NULL;
}

static int mem_read(vigil_bsrc *base, const uint8_t **p, size_t *n)
{
	vigil_bsrc_mem *s = (vigil_bsrc_mem *)base;
	*p = s->p;
	*n = s->n;
	s->p += s->n;
	s->n = 0;
	return 0;
}

void vigil_image__bsrc_mem_init(vigil_bsrc_mem *s, const void *p, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->base.read = mem_read;
	s->p = p;
	s->n = n;
}

const char *vigil_image__comp_name(vigil_comp c)
{
	return c == VIGIL_COMP_GZIP ? "gzip" : c == VIGIL_COMP_ZSTD ? "zstd" : "none";
}

struct vigil_dec {
	vigil_bsrc *in;
	vigil_sha256 *raw_hash;
	uint64_t raw_bytes;
	vigil_comp comp;
	const uint8_t *ip; /* pending input */
	size_t in_left;
	int in_eof;
	int done; /* the compressed stream ended */
	uint8_t *out;
	struct inflate_state *gz;
	ZSTD_DStream *zs;
	size_t zret; /* last ZSTD_decompressStream result: 0 = frame complete */
};

/* Pulls more raw input when none is pending. */
static int fill(vigil_dec *d, const char **errmsg)
{
	if (d->in_left || d->in_eof)
		return 0;
	const uint8_t *p;
	size_t n;
	int error = d->in->read(d->in, &p, &n);
	if (error < 0) {
		*errmsg = d->in->errmsg;
		return error;
	}
	if (n == 0) {
		d->in_eof = 1;
		return 0;
	}
	if (d->raw_hash)
		vigil_sha256_update(d->raw_hash, p, n);
	d->raw_bytes += n;
	d->ip = p;
	d->in_left = n;
	return 0;
}

int vigil_image__dec_new(vigil_dec **out, vigil_bsrc *in, vigil_sha256 *raw_hash)
{
	vigil_dec *d = calloc(1, sizeof(*d));
	const char *msg = NULL;
	int error;
	*out = NULL;
	if (!d)
		return VIGIL_ENOMEM;
	d->in = in;
	d->raw_hash = raw_hash;
	if ((error = fill(d, &msg)) < 0) {
		in->errmsg = msg;
		free(d);
		return error;
	}
	if (d->in_left >= 2 && d->ip[0] == 0x1f && d->ip[1] == 0x8b)
		d->comp = VIGIL_COMP_GZIP;
	else if (d->in_left >= 4 && memcmp(d->ip, "\x28\xb5\x2f\xfd", 4) == 0)
		d->comp = VIGIL_COMP_ZSTD;
	if (d->comp != VIGIL_COMP_NONE && !(d->out = malloc(OUT_BUF)))
		goto nomem;
	if (d->comp == VIGIL_COMP_GZIP) {
		if (!(d->gz = malloc(sizeof(*d->gz))))
			goto nomem;
		isal_inflate_init(d->gz);
		d->gz->crc_flag = ISAL_GZIP;
	} else if (d->comp == VIGIL_COMP_ZSTD) {
		if (!(d->zs = ZSTD_createDStream()))
			goto nomem;
		ZSTD_initDStream(d->zs);
		/* a window past 128 MiB would let one layer claim gigabytes */
		ZSTD_DCtx_setParameter(d->zs, ZSTD_d_windowLogMax, 27);
		d->zret = 1;
	}
	*out = d;
	return 0;
nomem:
	vigil_image__dec_free(d);
	return VIGIL_ENOMEM;
}

vigil_comp vigil_image__dec_comp(const vigil_dec *d)
{
	return d->comp;
}

uint64_t vigil_image__dec_raw_bytes(const vigil_dec *d)
{
	return d->raw_bytes;
}

static int gz_read(vigil_dec *d, const uint8_t **p, size_t *n, const char **errmsg)
{
	struct inflate_state *s = d->gz;
	int error;
	for (;;) {
		if (d->done) {
			/* after a member: another gzip member may follow; anything else is ignored
			 */
			if ((error = fill(d, errmsg)) < 0)
				return error;
			if (d->in_left == 0)
				return 0;
			if (d->in_left >= 2 && d->ip[0] == 0x1f && d->ip[1] == 0x8b) {
				isal_inflate_reset(s);
				s->crc_flag = ISAL_GZIP;
				d->done = 0;
			} else {
				/* trailing bytes (often zero padding): hash them, emit nothing */
				d->in_left = 0;
				continue;
			}
		}
		if ((error = fill(d, errmsg)) < 0)
			return error;
		s->next_in = (uint8_t *)d->ip;
		s->avail_in = (uint32_t)d->in_left;
		s->next_out = d->out;
		s->avail_out = OUT_BUF;
		int r = isal_inflate(s);
		/* the error first: on a corrupt stream avail_in is not a count to trust, and
		 * advancing ip by it overflowed the pointer */
		if (r < 0 || s->avail_in > d->in_left || s->avail_out > OUT_BUF) {
			*errmsg = r == ISAL_INCORRECT_CHECKSUM
					  ? "gzip checksum mismatch (corrupt data)"
					  : "corrupt gzip data";
			return VIGIL_EFORMAT;
		}
		size_t used = d->in_left - s->avail_in;
		d->ip += used;
		d->in_left -= used;
		size_t produced = OUT_BUF - s->avail_out;
		if (s->block_state == ISAL_BLOCK_FINISH)
			d->done = 1;
		if (produced) {
			*p = d->out;
			*n = produced;
			return 0;
		}
		if (d->done)
			continue;
		if (d->in_eof && d->in_left == 0) {
			*errmsg =
				"truncated gzip data (the layer ends before its gzip stream does)";
			return VIGIL_EFORMAT;
		}
	}
}

static int zstd_read(vigil_dec *d, const uint8_t **p, size_t *n, const char **errmsg)
{
	int error;
	for (;;) {
		if ((error = fill(d, errmsg)) < 0)
			return error;
		if (d->in_eof && d->in_left == 0) {
			if (d->zret != 0) {
				*errmsg = "truncated zstd data (the layer ends before its zstd "
					  "frame does)";
				return VIGIL_EFORMAT;
			}
			return 0;
		}
		ZSTD_inBuffer ib = {d->ip, d->in_left, 0};
		ZSTD_outBuffer ob = {d->out, OUT_BUF, 0};
		size_t r = ZSTD_decompressStream(d->zs, &ob, &ib);
		d->ip += ib.pos;
		d->in_left -= ib.pos;
		if (ZSTD_isError(r)) {
			*errmsg = ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge
					  ? "zstd window larger than 128 MiB (refused)"
					  : "corrupt zstd data";
			return VIGIL_EFORMAT;
		}
		d->zret = r;
		if (ob.pos) {
			*p = d->out;
			*n = ob.pos;
			return 0;
		}
	}
}

int vigil_image__dec_read(vigil_dec *d, const uint8_t **p, size_t *n, const char **errmsg)
{
	int error;
	*n = 0;
	*errmsg = NULL;
	switch (d->comp) {
	case VIGIL_COMP_GZIP:
		return gz_read(d, p, n, errmsg);
	case VIGIL_COMP_ZSTD:
		return zstd_read(d, p, n, errmsg);
	default:
		if ((error = fill(d, errmsg)) < 0)
			return error;
		*p = d->ip;
		*n = d->in_left;
		d->in_left = 0;
		return 0;
	}
}

void vigil_image__dec_free(vigil_dec *d)
{
	if (!d)
		return;
	free(d->gz);
	if (d->zs)
		ZSTD_freeDStream(d->zs);
	free(d->out);
	free(d);
}
