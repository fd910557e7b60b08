/* Matcher unit tests: where each package type is looked up, and how a statement's status,
 * fixed version, OSV ranges and constraint lists decide "affected". */
#include <string.h>

#include "match/match.h"
#include "../test.h"

static vigil_pkg pkg(const char *type, const char *name, const char *version)
{
	vigil_pkg p;
	memset(&p, 0, sizeof(p));
	p.type = type;
	p.name = name;
	p.version = version;
	return p;
}

TEST(match_query_os_packages)
{
	vigil_match_query q;
	vigil_distro deb = {"debian", "12", "bookworm", NULL, "debian", 0};
	vigil_distro alp = {"alpine", "3.20.3", NULL, NULL, "alpine", 0};
	vigil_distro rh = {"rhel", "8.5", NULL, NULL, "rhel", 0};
	vigil_distro ub = {"ubuntu", "22.04", "jammy", NULL, "debian", 0};
	vigil_distro sid = {"debian", NULL, "trixie", NULL, "debian", 0};
	vigil_distro azl = {"azurelinux", "3.0.20240824", NULL, NULL, "azurelinux", 0};
	vigil_pkg p = pkg("deb", "libssl3", "3.0.11-1~deb12u2");
	p.source_name = "openssl";
	p.source_version = "3.0.11-1~deb12u2";
	CHECK(vigil_match__query(&q, &p, &deb) == 1);
	CHECK(strcmp(q.eco, "debian:12") == 0 && strcmp(q.name, "openssl") == 0);
	CHECK(q.scheme == VIGIL_VS_DPKG);
	CHECK(vigil_match__query(&q, &p, &ub) == 1 && strcmp(q.eco, "ubuntu:22.04") == 0);
	CHECK(vigil_match__query(&q, &p, &sid) == 1 && strcmp(q.eco, "debian:unstable") == 0);
	/* a dpkg package without a Source: field is its own source */
	p.source_name = NULL;
	p.source_version = NULL;
	CHECK(vigil_match__query(&q, &p, &deb) == 1 && strcmp(q.name, "libssl3") == 0);
	vigil_pkg a = pkg("apk", "busybox-binsh", "1.36.1-r29");
	a.source_name = "busybox";
	CHECK(vigil_match__query(&q, &a, &alp) == 1);
	CHECK(strcmp(q.eco, "alpine:3.20") == 0 && strcmp(q.name, "busybox") == 0);
	CHECK(strcmp(q.version, "1.36.1-r29") == 0 && q.scheme == VIGIL_VS_APK);
	vigil_pkg r = pkg("rpm", "openssl-libs", "1:1.1.1k-5.el8_5");
	r.source_name = "openssl";
	CHECK(vigil_match__query(&q, &r, &rh) == 1);
	CHECK(strcmp(q.eco, "rhel:8") == 0 && strcmp(q.name, "openssl-libs") == 0);
	/* the distributions with their own feeds; the RHEL family falls back to AlmaLinux's
	 * errata and SLES 15 SP5 to sles:15 only when the database has no data of its own */
	vigil_distro ol = {"ol", "8.7", NULL, NULL, "ol", 0};
	vigil_distro rocky = {"rocky", "9.1", NULL, NULL, "rocky", 0};
	vigil_distro centos = {"centos", "8", NULL, NULL, "centos", 0};
	vigil_distro sles = {"sles", "15.5", NULL, NULL, "sles", 0};
	vigil_distro leap = {"opensuse-leap", "15.5", NULL, NULL, "opensuse-leap", 0};
	char key[64];
	CHECK(vigil_match__query(&q, &r, &ol) == 1 && strcmp(q.eco, "ol:8") == 0);
	CHECK(vigil_match__query(&q, &r, &rocky) == 1 && strcmp(q.eco, "rocky:9") == 0);
	CHECK(vigil_match__query(&q, &r, &centos) == 1 && strcmp(q.eco, "almalinux:8") == 0);
	CHECK(vigil_match__query(&q, &r, &sles) == 1 && strcmp(q.eco, "sles:15.5") == 0);
	CHECK(vigil_match__query(&q, &r, &leap) == 1 && strcmp(q.eco, "opensuse-leap:15.5") == 0);
	CHECK(vigil_match__distro_key(NULL, key, sizeof(key), &rh) == 1 &&
	      strcmp(key, "rhel:8") == 0);
	CHECK(vigil_match__query(&q, &r, &azl) == 1 && strcmp(q.eco, "azurelinux:3.0") == 0);
	/* a package of a module stream is looked up under that stream */
	vigil_pkg mod = pkg("rpm", "nodejs", "1:14.21.1-2.module_el8.7.0+3373+a4c18c43");
	mod.modularity = "nodejs:14:8070020221121104622:bd7b6d7c";
	CHECK(vigil_match__query(&q, &mod, &rh) == 1 && strcmp(q.name, "nodejs:14::nodejs") == 0);
	/* no distribution known: OS packages are not matched at all */
	CHECK(vigil_match__query(&q, &p, NULL) == 0);
}

