/*
 * vcmp.h - internal interface of the version module: one comparator and one
 * constraint matcher per scheme family, plus the small text helpers they share.
 * Not public API.
 */
#ifndef VIGIL_VERSION_VCMP_H
#define VIGIL_VERSION_VCMP_H

#include <stddef.h>

#include "internal.h"

/* Each comparator sets *out to -1, 0 or 1 and returns 0, or VIGIL_EFORMAT when a
 * version is not valid in its scheme (then *out is still the scheme's best
 * ordering of the two strings). They never allocate for ordinary inputs. */
int vigil_version__dpkg_cmp(int *out, const char *a, const char *b);
int vigil_version__apk_cmp(int *out, const char *a, const char *b);
int vigil_version__rpm_cmp(int *out, const char *a, const char *b);
int vigil_version__semver_cmp(int *out, const char *a, const char *b);
int vigil_version__go_cmp(int *out, const char *a, const char *b);
int vigil_version__nuget_cmp(int *out, const char *a, const char *b);
int vigil_version__pep440_cmp(int *out, const char *a, const char *b);
int vigil_version__maven_cmp(int *out, const char *a, const char *b);
int vigil_version__gem_cmp(int *out, const char *a, const char *b);
int vigil_version__composer_cmp(int *out, const char *a, const char *b);
int vigil_version__generic_cmp(int *out, const char *a, const char *b);
/* apk with its fuzzy match: with `fuzzy`, a equals b when b is a prefix of a
 * token by token (the "~" operator). */
int vigil_version__apk_cmp_fuzzy(int *out, const char *a, const char *b, int fuzzy);

/* Ecosystem range syntaxes; *out = 1 when `version` is inside. VIGIL_EFORMAT when
 * the constraint or the version cannot be parsed. */
int vigil_version__npm_satisfies(int *out, const char *version, const char *range);
int vigil_version__pep440_satisfies(int *out, const char *version, const char *spec);
int vigil_version__gem_satisfies(int *out, const char *version, const char *req);
int vigil_version__composer_satisfies(int *out, const char *version, const char *constraint);
int vigil_version__maven_satisfies(int *out, const char *version, const char *range);

/* A plain comparator list (">= 1.0, < 2.0", "<1.2 >=1.0", "=1.0") for any scheme,
 * each comparator applied with that scheme's comparator; all must hold. */
int vigil_version__plain_satisfies(int *out, vigil_vscheme scheme, const char *version,
				   const char *constraint);

/* Comparison operators of constraint languages. */
typedef enum vop {
	VOP_EQ,
	VOP_NE,
	VOP_LT,
	VOP_LE,
	VOP_GT,
	VOP_GE,
} vop;

/* Longest version accepted inside a constraint. */
#define VIGIL_VERSION_MAX 512

/* Reads an operator (=, ==, !=, <, <=, >, >=) at *s, advancing past it; VOP_EQ
 * when there is none. */
vop vigil_version__op(const char **s);
/* True when a comparison result c (<0, 0, >0) satisfies op. */
int vigil_version__op_holds(vop op, int c);

/* Compares two runs of decimal digits by value, any length: -1, 0, 1. */
int vigil_version__numcmp(const char *a, size_t an, const char *b, size_t bn);
/* -1, 0, 1 from a difference. */
static inline int vigil_version__sign(long long v)
{
	return (v > 0) - (v < 0);
}
/* ASCII-only character classes (never locale-dependent). */
static inline int vigil_version__digit(int c)
{
	return c >= '0' && c <= '9';
}
static inline int vigil_version__alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline int vigil_version__lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}
static inline int vigil_version__space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

#endif
