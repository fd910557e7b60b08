/* Version comparison: small cases per scheme, each checked both ways round. Expected
 * orders are the ecosystems' documented ones (Debian policy 5.6.12, apk-tools,
 * rpmvercmp, SemVer 2.0, PEP 440, Maven ComparableVersion, Gem::Version, Composer). */
#include <stdio.h>

#include "../test.h"
#include "vigil.h"

typedef struct vcase {
	const char *a, *b;
	int want; /* -1, 0, 1 */
} vcase;

/* Checks every case as a-b and b-a; prints the first wrong one. */
static int check_cases(vigil_vscheme scheme, const vcase *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int c1 = 99, c2 = 99;
		int e1 = vigil_version_compare(&c1, scheme, cases[i].a, cases[i].b);
		int e2 = vigil_version_compare(&c2, scheme, cases[i].b, cases[i].a);
		if (e1 < 0 || e2 < 0 || c1 != cases[i].want || c2 != -cases[i].want) {
			printf("  scheme %d: '%s' vs '%s': got %d/%d (errors %d/%d), want %d\n",
			       (int)scheme, cases[i].a, cases[i].b, c1, c2, e1, e2, cases[i].want);
			return 0;
		}
	}
	return 1;
}

#define CASES(scheme, ...)                                                                         \
	do {                                                                                       \
		static const vcase cases_[] = {__VA_ARGS__};                                       \
		CHECK(check_cases(scheme, cases_, sizeof(cases_) / sizeof(cases_[0])));            \
	} while (0)

typedef struct scase {
	const char *version, *constraint;
	int want; /* 1 inside, 0 outside, -1 an error */
} scase;

static int check_sat(vigil_vscheme scheme, const scase *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ok = 99;
		int e = vigil_version_satisfies(&ok, scheme, cases[i].version, cases[i].constraint);
		int got = e < 0 ? -1 : ok;
		if (got != cases[i].want) {
			printf("  scheme %d: '%s' in '%s': got %d, want %d\n", (int)scheme,
			       cases[i].version, cases[i].constraint, got, cases[i].want);
			return 0;
		}
	}
	return 1;
}

#define SAT(scheme, ...)                                                                           \
	do {                                                                                       \
		static const scase cases_[] = {__VA_ARGS__};                                       \
		CHECK(check_sat(scheme, cases_, sizeof(cases_) / sizeof(cases_[0])));              \
	} while (0)

TEST(test_version__scheme_names)
{
	CHECK(vigil_version_scheme("deb") == VIGIL_VS_DPKG);
	CHECK(vigil_version_scheme("Debian:12") == VIGIL_VS_DPKG);
	CHECK(vigil_version_scheme("Ubuntu:22.04:LTS") == VIGIL_VS_DPKG);
	CHECK(vigil_version_scheme("Alpine:v3.20") == VIGIL_VS_APK);
	CHECK(vigil_version_scheme("Wolfi") == VIGIL_VS_APK);
	CHECK(vigil_version_scheme("rpm") == VIGIL_VS_RPM);
	CHECK(vigil_version_scheme("Red Hat") == VIGIL_VS_RPM);
	CHECK(vigil_version_scheme("AlmaLinux:9") == VIGIL_VS_RPM);
	CHECK(vigil_version_scheme("npm") == VIGIL_VS_SEMVER);
	CHECK(vigil_version_scheme("crates.io") == VIGIL_VS_SEMVER);
	CHECK(vigil_version_scheme("NuGet") == VIGIL_VS_NUGET);
	CHECK(vigil_version_scheme("PyPI") == VIGIL_VS_PEP440);
	CHECK(vigil_version_scheme("Maven") == VIGIL_VS_MAVEN);
	CHECK(vigil_version_scheme("RubyGems") == VIGIL_VS_GEM);
	CHECK(vigil_version_scheme("Packagist") == VIGIL_VS_COMPOSER);
	CHECK(vigil_version_scheme("golang") == VIGIL_VS_GO);
	CHECK(vigil_version_scheme("Go") == VIGIL_VS_GO);
	CHECK(vigil_version_scheme("something-else") == VIGIL_VS_GENERIC);
	CHECK(vigil_version_scheme(NULL) == VIGIL_VS_GENERIC);
}