TEST(match_query_language_packages)
{
	vigil_match_query q;
	vigil_pkg p = pkg("pypi", "Django_Rest.Framework", "3.14.0");
	CHECK(vigil_match__query(&q, &p, NULL) == 1);
	CHECK(strcmp(q.eco, "pypi") == 0 && strcmp(q.name, "django-rest-framework") == 0);
	p = pkg("golang", "golang.org/x/text", "v0.3.5");
	CHECK(vigil_match__query(&q, &p, NULL) == 1);
	CHECK(strcmp(q.eco, "go") == 0 && strcmp(q.version, "0.3.5") == 0);
	p = pkg("golang", "stdlib", "go1.21.3");
	CHECK(vigil_match__query(&q, &p, NULL) == 1 && strcmp(q.version, "1.21.3") == 0);
	p = pkg("maven", "log4j-core", "2.14.1");
	p.group = "org.apache.logging.log4j";
	CHECK(vigil_match__query(&q, &p, NULL) == 1);
	CHECK(strcmp(q.name, "org.apache.logging.log4j:log4j-core") == 0 &&
	      q.scheme == VIGIL_VS_MAVEN);
	p = pkg("composer", "Symfony/HTTP-Kernel", "5.4.0");
	CHECK(vigil_match__query(&q, &p, NULL) == 1 && strcmp(q.name, "symfony/http-kernel") == 0);
	p = pkg("cargo", "smallvec", "1.6.0");
	CHECK(vigil_match__query(&q, &p, NULL) == 1 && strcmp(q.eco, "crates.io") == 0);
	p = pkg("gem", "rack", "2.2.3");
	CHECK(vigil_match__query(&q, &p, NULL) == 1 && strcmp(q.eco, "rubygems") == 0);
	p = pkg("generic", "node", "18.12.0");
	CHECK(vigil_match__query(&q, &p, NULL) == 1 && strcmp(q.eco, "nodejs") == 0);
	p = pkg("generic", "something", "1");
	CHECK(vigil_match__query(&q, &p, NULL) == 0);
}

static int affects(vigil_vscheme s, const char *v, const char *status, const char *fixed,
		   const char *ranges)
{
	vigil_db_affected a = {"CVE-1", status, fixed, ranges, NULL, "test", 0};
	return vigil_match__affects(s, v, &a, NULL, 0);
}

