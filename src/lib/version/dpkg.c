/*
 * dpkg.c - Debian version comparison: [epoch:]upstream[-revision], each part
 * compared as dpkg does (non-digit runs by a character order where '~' sorts before
 * everything, even the end, and letters before other characters; digit runs by value).
 */
#include <string.h>

#include "vcmp.h"

typedef struct dver {
	const char *epoch, *up, *rev;
	size_t epoch_n, up_n, rev_n;
} dver;

/* Splits a Debian version; returns 0, or VIGIL_EFORMAT when dpkg would reject or
 * warn about it (the split is still usable). */
static int dpkg_split(dver *v, const char *s)
{
	const char *colon, *hyphen, *end;
	int error = 0;
	size_t i;

	while (vigil_version__space((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && vigil_version__space((unsigned char)end[-1]))
		end--;
	memset(v, 0, sizeof(*v));
	colon = memchr(s, ':', (size_t)(end - s));
	if (colon) {
		v->epoch = s;
		v->epoch_n = (size_t)(colon - s);
		if (v->epoch_n == 0 || v->epoch_n > 10)
			error = VIGIL_EFORMAT;
		for (i = 0; i < v->epoch_n; i++)
			if (!vigil_version__digit((unsigned char)s[i]))
				error = VIGIL_EFORMAT;
		s = colon + 1;
	}
	hyphen = NULL;
	for (const char *p = s; p < end; p++)
		if (*p == '-')
			hyphen = p;
	v->up = s;
	v->up_n = hyphen ? (size_t)(hyphen - s) : (size_t)(end - s);
	if (hyphen) {
		v->rev = hyphen + 1;
		v->rev_n = (size_t)(end - hyphen - 1);
		if (v->rev_n == 0)
			error = VIGIL_EFORMAT;
	}
	if (v->up_n == 0 || !vigil_version__digit((unsigned char)v->up[0]))
		error = VIGIL_EFORMAT;
	for (i = 0; i < v->up_n; i++) {
		int c = (unsigned char)v->up[i];
		if (!vigil_version__digit(c) && !vigil_version__alpha(c) && c != '.' && c != '-' &&
		    c != '+' && c != '~' && c != ':')
			error = VIGIL_EFORMAT;
	}
	for (i = 0; i < v->rev_n; i++) {
		int c = (unsigned char)v->rev[i];
		if (!vigil_version__digit(c) && !vigil_version__alpha(c) && c != '.' && c != '+' &&
		    c != '~')
			error = VIGIL_EFORMAT;
	}
	return error;
}

/* dpkg's weight of one character of a non-digit run; 0 at the end of the part. */
static int dpkg_order(const char *p, const char *end)
{
	int c;

	if (p >= end)
		return 0;
	c = (unsigned char)*p;
	if (vigil_version__digit(c))
		return 0;
	if (vigil_version__alpha(c))
		return c;
	if (c == '~')
		return -1;
	return c + 256;
}

/* Compares two upstream versions or two revisions the way dpkg's verrevcmp does. */
static int dpkg_part_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	const char *ae, *be;

	a = a ? a : ""; /* a missing revision: no offset may be applied to NULL */
	b = b ? b : "";
	ae = a + an;
	be = b + bn;

	while (a < ae || b < be) {
		int first_diff = 0;

		while ((a < ae && !vigil_version__digit((unsigned char)*a)) ||
		       (b < be && !vigil_version__digit((unsigned char)*b))) {
			int ac = dpkg_order(a, ae), bc = dpkg_order(b, be);
			if (ac != bc)
				return ac < bc ? -1 : 1;
			if (a < ae)
				a++;
			if (b < be)
				b++;
		}
		while (a < ae && *a == '0')
			a++;
		while (b < be && *b == '0')
			b++;
		while (a < ae && b < be && vigil_version__digit((unsigned char)*a) &&
		       vigil_version__digit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (a < ae && vigil_version__digit((unsigned char)*a))
			return 1;
		if (b < be && vigil_version__digit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff < 0 ? -1 : 1;
	}
	return 0;
}

int vigil_version__dpkg_cmp(int *out, const char *a, const char *b)
{
	dver va, vb;
	int ea = dpkg_split(&va, a), eb = dpkg_split(&vb, b);
	int c = vigil_version__numcmp(va.epoch, va.epoch_n, vb.epoch, vb.epoch_n);

	if (c == 0)
		c = dpkg_part_cmp(va.up, va.up_n, vb.up, vb.up_n);
	if (c == 0)
		c = dpkg_part_cmp(va.rev, va.rev_n, vb.rev, vb.rev_n);
	*out = c;
	return ea < 0 ? ea : eb;
}
