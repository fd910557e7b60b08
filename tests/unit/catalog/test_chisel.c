/*
 * The chisel cataloger: the shared sample manifest (../shared, skipped with a note when
 * absent), and small jsonwall documents made here.
 */
#include <stdlib.h>
#include <zstd.h>

#include "catalog/catalog.h"
#include "../test.h"

typedef struct got {
	size_t count;
	char line[8][256]; /* "name version arch files" */
} got;

static int collect(const vigil_pkg *p, void *payload)
{
	got *g = payload;
	size_t n = 0;
	while (p->files && p->files[n])
		n++;
	if (g->count < 8)
		snprintf(g->line[g->count], sizeof(g->line[0]), "%s %s %s %zu", p->name, p->version,
			 p->arch ? p->arch : "-", n);
	g->count++;
	return 0;
}

static int run(const char *path, const void *data, size_t len, got *g, unsigned *skipped)
{
	memset(g, 0, sizeof(*g));
	return vigil_catalog__parse_buffer(&vigil_cataloger_chisel, path, data, len, collect, g,
					   skipped);
}

TEST(test_chisel__sample_manifest_lists_three_packages)
{
	const char *shared = getenv("VIGIL_SHARED") ? getenv("VIGIL_SHARED") : "../shared";
	char file[4096];
	snprintf(file, sizeof(file), "%s/specs/pkgdb/chisel/var/lib/chisel/manifest.wall", shared);
	FILE *f = fopen(file, "rb");
	uint8_t buf[65536];
	got g;
	unsigned skipped;
	if (!f) {
		printf("  note: %s not found; this check is skipped\n", file);
		return;
	}
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	CHECK(run("/var/lib/chisel/manifest.wall", buf, n, &g, &skipped) == 0);
	CHECK(g.count == 3 && skipped == 0);
	/* sorted as the manifest is; directories are not files */
	CHECK_STR(g.line[0], "base-files 12ubuntu4.7 amd64 3");
	CHECK_STR(g.line[1], "hello 2.10-2ubuntu4 amd64 2");
	CHECK_STR(g.line[2], "libc6 2.35-0ubuntu3.8 amd64 22");
}

static const char WALL[] =
	"{\"jsonwall\":\"1.0\",\"schema\":\"1.0\",\"count\":9}\n"
	"{\"kind\":\"package\",\"name\":\"a\",\"version\":\"1.0-1\",\"arch\":\"arm64\"}\n"
	"{\"kind\":\"package\",\"name\":\"b\",\"version\":\"2\"}\n"
	"{\"kind\":\"package\",\"name\":\"noversion\"}\n"
	"{\"kind\":\"path\",\"path\":\"/usr/bin/a\",\"mode\":\"0755\",\"slices\":[\"a_bins\","
	"\"a_more\",\"b_libs\"]}\n"
	"{\"kind\":\"path\",\"path\":\"/usr/lib/\",\"mode\":\"0755\",\"slices\":[\"a_bins\"]}\n"
	"{\"kind\":\"path\",\"path\":\"/etc/b\",\"mode\":\"0644\",\"slices\":[\"nounderscore\","
	"\"b_config\"]}\n"
	"not json\n"
	"{\"kind\":\"slice\",\"name\":\"a_bins\"}\n";

TEST(test_chisel__paths_belong_to_the_packages_of_their_slices)
{
	got g;
	unsigned skipped;
	CHECK(run("/var/lib/chisel/manifest.wall", WALL, sizeof(WALL) - 1, &g, &skipped) == 0);
	CHECK(g.count == 2);
	/* a: /usr/bin/a once (two of its slices); b: /usr/bin/a and /etc/b */
	CHECK_STR(g.line[0], "a 1.0-1 arm64 1");
	CHECK_STR(g.line[1], "b 2 - 2");
	/* the package without a version, the bad slice name, the line that is not JSON */
	CHECK(skipped == 3);

	/* compressed the same */
	uint8_t z[4096];
	size_t zn = ZSTD_compress(z, sizeof(z), WALL, sizeof(WALL) - 1, 3);
	CHECK(!ZSTD_isError(zn));
	CHECK(run("/usr/share/chisel/manifest.wall", z, zn, &g, &skipped) == 0 && g.count == 2);
	/* truncated */
	CHECK(run("/var/lib/chisel/manifest.wall", z, zn - 3, &g, &skipped) == VIGIL_EFORMAT);
}

TEST(test_chisel__needs_the_jsonwall_header)
{
	got g;
	unsigned skipped;
	const char *nohead = "{\"kind\":\"package\",\"name\":\"a\",\"version\":\"1\"}\n";
	CHECK(run("/var/lib/chisel/manifest.wall", nohead, strlen(nohead), &g, &skipped) ==
	      VIGIL_EFORMAT);
	CHECK(run("/var/lib/chisel/manifest.wall", "", 0, &g, &skipped) == VIGIL_EFORMAT);
	CHECK(run("/var/lib/chisel/manifest.wall", "\x28\xb5\x2f\xfd", 4, &g, &skipped) ==
	      VIGIL_EFORMAT);
}

TEST(test_chisel__wants_manifests_in_chisel_directories)
{
	vigil_file f;
	memset(&f, 0, sizeof(f));
	f.path = "/var/lib/chisel/manifest.wall";
	CHECK(vigil_cataloger_chisel.want(&f, NULL, 0) == VIGIL_WANT_YES);
	f.path = "/opt/chisel/sub/manifest.wall";
	CHECK(vigil_cataloger_chisel.want(&f, NULL, 0) == VIGIL_WANT_YES);
	f.path = "/var/lib/other/manifest.wall";
	CHECK(vigil_cataloger_chisel.want(&f, NULL, 0) == VIGIL_WANT_NO);
	f.path = "/var/lib/chisel/manifest.wall.bak";
	CHECK(vigil_cataloger_chisel.want(&f, NULL, 0) == VIGIL_WANT_NO);
}