TEST(match_affects_fixed_and_status)
{
	CHECK(affects(VIGIL_VS_DPKG, "1.2-3", "fixed", "1.2-4", NULL) == 1);
	CHECK(affects(VIGIL_VS_DPKG, "1.2-4", "fixed", "1.2-4", NULL) == 0);
	CHECK(affects(VIGIL_VS_DPKG, "1:1.0-1", "fixed", "2.0-1", NULL) == 0); /* epoch wins */
	CHECK(affects(VIGIL_VS_DPKG, "2.36-9+deb12u14", "fixed", "2.36-9+deb12u2", NULL) == 0);
	CHECK(affects(VIGIL_VS_DPKG, "1.0~rc1-1", "fixed", "1.0-1", NULL) == 1);
	CHECK(affects(VIGIL_VS_APK, "1.36.1-r29", "fixed", "0", NULL) == 0); /* "0": never */
	CHECK(affects(VIGIL_VS_APK, "1.2.3_rc1-r0", "fixed", "1.2.3-r0", NULL) == 1);
	CHECK(affects(VIGIL_VS_DPKG, "1.0-1", "unfixed", NULL, NULL) == 1);
	CHECK(affects(VIGIL_VS_DPKG, "1.0-1", "will_not_fix", NULL, NULL) == 1);
	CHECK(affects(VIGIL_VS_DPKG, "1.0-1", "end_of_life", NULL, NULL) == 1);
	CHECK(affects(VIGIL_VS_DPKG, "1.0-1", "not_affected", NULL, NULL) == 0);
	CHECK(affects(VIGIL_VS_RPM, "1:1.1.1k-5.el8_5", "fixed", "1:1.1.1k-6.el8_5", NULL) == 1);
	CHECK(affects(VIGIL_VS_RPM, "1:1.1.1k-7.el8_6", "fixed", "1:1.1.1k-6.el8_5", NULL) == 0);
}

/* Debian rebuilds a version for a stable release (`~debNuM`) or backports (`~bpoN+M`):
 * the rebuild has the fixes of the version it rebuilds, although it sorts below it
 * (libxml2 2.9.14+dfsg-1.3~deb12u6 carries the fix of 2.9.14+dfsg-1.3). */
TEST(match_affects_debian_rebuilds)
{
	const char *osv = "{\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
			  "{\"fixed\":\"2.9.14+dfsg-1.3\"}]}]}";
	CHECK(affects(VIGIL_VS_DPKG, "2.9.14+dfsg-1.3~deb12u6", "fixed", "2.9.14+dfsg-1.3", NULL) ==
	      0);
	CHECK(affects(VIGIL_VS_DPKG, "2.9.14+dfsg-1.3~deb12u6", "fixed", NULL, osv) == 0);
	CHECK(affects(VIGIL_VS_DPKG, "1.2-3~bpo12+1", "fixed", "1.2-3", NULL) == 0);
	/* not a rebuild of the fixed version: still below it */
	CHECK(affects(VIGIL_VS_DPKG, "2.9.14+dfsg-1.2~deb12u6", "fixed", "2.9.14+dfsg-1.3", NULL) ==
	      1);
	CHECK(affects(VIGIL_VS_DPKG, "2.9.14+dfsg-1.2~deb12u6", "fixed", NULL, osv) == 1);
	CHECK(affects(VIGIL_VS_DPKG, "1.2-3~rc1", "fixed", "1.2-3", NULL) == 1);
	CHECK(affects(VIGIL_VS_DPKG, "1.2-3~deb12", "fixed", "1.2-3", NULL) == 1);
	CHECK(affects(VIGIL_VS_DPKG, "1.2-3~deb12u1x", "fixed", "1.2-3", NULL) == 1);
	CHECK(affects(VIGIL_VS_DPKG, "1.2-3~bpo12", "fixed", "1.2-3", NULL) == 1);
	/* only Debian's scheme knows the convention */
	CHECK(affects(VIGIL_VS_RPM, "1.2~deb12u1", "fixed", "1.2", NULL) == 1);
}

