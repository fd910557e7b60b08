/* Issue 22, one error-code class: bytes of a lockfile that are not UTF-8 (or a name cut
 * inside a UTF-8 sequence) were refused as a key of the cataloger's lookup table with
 * jansson's -1, which the catalogers returned as VIGIL_ENOMEM: the scan ended "out of
 * memory". Each case: parse succeeds, every package is listed. */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/lock.h"
#include "../test.h"

typedef struct got {
	int n;
	char names[8][64];
	unsigned flags[8];
} got;

static int collect(const vigil_pkg *p, void *payload)
{
	got *g = payload;
	if (g->n < 8) {
		snprintf(g->names[g->n], sizeof(g->names[0]), "%s", p->name);
		g->flags[g->n] = p->flags;
	}
	g->n++;
	return 0;
}

static int parse(got *g, const vigil_cataloger *c, const char *path, const char *doc, size_t len)
{
	unsigned skipped = 0;
	memset(g, 0, sizeof(*g));
	return vigil_catalog__parse_buffer(c, path, (const uint8_t *)doc, len, collect, g,
					   &skipped);
}

TEST(test_errcodes__gosum_name_not_utf8_is_listed)
{
	static const char doc[] = "example.com/a v1.0.0 h1:abc=\n"
				  "example.com/\xff\xfe v1.2.0 h1:def=\n"
				  "golang.org/x/net v0.1.0 h1:ghi=\n";
	got g;
	CHECK(parse(&g, &vigil_cataloger_lock_go, "/app/go.sum", doc, sizeof(doc) - 1) == 0);
	CHECK(g.n == 3);
	CHECK_STR(g.names[1], "example.com/\xff\xfe");
}

TEST(test_errcodes__gomod_replace_not_utf8_is_read)
{
	static const char doc[] =
		"module example.com/app\n\ngo 1.21\n\n"
		"require (\n\texample.com/\xc3 v1.0.0\n\tgolang.org/x/text v0.3.5\n)\n\n"
		"replace example.com/\xc3 => example.com/fork v1.0.1\n";
	got g;
	CHECK(parse(&g, &vigil_cataloger_lock_go, "/app/go.mod", doc, sizeof(doc) - 1) == 0);
	CHECK(g.n == 2);
	CHECK_STR(g.names[0], "example.com/fork");
}

TEST(test_errcodes__gemfile_lock_name_not_utf8_is_listed)
{
	static const char doc[] = "GEM\n  remote: https://rubygems.org/\n  specs:\n"
				  "    rack (2.2.3)\n    r\xff"
				  "ck (1.0)\n\nDEPENDENCIES\n  rack\n  r\xff"
				  "ck\n";
	got g;
	CHECK(parse(&g, &vigil_cataloger_lock_ruby, "/app/Gemfile.lock", doc, sizeof(doc) - 1) ==
	      0);
	CHECK(g.n == 2);
	CHECK_STR(g.names[1], "r\xff"
			      "ck");
	CHECK(g.flags[1] & VIGIL_PKG_DIRECT);
}

TEST(test_errcodes__nuget_lock_name_not_utf8_is_listed)
{
	static const char doc[] = "{\"version\":1,\"dependencies\":{\"net8.0\":{\"Newt\xff"
				  "soft.Json\":{\"type\":\"Direct\",\"requested\":\"[13.0.1, )\","
				  "\"resolved\":\"13.0.1\"}}}}";
	got g;
	CHECK(parse(&g, &vigil_cataloger_lock_dotnet, "/app/packages.lock.json", doc,
		    sizeof(doc) - 1) == 0);
	CHECK(g.n == 1);
}

/* pnpm: "name@version" cut to its 1024-byte key inside the two bytes of an 'é' */
TEST(test_errcodes__pnpm_key_cut_inside_utf8_is_read)
{
	char doc[4096], name[201], ver[900];
	memset(name, 'a', 200);
	name[200] = 0;
	snprintf(ver, sizeof(ver), "1.0.0-%0815d\xc3\xa9", 0);
	snprintf(doc, sizeof(doc),
		 "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n"
		 "      %s:\n        specifier: ^1.0.0\n        version: %s\n"
		 "      lodash:\n        specifier: ^4.17.20\n        version: 4.17.20\n"
		 "packages:\n  lodash@4.17.20:\n    resolution: {integrity: sha512-x}\n",
		 name, ver);
	got g;
	CHECK(parse(&g, &vigil_cataloger_lock_js, "/app/pnpm-lock.yaml", doc, strlen(doc)) == 0);
	CHECK(g.n == 1);
	CHECK_STR(g.names[0], "lodash");
	CHECK(g.flags[0] & VIGIL_PKG_DIRECT);
}

TEST(test_errcodes__lock_set_takes_any_bytes)
{
	json_t *set = json_object();
	CHECK(set);
	CHECK(vigil_lock__set(set, "a\xff", json_true()) == 0);
	CHECK(json_is_true(json_object_get(set, "a\xff")));
	CHECK(vigil_lock__set(set, "a\xc3", json_true()) == 0);
	CHECK(json_object_size(set) == 2);
	json_decref(set);
}

/* a value over the reader's 4 KiB buffer: its VIGIL_ELIMIT was returned as VIGIL_ENOMEM;
 * now the entry is skipped (counted) and the others are listed */
TEST(test_errcodes__nuget_lock_value_over_4k_is_skipped)
{
	char doc[8192], ver[5001];
	memset(ver, '0', 5000);
	ver[5000] = 0;
	snprintf(doc, sizeof(doc),
		 "{\"version\":1,\"dependencies\":{\"net8.0\":{\"Evil\":{\"type\":\"Direct\","
		 "\"resolved\":\"1.%s\"},\"Serilog\":{\"type\":\"Direct\",\"resolved\":"
		 "\"2.10.0\"}}}}",
		 ver);
	got g;
	unsigned skipped = 0;
	memset(&g, 0, sizeof(g));
	CHECK(vigil_catalog__parse_buffer(&vigil_cataloger_lock_dotnet, "/app/packages.lock.json",
					  (const uint8_t *)doc, strlen(doc), collect, &g,
					  &skipped) == 0);
	CHECK(g.n == 1);
	CHECK_STR(g.names[0], "Serilog");
	CHECK(skipped == 1);
}

TEST(test_errcodes__swift_pin_value_over_4k_is_skipped)
{
	char doc[8192], repo[5001];
	memset(repo, 'b', 5000);
	repo[5000] = 0;
	snprintf(doc, sizeof(doc),
		 "{\"pins\":[{\"identity\":\"x\",\"location\":\"https://github.com/a/%s\","
		 "\"state\":{\"version\":\"1.0.0\"}},{\"identity\":\"swift-nio\",\"location\":"
		 "\"https://github.com/apple/swift-nio.git\",\"state\":{\"version\":\"2.40.0\"}}],"
		 "\"version\":2}",
		 repo);
	got g;
	unsigned skipped = 0;
	memset(&g, 0, sizeof(g));
	CHECK(vigil_catalog__parse_buffer(&vigil_cataloger_lock_misc, "/app/Package.resolved",
					  (const uint8_t *)doc, strlen(doc), collect, &g,
					  &skipped) == 0);
	CHECK(g.n == 1);
	CHECK_STR(g.names[0], "swift-nio");
	CHECK(skipped == 1);
}
