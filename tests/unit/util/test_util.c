/* Utilities: sizes, JSON escaping, digests. */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "util/util.h"

TEST(test_util__parse_size_suffixes)
{
	uint64_t v;
	CHECK(vigil_parse_size(&v, "512") == 0 && v == 512);
	CHECK(vigil_parse_size(&v, "64K") == 0 && v == 65536);
	CHECK(vigil_parse_size(&v, "10M") == 0 && v == 10u << 20);
	CHECK(vigil_parse_size(&v, "2G") == 0 && v == 2ull << 30);
	CHECK(vigil_parse_size(&v, "1GiB") == 0 && v == 1ull << 30);
	CHECK(vigil_parse_size(&v, "x") < 0);
	CHECK(vigil_parse_size(&v, "99999999999999999999") < 0);
	CHECK(vigil_parse_size(&v, "17179869184G") < 0);
}

TEST(test_util__json_escape_replaces_invalid_utf8)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	CHECK(f);
	vigil_json_escape(f, "a\"b\\\n\x01\xff\xc3\xa9");
	fclose(f);
	CHECK_STR(out, "a\\\"b\\\\\\n\\u0001\xef\xbf\xbd\xc3\xa9");
	free(out);
}

/* Plain runs are written whole: every run (first, between escapes, last, next to a
 * multi-byte character) must come out once and in order. */
TEST(test_util__json_escape_keeps_plain_runs_around_escapes)
{
	static const char *const cases[][2] = {
		{"", ""},
		{"plain text only", "plain text only"},
		{"\"", "\\\""},
		{"lead\"mid\\tail", "lead\\\"mid\\\\tail"},
		{"\ttab\r\n", "\\ttab\\r\\n"},
		{"x\x7f\x1fy", "x\x7f\\u001fy"},
		{"caf\xc3\xa9 na\xc3\xafve\"", "caf\xc3\xa9 na\xc3\xafve\\\""},
		{"\xe2\x82\xac\xe2\x82", "\xe2\x82\xac\xef\xbf\xbd\xef\xbf\xbd"},
		{"ab\xc3", "ab\xef\xbf\xbd"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);
		CHECK(f);
		vigil_json_escape(f, cases[i][0]);
		fclose(f);
		CHECK_STR(out, cases[i][1]);
		free(out);
	}
}

TEST(test_util__sha256_of_empty)
{
	char d[72];
	CHECK(vigil_sha256_buf(d, "", 0) == 0);
	CHECK_STR(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK(vigil_digest_is_sha256(d));
	CHECK(!vigil_digest_is_sha256("sha256:E3B0"));
}

TEST(test_util__buf_limit)
{
	vigil_buf b = VIGIL_BUF_INIT;
	b.limit = 4;
	CHECK(vigil_buf_puts(&b, "abcd") == 0);
	CHECK(vigil_buf_puts(&b, "e") == VIGIL_ELIMIT);
	vigil_buf_free(&b);
}

/* Every error code has its own description, so a CLI path whose context holds no message
 * says what went wrong instead of "out of memory" for every code. */
TEST(test_util__strerror_names_each_code)
{
	const int codes[] = {VIGIL_ENOMEM,    VIGIL_EIO,    VIGIL_EFORMAT,   VIGIL_ELIMIT,
			     VIGIL_ENOTFOUND, VIGIL_EINVAL, VIGIL_ECANCELLED};
	size_t n = sizeof(codes) / sizeof(codes[0]);
	CHECK_STR(vigil_strerror(VIGIL_ENOMEM), "out of memory");
	CHECK_STR(vigil_strerror(VIGIL_EFORMAT), "malformed input");
	CHECK_STR(vigil_strerror(-99), "unknown error");
	for (size_t i = 0; i < n; i++) {
		CHECK(strcmp(vigil_strerror(codes[i]), "unknown error") != 0);
		for (size_t j = i + 1; j < n; j++)
			CHECK(strcmp(vigil_strerror(codes[i]), vigil_strerror(codes[j])) != 0);
	}
}
