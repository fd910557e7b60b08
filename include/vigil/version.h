/*
 * vigil/version.h - version comparison, each scheme exactly as its ecosystem defines it.
 * Included by vigil.h.
 */
#ifndef VIGIL_VERSION_H
#define VIGIL_VERSION_H

/* Version schemes. */
typedef enum vigil_vscheme {
	VIGIL_VS_DPKG = 0, /* Debian, Ubuntu: epoch, upstream, revision, '~' */
	VIGIL_VS_APK,	   /* Alpine, Wolfi: suffixes, -rN */
	VIGIL_VS_RPM,	   /* RHEL family, Azure Linux: rpmvercmp with '~' and '^', epoch */
	VIGIL_VS_SEMVER,   /* SemVer 2.0 (npm, crates.io, NuGet after normalising) */
	VIGIL_VS_PEP440,   /* PyPI */
	VIGIL_VS_MAVEN,	   /* Maven ComparableVersion */
	VIGIL_VS_GEM,	   /* RubyGems Gem::Version */
	VIGIL_VS_COMPOSER, /* Packagist (Composer's version normalisation) */
	VIGIL_VS_GO,	   /* Go modules: semver with 'v', pseudo-versions, +incompatible */
	VIGIL_VS_GENERIC,  /* digits and letters, as a last resort */
	VIGIL_VS_NUGET,	   /* NuGet: 1-4 numbers (leading zeros allowed, missing ones 0),
			    * SemVer 2.0 pre-release order compared case-insensitively */
} vigil_vscheme;

/* The scheme of a package type (purl type: "deb", "apk", "rpm", "npm", "pypi",
 * "maven", "gem", "composer", "golang", "cargo", "nuget") or of an OSV ecosystem
 * name ("Debian", "Alpine", "PyPI", "Go", ...); VIGIL_VS_GENERIC when unknown. */
vigil_vscheme vigil_version_scheme(const char *type_or_ecosystem);

/* Compares two versions: *out < 0, 0, > 0 as a is older, equal, newer than b.
 * VIGIL_EFORMAT when either is not a valid version of the scheme (then *out is a
 * best-effort generic comparison, so callers may still order them). */
int vigil_version_compare(int *out, vigil_vscheme scheme, const char *a, const char *b);

/* Checks a version against a constraint in the ecosystem's own range syntax:
 * node-semver ranges ("^1.2.3 || >=2 <3"), PEP 440 specifiers (">=1.0,<2"),
 * RubyGems requirements ("~> 1.2", ">= 1, < 2"), Composer constraints ("^1.2|~2.0"),
 * Maven ranges ("[1.0,2.0)"), and for every scheme plain comparator lists
 * (">= 1.0, < 2.0"). *out is 1 when `version` satisfies it, else 0.
 * VIGIL_EFORMAT for a constraint (or version) that cannot be parsed. */
int vigil_version_satisfies(int *out, vigil_vscheme scheme, const char *version,
			    const char *constraint);

#endif