TEST(test_version__dpkg_epoch_beats_upstream)
{
	CASES(VIGIL_VS_DPKG, {"1:0.1", "9.9", 1}, {"0:1.0", "1.0", 0}, {"2:1.0", "10:0.1", -1},
	      {"00:1.0", "1.0", 0}, {"1:1.0-1", "1:1.0-2", -1});
}

TEST(test_version__dpkg_tilde_sorts_before_everything)
{
	CASES(VIGIL_VS_DPKG, {"1.0~rc1", "1.0", -1}, {"1.0~~", "1.0~", -1},
	      {"1.0~rc1", "1.0~rc2", -1}, {"1.0~", "1.0", -1}, {"1.0", "1.0+b1", -1},
	      {"1.0-1~bpo11+1", "1.0-1", -1}, {"2.30-0ubuntu1~22.04", "2.30-0ubuntu1", -1});
}

TEST(test_version__dpkg_letters_and_digits)
{
	CASES(VIGIL_VS_DPKG, {"1.0a", "1.0", 1}, {"1.0a", "1.0b", -1}, {"1.0.", "1.0+", 1},
	      {"1.0.", "1.0+", 1}, {"1.010", "1.9", 1}, {"1.001", "1.1", 0}, {"1.0-0", "1.0", 0},
	      {"1.0-1", "1.0", 1}, {"1.2.3-1ubuntu0.1", "1.2.3-1ubuntu1", -1},
	      {"7.6p2-4", "7.6-0", 1}, {"1:2:3", "1:2:4", -1});
}

TEST(test_version__apk_suffix_order)
{
	CASES(VIGIL_VS_APK, {"1.0_alpha", "1.0_beta", -1}, {"1.0_beta", "1.0_pre", -1},
	      {"1.0_pre", "1.0_rc", -1}, {"1.0_rc", "1.0", -1}, {"1.0", "1.0_cvs", -1},
	      {"1.0_cvs", "1.0_svn", -1}, {"1.0_svn", "1.0_git", -1}, {"1.0_git", "1.0_hg", -1},
	      {"1.0_hg", "1.0_p", -1}, {"1.0_alpha2", "1.0_alpha10", -1},
	      {"1.0_rc1", "1.0_rc1_p1", -1});
}

TEST(test_version__apk_revisions_and_letters)
{
	CASES(VIGIL_VS_APK, {"1.2.3-r0", "1.2.3-r1", -1}, {"1.2.3-r10", "1.2.3-r9", 1},
	      {"1.2.3", "1.2.3-r0", -1}, {"1.2.3a", "1.2.3b", -1}, {"1.2.3a", "1.2.3", 1},
	      {"1.2.3a", "1.2.4", -1}, {"1.02", "1.1", -1}, {"3.0.8-r0", "3.0.10-r0", -1},
	      {"1.0~abc1", "1.0", 1});
	int c;
	CHECK(vigil_version_compare(&c, VIGIL_VS_APK, "1.0-1", "1.0") == VIGIL_EFORMAT);
	CHECK(vigil_version_compare(&c, VIGIL_VS_APK, "1.0_foo", "1.0") == VIGIL_EFORMAT);
	CHECK(vigil_version_compare(&c, VIGIL_VS_APK, "", "1.0") == VIGIL_EFORMAT);
}

TEST(test_version__rpm_tilde_and_caret)
{
	CASES(VIGIL_VS_RPM, {"1.0~rc1", "1.0", -1}, {"1.0^git1", "1.0", 1},
	      {"1.0^git1", "1.0.1", -1}, {"1.0~rc1^git1", "1.0~rc1", 1},
	      {"1.0~rc1^git1", "1.0~rc2", -1}, {"1.0^", "1.0", 1}, {"1.0^", "1.0~", 1});
}

TEST(test_version__rpm_epoch_version_release)
{
	CASES(VIGIL_VS_RPM, {"1:1.0-1", "2.0-1", 1}, {"0:1.0-1", "1.0-1", 0},
	      {"1.0-1.el9", "1.0-1.el9_1", -1}, {"1.0-2", "1.0-10", -1}, {"1.0", "1.0-1", -1},
	      {"1.0a", "1.0", 1}, {"1.0a", "1.0.1", -1}, {"1.0010", "1.9", 1}, {"1.05", "1.5", 0},
	      {"1_0", "1.0", 0}, {"2.0.1a", "2.0.1", 1});
}

