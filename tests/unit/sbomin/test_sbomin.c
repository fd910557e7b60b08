/* SBOM input (src/lib/sbomin/): package URLs and the three document kinds in memory. */
#include <stdlib.h>

#include "sbomin/sbomin.h"
#include "../test.h"

TEST(test_sbomin__purl_parts)
{
	vigil_arena a;
	vigil_purl u;
	vigil_arena_init(&a);
	CHECK(vigil_sbomin__purl_parse(&u, &a, "pkg:npm/%40angular/core@16.2.0") == 0);
	CHECK_STR(u.type, "npm");
	CHECK_STR(u.ns, "@angular");
	CHECK_STR(u.name, "core");
	CHECK_STR(u.version, "16.2.0");
	CHECK(vigil_sbomin__purl_parse(&u, &a, "pkg:npm/@angular/core") == 0);
	CHECK_STR(u.ns, "@angular");
	CHECK(u.version == NULL);
	CHECK(vigil_sbomin__purl_parse(
		      &u, &a,
		      "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro="
		      "debian-12#sub/path") == 0);
	CHECK_STR(u.name, "libssl3");
	CHECK_STR(u.version, "3.0.11-1~deb12u2");
	CHECK_STR(u.arch, "amd64");
	CHECK_STR(u.upstream, "openssl");
	CHECK_STR(u.distro, "debian-12");
	CHECK(vigil_sbomin__purl_parse(&u, &a, "pkg:golang/github.com/gin-gonic/gin@v1.9.0") == 0);
	CHECK_STR(u.ns, "github.com/gin-gonic");
	CHECK_STR(u.name, "gin");
	CHECK(vigil_sbomin__purl_parse(&u, &a, "PKG:Maven/org.apache/commons-text@1.9") == 0);
	CHECK_STR(u.type, "maven");
	/* not a purl is VIGIL_EFORMAT, never -1 (VIGIL_ENOMEM: the reader gave up with "out
	 * of memory" on one bad purl) */
	CHECK(vigil_sbomin__purl_parse(&u, &a, "cpe:2.3:a:x:y:1") == VIGIL_EFORMAT);
	CHECK(vigil_sbomin__purl_parse(&u, &a, "pkg:npm") == VIGIL_EFORMAT);
	CHECK(vigil_sbomin__purl_parse(&u, &a, "pkg:npm/a%00b@1") == VIGIL_EFORMAT); /* NUL */
	vigil_arena_clear(&a);
}

static int load(vigil_inventory **inv, const char *doc)
{
	vigil_ctx *ctx = NULL;
	int e;
	if (vigil_ctx_new(&ctx) < 0)
		return -100;
	e = vigil_sbomin_load_buffer(inv, ctx, "test.sbom", doc, strlen(doc));
	vigil_ctx_free(ctx);
	return e;
}

static const vigil_pkg *find(const vigil_inventory *inv, const char *name)
{
	for (size_t i = 0; i < vigil_inventory_count(inv); i++)
		if (!strcmp(vigil_inventory_pkg(inv, i)->name, name))
			return vigil_inventory_pkg(inv, i);
	return NULL;
}

TEST(test_sbomin__cyclonedx_names_like_the_catalogers)
{
	vigil_inventory *inv = NULL;
	const vigil_pkg *p;
	CHECK(load(&inv,
		   "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":["
		   "{\"type\":\"operating-system\",\"name\":\"debian\",\"version\":\"12\"},"
		   "{\"type\":\"library\",\"name\":\"core\",\"purl\":\"pkg:npm/%40angular/"
		   "core@16.2.0\"},"
		   "{\"type\":\"library\",\"name\":\"commons-text\",\"purl\":\"pkg:maven/"
		   "org.apache.commons/commons-text@1.9\",\"components\":[{\"type\":\"library\","
		   "\"name\":\"x\",\"purl\":\"pkg:pypi/Flask@2.0.0\"}]},"
		   "{\"type\":\"library\",\"name\":\"libssl3\",\"purl\":\"pkg:deb/debian/"
		   "libssl3@3.0.11-1?upstream=openssl\"},"
		   "{\"type\":\"library\",\"name\":\"nopurl\",\"version\":\"1\"},"
		   "{\"type\":\"file\",\"name\":\"/etc/passwd\"}]}") == 0);
	CHECK(vigil_inventory_count(inv) == 4);
	CHECK((p = find(inv, "@angular/core")) && !strcmp(p->type, "npm"));
	CHECK((p = find(inv, "commons-text")) && p->group &&
	      !strcmp(p->group, "org.apache.commons"));
	CHECK(find(inv, "Flask") != NULL); /* nested components */
	CHECK((p = find(inv, "libssl3")) && p->os_package && p->source_name &&
	      !strcmp(p->source_name, "openssl"));
	CHECK_STR(vigil_inventory_distro(inv)->id, "debian");
	CHECK_STR(vigil_inventory_distro(inv)->version_id, "12");
	vigil_inventory_free(inv);
}

TEST(test_sbomin__spdx_json_and_tag_value_agree)
{
	vigil_inventory *a = NULL, *b = NULL;
	CHECK(load(&a, "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"name\":\"alpine\","
		       "\"versionInfo\":\"3.20.3\",\"primaryPackagePurpose\":\"OPERATING-SYSTEM\"},"
		       "{\"name\":\"musl\",\"versionInfo\":\"1.2.5-r0\",\"externalRefs\":[{"
		       "\"referenceCategory\":\"PACKAGE-MANAGER\",\"referenceType\":\"purl\","
		       "\"referenceLocator\":\"pkg:apk/alpine/musl@1.2.5-r0\"}]}]}") == 0);
	CHECK(load(&b, "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\n\n"
		       "PackageName: alpine\nPackageVersion: 3.20.3\n"
		       "PrimaryPackagePurpose: OPERATING-SYSTEM\n\n"
		       "PackageName: musl\nSPDXID: SPDXRef-1\nPackageVersion: 1.2.5-r0\n"
		       "PackageComment: <text>two\nlines</text>\n"
		       "ExternalRef: PACKAGE_MANAGER purl pkg:apk/alpine/musl@1.2.5-r0\n") == 0);
	CHECK(vigil_inventory_count(a) == 1 && vigil_inventory_count(b) == 1);
	CHECK_STR(vigil_inventory_pkg(a, 0)->version, vigil_inventory_pkg(b, 0)->version);
	CHECK_STR(vigil_inventory_distro(a)->id, "alpine");
	CHECK_STR(vigil_inventory_distro(b)->version_id, "3.20.3");
	vigil_inventory_free(a);
	vigil_inventory_free(b);
}

TEST(test_sbomin__refuses_what_is_not_an_sbom)
{
	vigil_inventory *inv = NULL;
	CHECK(load(&inv, "") == VIGIL_EFORMAT);
	CHECK(load(&inv, "{\"bomFormat\":\"CycloneDX\"") == VIGIL_EFORMAT);
	CHECK(load(&inv, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"2.0\"}") == VIGIL_EFORMAT);
	CHECK(load(&inv, "{\"spdxVersion\":\"SPDX-3.0\"}") == VIGIL_EFORMAT);
	CHECK(load(&inv, "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"/>") == VIGIL_EFORMAT);
	CHECK(load(&inv, "{\"packages\":[]}") == VIGIL_EFORMAT); /* Vigil's inventory JSON */
	CHECK(load(&inv, "SPDXVersion: SPDX-2.3\nPackageName: x\nPackageComment: <text>open\n") ==
	      VIGIL_EFORMAT);
	CHECK(inv == NULL);
}