TEST(match_affects_osv_ranges)
{
	const char *r = "{\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},"
			"{\"fixed\":\"1.2.4\"},{\"introduced\":\"2.0.0\"},{\"last_affected\":"
			"\"2.1.0\"}]}],\"versions\":[\"3.0.0\"]}";
	CHECK(affects(VIGIL_VS_SEMVER, "1.2.3", "fixed", "1.2.4", r) == 1);
	CHECK(affects(VIGIL_VS_SEMVER, "1.2.4", "fixed", "1.2.4", r) == 0);
	CHECK(affects(VIGIL_VS_SEMVER, "1.10.0", "fixed", "1.2.4", r) == 0);
	CHECK(affects(VIGIL_VS_SEMVER, "2.0.0", "fixed", "1.2.4", r) == 1);
	CHECK(affects(VIGIL_VS_SEMVER, "2.1.0", "fixed", "1.2.4", r) == 1); /* last_affected: <= */
	CHECK(affects(VIGIL_VS_SEMVER, "2.1.1", "fixed", "1.2.4", r) == 0);
	CHECK(affects(VIGIL_VS_SEMVER, "3.0.0", "fixed", "1.2.4", r) == 1); /* listed version */
	/* an introduced with no end: every later version; GIT ranges are ignored */
	const char *open = "{\"ranges\":[{\"type\":\"GIT\",\"events\":[{\"introduced\":\"abc\"}]},"
			   "{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"1.5\"}]}]}";
	CHECK(affects(VIGIL_VS_PEP440, "1.4", "unfixed", NULL, open) == 0);
	CHECK(affects(VIGIL_VS_PEP440, "1.5", "unfixed", NULL, open) == 1);
	CHECK(affects(VIGIL_VS_PEP440, "10.0", "unfixed", NULL, open) == 1);
	CHECK(affects(VIGIL_VS_SEMVER, "1.0.0", "fixed", NULL, "not json") == 0);
}

TEST(match_affects_constraints)
{
	/* ruby-advisory-db: affected unless patched or unaffected */
	const char *gem = "{\"patched\":[\"~> 2.2.9\",\">= 3.0.0\"],\"unaffected\":[\"< 2.0\"]}";
	CHECK(affects(VIGIL_VS_GEM, "2.2.8", "fixed", NULL, gem) == 1);
	CHECK(affects(VIGIL_VS_GEM, "2.2.10", "fixed", NULL, gem) == 0);
	CHECK(affects(VIGIL_VS_GEM, "2.3.0", "fixed", NULL, gem) == 1);
	CHECK(affects(VIGIL_VS_GEM, "3.1.0", "fixed", NULL, gem) == 0);
	CHECK(affects(VIGIL_VS_GEM, "1.9", "fixed", NULL, gem) == 0);
	/* FriendsOfPHP: affected when any AND-list holds */
	const char *php = "{\"vulnerable\":[\">=2.3.0, <2.3.19\",\">=3.0.0, <3.1.0\"]}";
	CHECK(affects(VIGIL_VS_COMPOSER, "2.3.5", "fixed", NULL, php) == 1);
	CHECK(affects(VIGIL_VS_COMPOSER, "2.3.19", "fixed", NULL, php) == 0);
	CHECK(affects(VIGIL_VS_COMPOSER, "3.0.2", "fixed", NULL, php) == 1);
	CHECK(affects(VIGIL_VS_COMPOSER, "2.2.0", "fixed", NULL, php) == 0);
	/* nodejs security-wg: node-semver ranges */
	const char *npm = "{\"vulnerable\":[\"<1.2.6 || >=2.0.0 <2.0.3\"]}";
	CHECK(affects(VIGIL_VS_SEMVER, "1.2.5", "fixed", NULL, npm) == 1);
	CHECK(affects(VIGIL_VS_SEMVER, "1.2.6", "fixed", NULL, npm) == 0);
	CHECK(affects(VIGIL_VS_SEMVER, "2.0.2", "fixed", NULL, npm) == 1);
	/* Node.js core gives vulnerable and patched: a patched release of a vulnerable line */
	const char *node = "{\"vulnerable\":[\"8.x || 10.x\"],\"patched\":[\"^8.1.4 || ^10.2\"]}";
	CHECK(affects(VIGIL_VS_SEMVER, "8.1.3", "fixed", NULL, node) == 1);
	CHECK(affects(VIGIL_VS_SEMVER, "8.1.4", "fixed", NULL, node) == 0);
	CHECK(affects(VIGIL_VS_SEMVER, "10.1.0", "fixed", NULL, node) == 1);
	CHECK(affects(VIGIL_VS_SEMVER, "12.0.0", "fixed", NULL, node) == 0);
}
