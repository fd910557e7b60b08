/* Streaming decompression: gzip members, truncation, zstd, plain. */
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include "../test.h"
#include "image/image.h"

static size_t gz(uint8_t *out, size_t cap, const void *in, size_t n)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	size_t got = cap - z.avail_out;
	deflateEnd(&z);
	return got;
}

static int drain(const uint8_t *in, size_t n, vigil_buf *out, const char **msg)
{
	vigil_bsrc_mem m;
	vigil_dec *d;
	int error;
	vigil_image__bsrc_mem_init(&m, in, n);
	if ((error = vigil_image__dec_new(&d, &m.base, NULL)) < 0)
		return error;
	for (;;) {
		const uint8_t *p;
		size_t k;
		if ((error = vigil_image__dec_read(d, &p, &k, msg)) < 0 || k == 0)
			break;
		vigil_buf_put(out, p, k);
	}
	vigil_image__dec_free(d);
	return error;
}

TEST(test_dec__gzip_multi_member_concatenates)
{
	uint8_t buf[512];
	size_t a = gz(buf, 256, "hello ", 6);
	size_t b = gz(buf + a, 256, "world", 5);
	vigil_buf out = VIGIL_BUF_INIT;
	const char *msg;
	CHECK(drain(buf, a + b, &out, &msg) == 0);
	CHECK(out.len == 11 && memcmp(out.data, "hello world", 11) == 0);
	vigil_buf_free(&out);
}

TEST(test_dec__truncated_gzip_is_an_error)
{
	static uint8_t data[100000];
	uint8_t *buf = malloc(200000);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 100);
	size_t n = gz(buf, 200000, data, sizeof(data));
	vigil_buf out = VIGIL_BUF_INIT;
	const char *msg = NULL;
	CHECK(drain(buf, n / 2, &out, &msg) == VIGIL_EFORMAT);
	CHECK(msg && strstr(msg, "truncated"));
	vigil_buf_free(&out);
	free(buf);
}

TEST(test_dec__zstd_and_plain)
{
	uint8_t z[256];
	size_t n = ZSTD_compress(z, sizeof(z), "zstd data", 9, 3);
	vigil_buf out = VIGIL_BUF_INIT;
	const char *msg;
	CHECK(!ZSTD_isError(n));
	CHECK(drain(z, n, &out, &msg) == 0);
	CHECK(out.len == 9 && memcmp(out.data, "zstd data", 9) == 0);
	out.len = 0;
	CHECK(drain(z, n - 2, &out, &msg) == VIGIL_EFORMAT);
	out.len = 0;
	CHECK(drain((const uint8_t *)"plain", 5, &out, &msg) == 0);
	CHECK(out.len == 5);
	vigil_buf_free(&out);
}
