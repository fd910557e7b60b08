/*
 * rpm.c - RPM version comparison: [epoch:]version[-release], each part compared with
 * rpmvercmp (alphanumeric segments; '~' sorts before everything, '^' after the end
 * but before any further segment). Missing epoch is 0; a missing release sorts
 * before any release, as rpm.labelCompare does.
 */
#include <string.h>

#include "vcmp.h"

static int rpm_alnum(int c)
{
	return vigil_version__digit(c) || vigil_version__alpha(c);
}

/* rpmvercmp over two spans; -1, 0, 1. */
static int rpm_vercmp(const char *one, size_t on, const char *two, size_t tn)
{
	const char *oe, *te;

	one = one ? one : ""; /* a missing release: no offset may be applied to NULL */
	two = two ? two : "";
	oe = one + on;
	te = two + tn;

	if (on == tn && (on == 0 || memcmp(one, two, on) == 0))
		return 0;
	while (one < oe || two < te) {
		const char *s1, *s2;
		int isnum, c;
		size_t l1, l2;

		while (one < oe && !rpm_alnum((unsigned char)*one) && *one != '~' && *one != '^')
			one++;
		while (two < te && !rpm_alnum((unsigned char)*two) && *two != '~' && *two != '^')
			two++;
		if ((one < oe && *one == '~') || (two < te && *two == '~')) {
			if (one >= oe || *one != '~')
				return 1;
			if (two >= te || *two != '~')
				return -1;
			one++;
			two++;
			continue;
		}
		if ((one < oe && *one == '^') || (two < te && *two == '^')) {
			if (one >= oe)
				return -1;
			if (two >= te)
				return 1;
			if (*one != '^')
				return 1;
			if (*two != '^')
				return -1;
			one++;
			two++;
			continue;
		}
		if (one >= oe || two >= te)
			break;
		s1 = one;
		s2 = two;
		isnum = vigil_version__digit((unsigned char)*s1);
		if (isnum) {
			while (s1 < oe && vigil_version__digit((unsigned char)*s1))
				s1++;
			while (s2 < te && vigil_version__digit((unsigned char)*s2))
				s2++;
		} else {
			while (s1 < oe && vigil_version__alpha((unsigned char)*s1))
				s1++;
			while (s2 < te && vigil_version__alpha((unsigned char)*s2))
				s2++;
		}
		if (two == s2)
			return isnum ? 1 : -1;
		if (isnum) {
			c = vigil_version__numcmp(one, (size_t)(s1 - one), two, (size_t)(s2 - two));
		} else {
			l1 = (size_t)(s1 - one);
			l2 = (size_t)(s2 - two);
			c = memcmp(one, two, l1 < l2 ? l1 : l2);
			if (c == 0)
				c = l1 < l2 ? -1 : l1 > l2;
		}
		if (c)
			return c < 0 ? -1 : 1;
		one = s1;
		two = s2;
	}
	if (one >= oe && two >= te)
		return 0;
	return one >= oe ? -1 : 1;
}

typedef struct evr {
	const char *e, *v, *r;
	size_t en, vn, rn;
	int has_r;
} evr;

/* Splits "[E:]V[-R]" as rpm's parseEVR does; VIGIL_EFORMAT for an empty version. */
static int rpm_split(evr *x, const char *s)
{
	const char *p = s, *end = s + strlen(s), *dash = NULL;

	memset(x, 0, sizeof(*x));
	while (vigil_version__digit((unsigned char)*p))
		p++;
	if (*p == ':') {
		x->e = s;
		x->en = (size_t)(p - s);
		s = p + 1;
	}
	for (p = s; p < end; p++)
		if (*p == '-')
			dash = p;
	x->v = s;
	x->vn = dash ? (size_t)(dash - s) : (size_t)(end - s);
	if (dash) {
		x->r = dash + 1;
		x->rn = (size_t)(end - dash - 1);
		x->has_r = 1;
	}
	return x->vn == 0 ? VIGIL_EFORMAT : 0;
}

int vigil_version__rpm_cmp(int *out, const char *a, const char *b)
{
	evr x, y;
	int ea = rpm_split(&x, a), eb = rpm_split(&y, b);
	int c = rpm_vercmp(x.en ? x.e : "0", x.en ? x.en : 1, y.en ? y.e : "0", y.en ? y.en : 1);

	if (c == 0)
		c = rpm_vercmp(x.v, x.vn, y.v, y.vn);
	if (c == 0 && x.has_r != y.has_r)
		c = x.has_r ? 1 : -1;
	if (c == 0)
		c = rpm_vercmp(x.r, x.rn, y.r, y.rn);
	*out = c;
	return ea < 0 ? ea : eb;
}