TEST(test_version__semver_precedence)
{
	CASES(VIGIL_VS_SEMVER, {"1.0.0-alpha", "1.0.0-alpha.1", -1},
	      {"1.0.0-alpha.1", "1.0.0-alpha.beta", -1}, {"1.0.0-alpha.beta", "1.0.0-beta", -1},
	      {"1.0.0-beta.2", "1.0.0-beta.11", -1}, {"1.0.0-rc.1", "1.0.0", -1},
	      {"1.0.0+build.1", "1.0.0+build.2", 0}, {"v1.2.3", "1.2.3", 0}, {"1.10.0", "1.9.0", 1},
	      {"1.2.3.4", "1.2.3.10", -1}, {"1.2.3", "1.2.3.0", 0}, {"0", "0.0.1", -1},
	      {"1.0", "1.0.0", 0}, {"1.0-beta", "1.0.0", -1});
	int c;
	CHECK(vigil_version_compare(&c, VIGIL_VS_SEMVER, "01.2.3", "1.2.3") == VIGIL_EFORMAT);
	CHECK(vigil_version_compare(&c, VIGIL_VS_SEMVER, "1.2.x", "1.2.0") == VIGIL_EFORMAT);
}

TEST(test_version__go_pseudo_versions_and_incompatible)
{
	CASES(VIGIL_VS_GO, {"v0.0.0-20230101120000-abcdefabcdef", "v0.0.1", -1},
	      {"v0.0.0-20230101120000-abcdefabcdef", "v0.0.0-20230202120000-abcdefabcdef", -1},
	      {"v1.2.4-0.20230101120000-abcdefabcdef", "v1.2.3", 1},
	      {"v1.2.4-0.20230101120000-abcdefabcdef", "v1.2.4", -1},
	      {"v1.2.3-pre.0.20230101120000-abcdefabcdef", "v1.2.3-pre", 1},
	      {"v2.0.0+incompatible", "v2.0.0", 0}, {"v2.1.0+incompatible", "v2.0.9", 1},
	      {"v1", "v1.0.0", 0}, {"v1.2", "v1.2.0", 0}, {"1.2.3", "v1.2.3", 0});
}

TEST(test_version__pep440_order)
{
	CASES(VIGIL_VS_PEP440, {"1.0.dev0", "1.0a1", -1}, {"1.0a1", "1.0b1", -1},
	      {"1.0b1", "1.0rc1", -1}, {"1.0rc1", "1.0", -1}, {"1.0", "1.0.post1", -1},
	      {"1.0a1.dev1", "1.0a1", -1}, {"1.0.post1.dev1", "1.0.post1", -1},
	      {"1.0", "1.0+local", -1}, {"1.0+abc", "1.0+1", -1}, {"1.0+1.2", "1.0+1.10", -1},
	      {"1!0.1", "2.0", 1}, {"1.0", "1.0.0", 0}, {"1.0alpha1", "1.0a1", 0},
	      {"1.0c1", "1.0rc1", 0}, {"1.0-1", "1.0.post1", 0}, {"v1.0", "1.0", 0},
	      {"1.0.DEV", "1.0.dev0", 0}, {"1.0-r2", "1.0.post2", 0});
	int c;
	CHECK(vigil_version_compare(&c, VIGIL_VS_PEP440, "1.0+", "1.0") == VIGIL_EFORMAT);
	CHECK(vigil_version_compare(&c, VIGIL_VS_PEP440, "french toast", "1.0") == VIGIL_EFORMAT);
}

TEST(test_version__maven_qualifiers)
{
	CASES(VIGIL_VS_MAVEN, {"1.0-alpha", "1.0-beta", -1}, {"1.0-beta", "1.0-milestone", -1},
	      {"1.0-milestone", "1.0-rc", -1}, {"1.0-rc", "1.0-snapshot", -1},
	      {"1.0-SNAPSHOT", "1.0", -1}, {"1.0", "1.0-sp", -1}, {"1.0-sp", "1.0-foo", -1},
	      {"1.0-cr1", "1.0-rc1", 0}, {"1.0.ga", "1.0", 0}, {"1.0-final", "1", 0},
	      {"1a1", "1-alpha-1", 0}, {"1.0", "1.0.0.0", 0}, {"1.0-1", "1.0.1", -1},
	      {"2.0.0.Final", "2.0.0", 0}, {"1.10", "1.9", 1}, {"1.0.alpha", "1.0-alpha", 0},
	      {"1.00.00.alpha", "1.00.00.alpha.0", -1}, {"29.rc", "29.rc-ga", 1},
	      {"2.RELEASE12", "2-RELEASE12", 0});
}

