/* Python eggs and wheels (issue 20): egg directories (EGG-INFO/PKG-INFO) and zipped .egg
 * and .whl files in site-packages. */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "java_zipw.h"
#include "../test.h"

typedef struct got {
	char line[4][256];
	int n;
	unsigned skipped;
	int rc;
} got;

static int rec(const vigil_pkg *p, void *payload)
{
	got *g = payload;
	if (g->n < 4)
		snprintf(g->line[g->n], sizeof(g->line[0]), "%s|%s|%s", p->name, p->version,
			 p->purl ? p->purl : "");
	g->n++;
	return 0;
}

static void parse(got *g, const char *path, const uint8_t *d, size_t n)
{
	memset(g, 0, sizeof(*g));
	g->rc = vigil_catalog__parse_buffer(&vigil_cataloger_python, path, d, n, rec, g,
					    &g->skipped);
}

static int wants(const char *path)
{
	vigil_file f;
	memset(&f, 0, sizeof(f));
	f.path = path;
	f.size = 100;
	return vigil_cataloger_python.want(&f, NULL, 0) == VIGIL_WANT_YES;
}

TEST(test_python__wants_eggs_and_wheels)
{
	CHECK(wants("/usr/lib/python3/site-packages/six-1.15.0-py3.9.egg/EGG-INFO/PKG-INFO"));
	CHECK(wants("/usr/lib/python3/site-packages/six-1.15.0-py3.9.egg"));
	CHECK(wants("/root/.cache/pip/wheels/Flask-2.0.0-py3-none-any.whl"));
	CHECK(!wants("/EGG-INFO/PKG-INFO"));
	CHECK(!wants("/src/PKG-INFO"));
	CHECK(!wants("/x/.egg"));
}

TEST(test_python__egg_directory_pkg_info)
{
	static const char pi[] = "Metadata-Version: 1.2\nName: requests\nVersion: 2.25.0\n";
	got g;
	parse(&g, "/sp/requests-2.25.0-py3.9.egg/EGG-INFO/PKG-INFO", (const uint8_t *)pi,
	      strlen(pi));
	CHECK(g.rc == 0 && g.n == 1);
	CHECK_STR(g.line[0], "requests|2.25.0|pkg:pypi/requests@2.25.0");
}

TEST(test_python__zipped_egg_and_wheel)
{
	got g;
	zipw z;
	memset(&z, 0, sizeof(z));
	zipw_add_str(&z, "six.py", "import sys\n");
	zipw_add_str(&z, "EGG-INFO/PKG-INFO",
		     "Metadata-Version: 1.1\nName: six\nVersion: 1.15.0\n");
	zipw_finish(&z);
	parse(&g, "/sp/six-1.15.0-py3.9.egg", z.buf, z.len);
	zipw_free(&z);
	CHECK(g.rc == 0 && g.n == 1);
	CHECK_STR(g.line[0], "six|1.15.0|pkg:pypi/six@1.15.0");

	memset(&z, 0, sizeof(z));
	zipw_add_str(&z, "flask/__init__.py", "");
	zipw_add_str(&z, "Flask-2.0.0.dist-info/METADATA",
		     "Metadata-Version: 2.1\nName: Flask\nVersion: 2.0.0\n");
	zipw_finish(&z);
	parse(&g, "/wheels/Flask-2.0.0-py3-none-any.whl", z.buf, z.len);
	zipw_free(&z);
	CHECK(g.rc == 0 && g.n == 1);
	CHECK_STR(g.line[0], "Flask|2.0.0|pkg:pypi/flask@2.0.0");
}

TEST(test_python__zip_without_metadata_or_not_a_zip)
{
	got g;
	zipw z;
	memset(&z, 0, sizeof(z));
	zipw_add_str(&z, "x.py", "");
	zipw_add_str(&z, "deep/Flask-2.0.0.dist-info/METADATA", "Name: Flask\nVersion: 2.0.0\n");
	zipw_finish(&z);
	parse(&g, "/wheels/x-1.0-py3-none-any.whl", z.buf, z.len);
	zipw_free(&z);
	CHECK(g.rc == 0 && g.n == 0 && g.skipped == 1);
	parse(&g, "/sp/garbage.egg", (const uint8_t *)"not a zip", 9);
	CHECK(g.rc < 0 && g.n == 0);
}
