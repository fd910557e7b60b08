/*
 * A small reader for the outer tar of docker-archive and oci-archive files. Layers
 * themselves are read with libarchive; this reader exists because the outer tar must
 * be indexed without reading member data (so layers can then be read in parallel with
 * pread), which libarchive does not offer. It understands ustar, PAX (path, linkpath,
 * size) and GNU long names, and checks every header's checksum.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"

#define PAX_MAX (1u << 20)
#define LONGNAME_MAX (64u << 10)

struct vigil_tarr {
	int fd;
	uint64_t pos; /* offset in the (decompressed) stream */
	vigil_dec *in;
	const uint8_t *ip; /* pending decompressed bytes */
	size_t in_left;
	vigil_ctx *ctx;
	const char *what;
	uint64_t data_left; /* of the current member */
	uint64_t pad;	    /* padding after the current member's data */
	vigil_buf name, link, pax_path, pax_link, gnu_name, gnu_link;
	int have_pax_size;
	uint64_t pax_size;
	uint8_t *buf; /* fd mode read buffer */
};

int vigil_image__tarr_new(vigil_tarr **out, int fd, vigil_dec *in, vigil_ctx *ctx, const char *what)
{
	vigil_tarr *t = calloc(1, sizeof(*t));
	*out = NULL;
	if (!t || (fd >= 0 && !(t->buf = malloc(256 * 1024)))) {
		free(t);
		return VIGIL_ENOMEM;
	}
	t->fd = fd;
	t->in = in;
	t->ctx = ctx;
	t->what = what;
	*out = t;
	return 0;
}

void vigil_image__tarr_free(vigil_tarr *t)
{
	if (!t)
		return;
	vigil_buf_free(&t->name);
	vigil_buf_free(&t->link);
	vigil_buf_free(&t->pax_path);
	vigil_buf_free(&t->pax_link);
	vigil_buf_free(&t->gnu_name);
	vigil_buf_free(&t->gnu_link);
	free(t->buf);
	free(t);
}

static int truncated(vigil_tarr *t)
{
	return vigil_error_set(t->ctx, VIGIL_EFORMAT, "%s: truncated tar archive at offset %llu",
			       t->what, (unsigned long long)t->pos);
}

/* Next chunk of at most `max` bytes of the stream; *n = 0 at its end. */
static int chunk(vigil_tarr *t, const uint8_t **p, size_t *n, uint64_t max)
{
	const char *msg;
	int error;
	*n = 0;
	if (max == 0)
		return 0;
	if (t->fd >= 0) {
		size_t want = max < 256 * 1024 ? (size_t)max : 256 * 1024;
		ssize_t r;
		do
			r = pread(t->fd, t->buf, want, (off_t)t->pos);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return vigil_error_set(t->ctx, VIGIL_EIO, "%s: %s", t->what,
					       strerror(errno));
		*p = t->buf;
		*n = (size_t)r;
	} else {
		if (t->in_left == 0) {
			if ((error = vigil_image__dec_read(t->in, &t->ip, &t->in_left, &msg)) < 0)
				return vigil_error_set(t->ctx, error, "%s: %s", t->what, msg);
		}
		*p = t->ip;
		*n = t->in_left < max ? t->in_left : (size_t)max;
		t->ip += *n;
		t->in_left -= *n;
	}
	t->pos += *n;
	return 0;
}

static int read_exact(vigil_tarr *t, uint8_t *dst, size_t len)
{
	while (len) {
		const uint8_t *p;
		size_t n;
		int error = chunk(t, &p, &n, len);
		if (error < 0)
			return error;
		if (n == 0)
			return truncated(t);
		memcpy(dst, p, n);
		dst += n;
		len -= n;
	}
	return 0;
}

static int skip(vigil_tarr *t, uint64_t len)
{
	if (t->fd >= 0) {
		t->pos += len; /* a short file shows up when the next header is read */
		return 0;
	}
	while (len) {
		const uint8_t *p;
		size_t n;
		int error = chunk(t, &p, &n, len);
		if (error < 0)
			return error;
		if (n == 0)
			return truncated(t);
		len -= n;
	}
	return 0;
}