TEST(test_version__gem_segments)
{
	CASES(VIGIL_VS_GEM, {"1.0", "1", 0}, {"1.0.a", "1.0", -1}, {"1.0.a", "1.a", 0},
	      {"1.8.2.a10", "1.8.2.a9", 1}, {"1.0.0-rc1", "1.0.0", -1}, {"1.0.0-1", "1", -1},
	      {"5.x", "5.0.0.rc2", 1}, {"", "0", 0}, {" 1.0 ", "1.0", 0});
	int c;
	CHECK(vigil_version_compare(&c, VIGIL_VS_GEM, "1..2", "1") == VIGIL_EFORMAT);
	CHECK(vigil_version_compare(&c, VIGIL_VS_GEM, "junk", "1") == VIGIL_EFORMAT);
}

TEST(test_version__composer_normalisation_and_order)
{
	CASES(VIGIL_VS_COMPOSER, {"v1.2", "1.2.0.0", 0}, {"1.0.0-beta", "1.0.0", -1},
	      {"1.0.0-dev", "1.0.0-alpha1", -1}, {"1.0.0-alpha1", "1.0.0-b1", -1},
	      {"1.0.0-beta2", "1.0.0-RC1", -1}, {"1.0.0-rc1", "1.0.0", -1},
	      {"1.0.0", "1.0.0-patch1", -1}, {"1.0.0-pl2", "1.0.0-p2", 0},
	      {"1.0.0-beta2", "1.0.0-beta10", -1}, {"2.x-dev", "2.5", 1});
}

TEST(test_version__generic_order)
{
	CASES(VIGIL_VS_GENERIC, {"1.2", "1.10", -1}, {"1.0", "1-0", 0}, {"1.0a", "1.0", 1},
	      {"1.0a", "1.0.1", -1}, {"r10", "r9", 1});
}

TEST(test_version__npm_ranges)
{
	SAT(VIGIL_VS_SEMVER, {"1.9.0", "^1.2.3", 1}, {"2.0.0", "^1.2.3", 0}, {"0.2.9", "^0.2.3", 1},
	    {"0.3.0", "^0.2.3", 0}, {"0.0.3", "^0.0.3", 1}, {"0.0.4", "^0.0.3", 0},
	    {"1.2.9", "~1.2", 1}, {"1.3.0", "~1.2", 0}, {"1.2.3", ">=1.0.0 <2.0.0 || >=3", 1},
	    {"2.5.0", ">=1.0.0 <2.0.0 || >=3", 0}, {"3.1.0", ">=1.0.0 <2.0.0 || >=3", 1},
	    {"1.5.0", "1.0.0 - 2.0.0", 1}, {"2.0.1", "1.0.0 - 2.0.0", 0},
	    {"1.2.4-beta", ">=1.2.3", 0}, {"1.2.3-beta.2", ">=1.2.3-beta", 1}, {"1.5.0", "1.x", 1},
	    {"2.0.0", "1.x", 0}, {"1.0.0", "*", 1}, {"1.0.0-rc1", "*", 0}, {"1.0.0", "", 1},
	    {"1.2.3", "< 1.2.4", 1}, {"1.2.3", ">=x", 1}, {"1.2.3", "not a range", -1});
}

TEST(test_version__pep440_specifiers)
{
	SAT(VIGIL_VS_PEP440, {"1.4.5", "~=1.4.2", 1}, {"1.5", "~=1.4.2", 0}, {"2.2.1", "~=2.2", 1},
	    {"3.0", "~=2.2", 0}, {"1.0.5", "==1.0.*", 1}, {"1.1", "==1.0.*", 0},
	    {"1.0+local", "==1.0", 1}, {"1.0", ">=1.0,<2", 1}, {"2.0", ">=1.0,<2", 0},
	    {"2.0rc1", "<2.0", 0}, {"2.0rc1", "<2.0rc2", 1}, {"1.0.post1", ">1.0", 0},
	    {"1.1", ">1.0", 1}, {"1.0", "!=1.0", 0}, {"1.0", "===1.0", 1}, {"1.0.0", "===1.0", 0},
	    {"1.0", "~=1", -1}, {"1.0", "=>1.0", -1});
}

