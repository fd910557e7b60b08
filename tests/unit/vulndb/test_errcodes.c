/* Issue 22, one error-code class (secdb, and the YAML reader of feeds and lockfiles). A
 * secdb packages[] item that is not a mapping and is unterminated or nested too deep was
 * returned as the skipper's -1 (VIGIL_ENOMEM's value): the whole `vigil db update`
 * failed with "cannot be read". Now the file counts as malformed and what was read
 * before it is kept. */
#include <string.h>

#include "vulndb/lang.h"
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

/* YAML keys are cut to 255 bytes; cut inside an 'é', jansson refused the key (-1) and the
 * whole document was unreadable (a pnpm-lock.yaml with one such name hid all packages) */
TEST(test_errcodes__yaml_key_cut_at_a_character_boundary)
{
	char doc[600], want[300];
	memset(want, 'a', 254);
	want[254] = 0;
	snprintf(doc, sizeof(doc), "%s\xc3\xa9: 1\nlodash: 2\n", want);
	json_t *t = NULL;
	CHECK(vigil_vdb__yaml_to_json(&t, (const uint8_t *)doc, strlen(doc)) == 0);
	CHECK(json_is_object(t));
	CHECK(json_object_size(t) == 2);
	CHECK(json_object_get(t, want) != NULL);
	CHECK(json_object_get(t, "lodash") != NULL);
	json_decref(t);
}