/* Parses an octal or base-256 numeric field. */
static int parse_num(uint64_t *out, const uint8_t *f, size_t len)
{
	uint64_t v = 0;
	size_t i = 0;
	if (f[0] & 0x80) {
		if (f[0] != 0x80)
			return -1; /* negative or too wide */
		for (i = 1; i < len; i++) {
			if (v >> 56)
				return -1;
			v = (v << 8) | f[i];
		}
		*out = v;
		return 0;
	}
	while (i < len && (f[i] == ' ' || f[i] == '\0'))
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	*out = v;
	return 0;
}

static int checksum_ok(const uint8_t *h)
{
	uint64_t want;
	unsigned long u = 0;
	long s = 0;
	if (parse_num(&want, h + 148, 8) < 0)
		return 0;
	for (int i = 0; i < 512; i++) {
		uint8_t c = (i >= 148 && i < 156) ? ' ' : h[i];
		u += c;
		s += (signed char)c;
	}
	return want == u || (long)want == s;
}

static int set_field(vigil_buf *b, const uint8_t *f, size_t len)
{
	size_t n = strnlen((const char *)f, len);
	b->len = 0;
	return vigil_buf_put(b, f, n);
}

/* Reads the whole data of a metadata member (PAX or GNU long name) into b. */
static int read_meta(vigil_tarr *t, vigil_buf *b, uint64_t size, uint64_t cap)
{
	int error;
	if (size > cap)
		return vigil_error_set(t->ctx, VIGIL_ELIMIT,
				       "%s: tar metadata record of %llu bytes is too large",
				       t->what, (unsigned long long)size);
	b->len = 0;
	if ((error = vigil_buf_grow(b, (size_t)size)) < 0 ||
	    (error = read_exact(t, b->data, (size_t)size)) < 0)
		return error;
	b->len = (size_t)size;
	b->data[b->len] = 0;
	return skip(t, (512 - size % 512) % 512);
}

/* Applies the records of a PAX extended header ("len key=value\n"...). */
static int parse_pax(vigil_tarr *t, const vigil_buf *b)
{
	size_t i = 0;
	int error;
	while (i < b->len) {
		uint64_t len = 0;
		size_t j = i;
		while (j < b->len && b->data[j] >= '0' && b->data[j] <= '9' && len < b->len)
			len = len * 10 + (uint64_t)(b->data[j++] - '0');
		if (j >= b->len || b->data[j] != ' ' || len <= j - i || len > b->len - i)
			return vigil_error_set(t->ctx, VIGIL_EFORMAT, "%s: malformed PAX header",
					       t->what);
		const char *key = (const char *)b->data + j + 1;
		const char *end = (const char *)b->data + i + len - 1; /* the '\n' */
		const char *eq = memchr(key, '=', (size_t)(end - key));
		if (!eq || *end != '\n')
			return vigil_error_set(t->ctx, VIGIL_EFORMAT, "%s: malformed PAX record",
					       t->what);
		size_t klen = (size_t)(eq - key), vlen = (size_t)(end - eq - 1);
		if (klen == 4 && memcmp(key, "path", 4) == 0) {
			t->pax_path.len = 0;
			if ((error = vigil_buf_put(&t->pax_path, eq + 1, vlen)) < 0)
				return error;
		} else if (klen == 8 && memcmp(key, "linkpath", 8) == 0) {
			t->pax_link.len = 0;
			if ((error = vigil_buf_put(&t->pax_link, eq + 1, vlen)) < 0)
				return error;
		} else if (klen == 4 && memcmp(key, "size", 4) == 0) {
			char num[32];
			if (vlen == 0 || vlen >= sizeof(num))
				return vigil_error_set(t->ctx, VIGIL_EFORMAT,
						       "%s: malformed PAX size", t->what);
			memcpy(num, eq + 1, vlen);
			num[vlen] = 0;
			if (vigil_parse_uint(&t->pax_size, num, UINT64_MAX / 2) < 0)
				return vigil_error_set(t->ctx, VIGIL_EFORMAT,
						       "%s: malformed PAX size", t->what);
			t->have_pax_size = 1;
		}
		i += (size_t)len;
	}
	return 0;
}

static const char *clean_name(const char *s)
{
	while (s[0] == '.' && s[1] == '/')
		for (s += 2; *s == '/'; s++)
			;
	while (*s == '/')
		s++;
	return s;
}