TEST(test_version__gem_requirements)
{
	SAT(VIGIL_VS_GEM, {"1.2.5", "~> 1.2.3", 1}, {"1.3.0", "~> 1.2.3", 0}, {"1.9", "~> 1.2", 1},
	    {"2.0", "~> 1.2", 0}, {"5.2.4.3", "~> 5.2.4, >= 5.2.4.3", 1},
	    {"5.2.4.2", "~> 5.2.4, >= 5.2.4.3", 0}, {"2.0.1", ">= 2.0", 1}, {"1.0", "!= 1.0", 0},
	    {"1.0", "1.0", 1}, {"1.0", ">>> 1.0", -1});
}

TEST(test_version__composer_constraints)
{
	SAT(VIGIL_VS_COMPOSER, {"1.2.3", "^1.2", 1}, {"2.0.0", "^1.2", 0}, {"0.3.9", "^0.3", 1},
	    {"0.4.0", "^0.3", 0}, {"1.2.9", "~1.2.3", 1}, {"1.3.0", "~1.2.3", 0},
	    {"1.9", "~1.2", 1}, {"2.0", "~1.2", 0}, {"1.2.7", "1.2.*", 1}, {"1.3.0", "1.2.*", 0},
	    {"1.2.2", ">=1.0,<1.2.3", 1}, {"1.2.3-beta", ">=1.0,<1.2.3", 0},
	    {"1.0.0-beta", ">=1.0", 1}, {"2.0.5", ">=1.0 <1.1 || >=2.0 <2.1", 1},
	    {"1.5.0", ">=1.0 <1.1 | >=2.0 <2.1", 0}, {"2.0.9", "1.0 - 2.0", 1},
	    {"2.1.0", "1.0 - 2.0", 0}, {"2.0.0", "1.0.0 - 2.0.0", 1}, {"2.0.1", "1.0.0 - 2.0.0", 0},
	    {"1.0", "~>1.0", -1});
}

TEST(test_version__maven_ranges)
{
	SAT(VIGIL_VS_MAVEN, {"1.5", "[1.0,2.0)", 1}, {"2.0", "[1.0,2.0)", 0},
	    {"1.0", "[1.0,2.0)", 1}, {"1.0", "(1.0,2.0)", 0}, {"0.9", "(,1.0]", 1},
	    {"1.0", "[1.0]", 1}, {"1.0.1", "[1.0]", 0}, {"1.1", "(,1.0],[1.2,)", 0},
	    {"1.3", "(,1.0],[1.2,)", 1}, {"2.0-SNAPSHOT", "[1.0,2.0)", 1}, {"1.0", "[1.0", -1},
	    {"1.5", ">= 1.0, < 2.0", 1});
}

TEST(test_version__plain_comparator_lists)
{
	SAT(VIGIL_VS_DPKG, {"1.2-1", ">= 1.0, < 2.0", 1}, {"2.0~rc1", "< 2.0", 1},
	    {"2.0", "<< 2.0", 0}, {"2.0", ">> 1.9", 1}, {"1:1.0", "< 2.0", 0},
	    {"1.0", "= 1.0-0", 1}, {"1.0", "", -1});
	SAT(VIGIL_VS_APK, {"1.2.3-r1", "~1.2", 1}, {"1.3", "~1.2", 0}, {"1.2.3-r1", "<~1.2", 1},
	    {"1.2.3-r1", "<1.2.3-r2", 1});
	SAT(VIGIL_VS_RPM, {"1.0-1.el9", ">= 1.0-1, < 1.0-2", 1}, {"1:0.5-1", "< 1.0", 0});
	SAT(VIGIL_VS_GO, {"v1.2.3", ">= v1.2.0, < v1.3.0", 1},
	    {"v0.0.0-20230101120000-abcdefabcdef", "< v0.1.0", 1});
}

