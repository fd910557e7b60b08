/* Cleaning of paths read from tar headers and manifests. */
#include "../test.h"
#include "image/image.h"

static const vigil_limits LIM = VIGIL_LIMITS_INIT;

static int clean(vigil_buf *b, const char *in)
{
	const char *why;
	return vigil_image__path_clean(b, in, &LIM, &why);
}

TEST(test_path__dot_slash_and_repeated_slashes_are_removed)
{
	vigil_buf b = VIGIL_BUF_INIT;
	CHECK(clean(&b, "./etc//passwd") == 0);
	CHECK_STR((char *)b.data, "etc/passwd");
	CHECK(clean(&b, "usr/./lib/") == 0);
	CHECK_STR((char *)b.data, "usr/lib");
	CHECK(clean(&b, "./") == 0);
	CHECK_STR((char *)b.data, "");
	vigil_buf_free(&b);
}

TEST(test_path__dotdot_and_absolute_are_unsafe)
{
	vigil_buf b = VIGIL_BUF_INIT;
	CHECK(clean(&b, "../../etc/passwd") == VIGIL_EFORMAT);
	CHECK(clean(&b, "a/../../b") == VIGIL_EFORMAT);
	CHECK(clean(&b, "/etc/passwd") == VIGIL_EFORMAT);
	CHECK(clean(&b, "a/..b/c") == 0); /* a name that starts with dots is fine */
	vigil_buf_free(&b);
}

TEST(test_path__depth_and_length_limits)
{
	vigil_buf b = VIGIL_BUF_INIT;
	char deep[2 * 300 + 1];
	for (int i = 0; i < 300; i++) {
		deep[2 * i] = 'a';
		deep[2 * i + 1] = '/';
	}
	deep[599] = '\0';
	CHECK(clean(&b, deep) == VIGIL_ELIMIT);
	char longp[5000];
	memset(longp, 'x', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	CHECK(clean(&b, longp) == VIGIL_ELIMIT);
	vigil_buf_free(&b);
}