int vigil_image__tarr_next(vigil_tarr *t, vigil_tar_member *m)
{
	uint8_t h[512];
	int error;
	/* finish the previous member */
	if ((error = skip(t, t->data_left + t->pad)) < 0)
		return error;
	t->data_left = t->pad = 0;
	t->pax_path.len = t->pax_link.len = t->gnu_name.len = t->gnu_link.len = 0;
	t->have_pax_size = 0;
	for (;;) {
		uint64_t hdr_at = t->pos;
		const uint8_t *p;
		size_t got = 0, n;
		while (got < 512) {
			if ((error = chunk(t, &p, &n, 512 - got)) < 0)
				return error;
			if (n == 0)
				break;
			memcpy(h + got, p, n);
			got += n;
		}
		if (got == 0)
			return 0; /* end without the zero blocks: tolerated */
		if (got < 512)
			return truncated(t);
		int zero = 1;
		for (int i = 0; i < 512 && zero; i++)
			zero = h[i] == 0;
		if (zero)
			return 0;
		if (!checksum_ok(h))
			return vigil_error_set(
				t->ctx, VIGIL_EFORMAT,
				"%s: not a tar archive or corrupt tar header at offset %llu",
				t->what, (unsigned long long)hdr_at);
		uint64_t size;
		if (parse_num(&size, h + 124, 12) < 0)
			return vigil_error_set(t->ctx, VIGIL_EFORMAT,
					       "%s: bad size field in tar header at offset %llu",
					       t->what, (unsigned long long)hdr_at);
		char type = (char)h[156];
		if (type == 'x' || type == 'g') {
			vigil_buf pax = VIGIL_BUF_INIT;
			error = read_meta(t, &pax, size, PAX_MAX);
			if (error == 0 && type == 'x')
				error = parse_pax(t, &pax);
			vigil_buf_free(&pax);
			if (error < 0)
				return error;
			continue;
		}
		if (type == 'L' || type == 'K') {
			vigil_buf *b = type == 'L' ? &t->gnu_name : &t->gnu_link;
			if ((error = read_meta(t, b, size, LONGNAME_MAX)) < 0)
				return error;
			b->len = strnlen((char *)b->data, b->len);
			continue;
		}
		if (t->have_pax_size)
			size = t->pax_size;
		/* name: PAX, then GNU, then ustar prefix + name */
		t->name.len = 0;
		if (t->pax_path.len)
			error = vigil_buf_put(&t->name, t->pax_path.data, t->pax_path.len);
		else if (t->gnu_name.len)
			error = vigil_buf_put(&t->name, t->gnu_name.data, t->gnu_name.len);
		else {
			if (memcmp(h + 257, "ustar", 5) == 0 && h[345]) {
				if ((error = set_field(&t->name, h + 345, 155)) < 0 ||
				    (error = vigil_buf_putc(&t->name, '/')) < 0)
					return error;
				vigil_buf tmp = VIGIL_BUF_INIT;
				if ((error = set_field(&tmp, h, 100)) == 0)
					error = vigil_buf_put(&t->name, tmp.data, tmp.len);
				vigil_buf_free(&tmp);
			} else {
				error = set_field(&t->name, h, 100);
			}
		}
		if (error < 0 || (error = vigil_buf_cstr(&t->name)) < 0)
			return error;
		t->link.len = 0;
		if (t->pax_link.len)
			error = vigil_buf_put(&t->link, t->pax_link.data, t->pax_link.len);
		else if (t->gnu_link.len)
			error = vigil_buf_put(&t->link, t->gnu_link.data, t->gnu_link.len);
		else
			error = set_field(&t->link, h + 157, 100);
		if (error < 0 || (error = vigil_buf_cstr(&t->link)) < 0)
			return error;
		if (type == '2' || type == '3' || type == '4' || type == '5' || type == '6')
			size = 0; /* these carry no data whatever the header says */
		memset(m, 0, sizeof(*m));
		m->name = clean_name((char *)t->name.data);
		m->link = (char *)t->link.data;
		m->type = type ? type : '0';
		m->off = t->pos;
		m->size = size;
		t->data_left = size;
		t->pad = (512 - size % 512) % 512;
		return 1;
	}
}

int vigil_image__tarr_data(vigil_tarr *t, const uint8_t **p, size_t *n)
{
	int error = chunk(t, p, n, t->data_left);
	if (error < 0)
		return error;
	if (*n == 0 && t->data_left)
		return truncated(t);
	t->data_left -= *n;
	return 0;
}
