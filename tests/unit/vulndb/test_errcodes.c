/* Issue 22, one error-code class: a secdb packages[] item that is not a mapping and is
 * unterminated or nested too deep was returned as the skipper's -1 (VIGIL_ENOMEM's
 * value): the whole `vigil db update` failed with "cannot be read". Now the file counts
 * as malformed and what was read before it is kept. */
#include <string.h>

#include "vulndb/vulndb.h"
#include "../test.h"

static int secdb(const char *doc, uint64_t *records, uint64_t *skipped)
{
	return vigil_vdb__parse_buffer(&vigil_feed_alpine_secdb, "v3.20/main.yaml",
				       (const uint8_t *)doc, strlen(doc), records, skipped);
}

#define HEAD                                                                                       \
	"distroversion: v3.20\npackages:\n  - pkg:\n      name: openssl\n      secfixes:\n"        \
	"        3.1.4-r0:\n          - CVE-2023-5363\n"

TEST(test_errcodes__secdb_unterminated_item_is_skipped)
{
	uint64_t rec = 0, sk = 0;
	CHECK(secdb(HEAD "  - [a, b\n", &rec, &sk) == 0);
	CHECK(rec == 1);
	CHECK(sk == 1);
}

TEST(test_errcodes__secdb_deep_item_is_skipped)
{
	char doc[1024];
	size_t n = strlen(HEAD "  - ");
	memcpy(doc, HEAD "  - ", n);
	for (int i = 0; i < 80; i++)
		doc[n++] = '[';
	for (int i = 0; i < 80; i++)
		doc[n++] = ']';
	doc[n++] = '\n';
	doc[n] = 0;
	uint64_t rec = 0, sk = 0;
	CHECK(secdb(doc, &rec, &sk) == 0);
	CHECK(rec == 1);
	CHECK(sk == 1);
}

TEST(test_errcodes__secdb_scalar_item_is_ignored)
{
	uint64_t rec = 0, sk = 0;
	CHECK(secdb(HEAD "  - just-a-word\n", &rec, &sk) == 0);
	CHECK(rec == 1);
	CHECK(sk == 0);
}