TEST(test_version__hostile_inputs_are_bounded)
{
	static char big[70000];
	int c, ok;
	for (size_t i = 0; i + 1 < sizeof(big); i++)
		big[i] = "a1.-~^_+:"[i % 9];
	for (int s = VIGIL_VS_DPKG; s <= VIGIL_VS_GENERIC; s++) {
		vigil_version_compare(&c, (vigil_vscheme)s, big, big);
		CHECK(c == 0);
		vigil_version_compare(&c, (vigil_vscheme)s, big, "1.0");
		vigil_version_satisfies(&ok, (vigil_vscheme)s, "1.0", big);
		vigil_version_satisfies(&ok, (vigil_vscheme)s, big, ">= 1.0");
	}
	CHECK(vigil_version_compare(NULL, VIGIL_VS_DPKG, "1", "2") == VIGIL_EINVAL);
	CHECK(vigil_version_compare(&c, VIGIL_VS_DPKG, NULL, "2") == VIGIL_EINVAL);
	CHECK(vigil_version_satisfies(&ok, VIGIL_VS_DPKG, "1", NULL) == VIGIL_EINVAL);
}

/* NuGet's documented rules (learn.microsoft.com "NuGet package versioning": normalised
 * numbers, SemVer 2.0 pre-release order, case-insensitive labels, metadata ignored). */
TEST(test_version__nuget_documented_order)
{
	static const struct {
		const char *a, *b;
		int want;
	} C[] = {
		{"1.0", "1.0.0", 0},	 /* missing numbers are 0 */
		{"1.0.0.0", "1.0.0", 0}, /* a zero fourth number is dropped */
		{"1.01.1", "1.1.1", 0},	 /* leading zeros removed */
		{"1.0.0.1", "1.0.0", 1}, /* the fourth number counts */
		{"4.3.0.1", "4.3.1", -1},
		{"1.0.0-Beta", "1.0.0-beta", 0},       /* labels case-insensitive */
		{"1.0.0-BETA.2", "1.0.0-beta.10", -1}, /* numbers numerically */
		{"1.0.0-alpha", "1.0.0-beta", -1},
		{"1.0.0-alpha", "1.0.0-alpha.1", -1},	   /* more identifiers above fewer */
		{"1.0.0-alpha.1", "1.0.0-alpha.beta", -1}, /* numbers below words */
		{"1.0.0-rc.1", "1.0.0", -1},		   /* a release above its pre-releases */
		{"1.0.0-RC1", "1.0.0-rc1", 0},
		{"1.0.0+build.5", "1.0.0", 0}, /* metadata ignored */
		{"1.0.0-beta+abc", "1.0.0-BETA+def", 0},
		{"2.0", "10.0", -1},
		{"1.0.0.0-beta", "1.0.0-beta", 0},
	};
	for (size_t i = 0; i < sizeof(C) / sizeof(C[0]); i++) {
		int out = 9;
		CHECK(vigil_version_compare(&out, VIGIL_VS_NUGET, C[i].a, C[i].b) == 0);
		CHECK(out == C[i].want);
		CHECK(vigil_version_compare(&out, VIGIL_VS_NUGET, C[i].b, C[i].a) == 0);
		CHECK(out == -C[i].want);
	}
	int out;
	/* five numbers, a 'v', an empty label are not NuGet versions */
	CHECK(vigil_version_compare(&out, VIGIL_VS_NUGET, "1.2.3.4.5", "1.0") == VIGIL_EFORMAT);
	CHECK(vigil_version_compare(&out, VIGIL_VS_NUGET, "v1.0", "1.0") == VIGIL_EFORMAT);
	CHECK(vigil_version_compare(&out, VIGIL_VS_NUGET, "1.0.0-", "1.0") == VIGIL_EFORMAT);
	/* an OSV-style range of a NuGet advisory: introduced 4.0.0, fixed 4.3.0.1 */
	CHECK(vigil_version_satisfies(&out, VIGIL_VS_NUGET, "4.3.0", ">= 4.0.0, < 4.3.0.1") == 0 &&
	      out == 1);
	CHECK(vigil_version_satisfies(&out, VIGIL_VS_NUGET, "4.3.0.1", ">= 4.0.0, < 4.3.0.1") ==
		      0 &&
	      out == 0);
}
