/*
 * composer.c - Packagist versions as Composer reads them: normalised the way
 * composer/semver's VersionParser does ("v1.2" -> "1.2.0.0", "1.0-b2" ->
 * "1.0.0.0-beta2", "1.x-dev" -> "1.9999999.9999999.9999999-dev", "dev-main" stays
 * a branch), then ordered by PHP's version_compare (dev < alpha < beta < RC <
 * release < patch). Constraints: "||" or "|" alternatives of comma- or space-
 * separated parts: comparators, "^", "~", "1.2.*", "1.0 - 2.0", "*", with Composer's
 * "-dev" lower bounds (">=1.0" also admits 1.0's pre-releases, "<1.2" does not).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "vcmp.h"

#define NBUF VIGIL_VERSION_MAX

/* ---- PHP's version_compare ---------------------------------------------------------- */

/* The order of a PHP "special form" (matched by prefix, as PHP does). */
static int special_form(const char *s, size_t n)
{
	static const struct {
		const char *name;
		int order;
	} forms[] = {{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2},
		     {"RC", 3},	 {"rc", 3},    {"#", 4}, {"pl", 5},   {"p", 5}};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(forms); i++) {
		size_t l = strlen(forms[i].name);
		if (n >= l && memcmp(s, forms[i].name, l) == 0)
			return forms[i].order;
	}
	return -1;
}

/* php_canonicalize_version: '.' between digit and non-digit runs, '-', '_', '+' and
 * other punctuation become '.', no two dots in a row. */
static size_t php_canon(char *out, size_t cap, const char *s, size_t n)
{
	size_t o = 0;
	int lp;

	if (n == 0 || cap < 2 * n + 1)
		return 0;
	out[o++] = s[0];
	lp = (unsigned char)s[0];
	for (size_t i = 1; i < n; i++) {
		int c = (unsigned char)s[i];
		int lq = (unsigned char)out[o - 1];
		int dig = vigil_version__digit(c), ldig = vigil_version__digit(lp);
		if (c == '-' || c == '_' || c == '+') {
			if (lq != '.')
				out[o++] = '.';
		} else if ((lp != '.' && !ldig && dig) || (ldig && c != '.' && !dig)) {
			if (lq != '.')
				out[o++] = '.';
			out[o++] = (char)c;
		} else if (!dig && !vigil_version__alpha(c)) {
			if (lq != '.')
				out[o++] = '.';
		} else {
			out[o++] = (char)c;
		}
		lp = c;
	}
	out[o] = '\0';
	return o;
}

static int php_cmp_tokens(const char *a, const char *b);

/* version_compare over two canonical strings (or "#N#", PHP's number marker). */
static int php_cmp_canon(const char *p1, const char *p2)
{
	const char *n1 = p1, *n2 = p2;
	int c = 0;

	while (*p1 && *p2 && n1 && n2) {
		size_t l1, l2;
		n1 = strchr(p1, '.');
		n2 = strchr(p2, '.');
		l1 = n1 ? (size_t)(n1 - p1) : strlen(p1);
		l2 = n2 ? (size_t)(n2 - p2) : strlen(p2);
		int d1 = vigil_version__digit((unsigned char)*p1);
		int d2 = vigil_version__digit((unsigned char)*p2);
		if (d1 && d2) {
			size_t x = 0, y = 0;
			while (x < l1 && vigil_version__digit((unsigned char)p1[x]))
				x++;
			while (y < l2 && vigil_version__digit((unsigned char)p2[y]))
				y++;
			c = vigil_version__numcmp(p1, x, p2, y);
		} else if (!d1 && !d2) {
			c = vigil_version__sign(special_form(p1, l1) - special_form(p2, l2));
		} else if (d1) {
			c = vigil_version__sign(special_form("#", 1) - special_form(p2, l2));
		} else {
			c = vigil_version__sign(special_form(p1, l1) - special_form("#", 1));
		}
		if (c)
			return c;
		if (n1)
			p1 = n1 + 1;
		if (n2)
			p2 = n2 + 1;
	}
	if (n1)
		return vigil_version__digit((unsigned char)*p1) ? 1 : php_cmp_tokens(p1, "#N#");
	if (n2)
		return vigil_version__digit((unsigned char)*p2) ? -1 : php_cmp_tokens("#N#", p2);
	return 0;
}

/* php_version_compare(a, b) on raw strings; no recursion deeper than one level. */
static int php_cmp_tokens(const char *a, const char *b)
{
	char ca[2 * NBUF + 1], cb[2 * NBUF + 1];
	size_t an = strlen(a), bn = strlen(b);

	if (!an || !bn)
		return an ? 1 : bn ? -1 : 0;
	if (a[0] != '#' && (an >= NBUF || !php_canon(ca, sizeof(ca), a, an)))
		return 0;
	if (b[0] != '#' && (bn >= NBUF || !php_canon(cb, sizeof(cb), b, bn)))
		return 0;
	return php_cmp_canon(a[0] == '#' ? a : ca, b[0] == '#' ? b : cb);
}

/* ---- normalisation ------------------------------------------------------------------ */

typedef struct cver {
	char norm[NBUF + 96]; /* the normalised version (four numbers and a modifier) */
	uint64_t n[4];	      /* numbers as written (0 when missing) */
	int given[4];	      /* which numbers were written */
	int wild;	      /* numbers that were x/X/asterisk (x-range) follow the given ones */
	int stability;	      /* a stability word was written */
	int dev;	      /* a "-dev" suffix was written */
	int branch;	      /* dev-<name>: compares with nothing */
} cver;

static int ieq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

static const char *num(const char *p, const char *e, uint64_t *v, int *ok)
{
	const char *s = p;
	*v = 0;
	while (p < e && vigil_version__digit((unsigned char)*p)) {
		if (p - s >= 18)
			*ok = 0;
		else
			*v = *v * 10 + (uint64_t)(*p - '0');
		p++;
	}
	return p;
}

/* Reads Composer's modifier at p: [._-]?(stability((?:[.-]?\d+)*))?([.-]?dev)? up to e.
 * Writes "-stabilityN" and "-dev" to out; 0 when all of [p, e) was consumed. */
static int modifier(cver *v, const char *p, const char *e, char *out, size_t cap)
{
	static const char *const words[] = {"stable", "beta",  "b",  "rc", "alpha",
					    "a",      "patch", "pl", "p"};
	static const char *const expanded[] = {"stable", "beta",  "beta",  "RC",   "alpha",
					       "alpha",	 "patch", "patch", "patch"};
	for (int sep = 1; sep >= 0; sep--) {
		const char *q = p;
		if (sep) {
			if (q >= e || !(*q == '.' || *q == '_' || *q == '-'))
				continue;
			q++;
		}
		for (int w = -1; w < (int)VIGIL_ARRAY_LEN(words); w++) {
			const char *r = q, *ns = NULL, *ne = NULL;
			int dev = 0;
			if (w >= 0) {
				size_t l = strlen(words[w]);
				if ((size_t)(e - r) < l || strncasecmp(r, words[w], l) != 0)
					continue;
				r += l;
				ns = r;
				while (r < e) {
					const char *t =
						r < e && (*r == '.' || *r == '-') ? r + 1 : r;
					if (t < e && vigil_version__digit((unsigned char)*t)) {
						while (t < e &&
						       vigil_version__digit((unsigned char)*t))
							t++;
						r = t;
					} else {
						break;
					}
				}
				ne = r;
			}
			if (r < e && (*r == '.' || *r == '-') && e - r == 4 && ieq(r + 1, 3, "dev"))
				r += 4, dev = 1;
			else if (e - r == 3 && ieq(r, 3, "dev"))
				r += 3, dev = 1;
			if (r != e)
				continue;
			if (w < 0 && sep && !dev)
				continue; /* a lone separator is not a modifier */
			out[0] = '\0';
			if (w > 0) {
				while (ns < ne && (*ns == '.' || *ns == '-'))
					ns++;
				snprintf(out, cap, "-%s%.*s", expanded[w], (int)(ne - ns), ns);
			}
			if (w == 0) /* "stable" ends the version, "-dev" and all */
				dev = 0;
			v->stability = w > 0;
			v->dev = dev;
			if (dev)
				snprintf(out + strlen(out), cap - strlen(out), "-dev");
			return 0;
		}
	}
	return -1;
}

/* Writes "n0.n1.n2.n3" and the modifier into out (which holds NBUF + 96 bytes);
 * no snprintf, as this is the hot path. */
static void put_norm(char *out, const uint64_t n[4], const char *mod)
{
	char *o = out;
	size_t ml = strlen(mod);

	for (int i = 0; i < 4; i++) {
		char tmp[24];
		int k = 0;
		uint64_t x = n[i];
		do
			tmp[k++] = (char)('0' + x % 10);
		while ((x /= 10) != 0);
		if (i)
			*o++ = '.';
		while (k)
			*o++ = tmp[--k];
	}
	memcpy(o, mod, ml + 1);
}

/* VersionParser::normalize; -1 for what Composer calls an invalid version. With
 * `wild`, the numbers may end in x/X/asterisk parts (x-ranges and "1.x-dev"). */
static int normalize(cver *v, const char *s, const char *e, int wild)
{
	char mod[NBUF];
	const char *p, *q;
	int ok = 1;

	v->norm[0] = '\0';
	memset(v->n, 0, sizeof(*v) - offsetof(cver, n));
	while (s < e && vigil_version__space((unsigned char)*s))
		s++;
	while (e > s && vigil_version__space((unsigned char)e[-1]))
		e--;
	if (e - s >= NBUF - 40 || s == e)
		return -1;
	/* "1.0 as 2.0": the alias is ignored */
	for (p = s; p + 4 <= e; p++)
		if (*p == ' ' && strncasecmp(p, " as ", 4) == 0) {
			e = p;
			break;
		}
	/* a stability flag "@dev" */
	for (p = e; p > s && p[-1] != '@';)
		p--;
	if (p > s && (ieq(p, (size_t)(e - p), "stable") || ieq(p, (size_t)(e - p), "rc") ||
		      ieq(p, (size_t)(e - p), "beta") || ieq(p, (size_t)(e - p), "alpha") ||
		      ieq(p, (size_t)(e - p), "dev")))
		e = p - 1;
	if (ieq(s, (size_t)(e - s), "master") || ieq(s, (size_t)(e - s), "trunk") ||
	    ieq(s, (size_t)(e - s), "default")) {
		snprintf(v->norm, sizeof(v->norm), "dev-%.*s", (int)(e - s), s);
		v->branch = 1;
		return 0;
	}
	if (e - s >= 4 && strncasecmp(s, "dev-", 4) == 0) {
		snprintf(v->norm, sizeof(v->norm), "dev-%.*s", (int)(e - s - 4), s + 4);
		v->branch = 1;
		return 0;
	}
	/* build metadata */
	for (p = s; p < e && *p != '+'; p++)
		;
	if (p < e && p > s)
		e = p;
	p = s;
	if (p < e && (*p == 'v' || *p == 'V'))
		p++;
	q = p;
	/* classical: up to four numbers, the first of at most five digits */
	for (int i = 0; i < 4; i++) {
		const char *t = p;
		if (i > 0) {
			if (t >= e || *t != '.')
				break;
			t++;
		}
		if (wild && t < e && (*t == 'x' || *t == 'X' || *t == '*')) {
			v->wild = 1;
			p = t + 1;
			for (int j = i; j < 4; j++)
				v->n[j] = 9999999;
			break;
		}
		if (t >= e || !vigil_version__digit((unsigned char)*t))
			break;
		p = num(t, e, &v->n[i], &ok);
		v->given[i] = 1;
	}
	if (!v->given[0] || !ok)
		return -1;
	if (p - q > 5 && !v->given[1]) {
		/* date versions: 20230101, 2023-01-01.1 */
		const char *d = q;
		size_t o = 0;
		while (p < e &&
		       (vigil_version__digit((unsigned char)*p) || *p == '.' || *p == ':' ||
			*p == '-') &&
		       !(p + 1 < e && !vigil_version__digit((unsigned char)p[1]) && *p != '.'))
			p++;
		while (p > d && !vigil_version__digit((unsigned char)p[-1]))
			p--;
		for (; d < p && o + 1 < sizeof(v->norm); d++)
			v->norm[o++] = vigil_version__digit((unsigned char)*d) ? *d : '.';
		v->norm[o] = '\0';
		if (modifier(v, p, e, mod, sizeof(mod)) < 0)
			return -1;
		snprintf(v->norm + o, sizeof(v->norm) - o, "%s", mod);
		return 0;
	}
	if (q[0] != '0' || p - q < 1) {
		size_t l = 0;
		while (q + l < e && vigil_version__digit((unsigned char)q[l]))
			l++;
		if (l > 5)
			return -1;
	}
	if (modifier(v, p, e, mod, sizeof(mod)) < 0)
		return -1;
	if (v->wild && !v->dev)
		return -1; /* "1.x" alone is a constraint, not a version */
	put_norm(v->norm, v->n, mod);
	return 0;
}

/* Constraint::versionCompare: branches only equal themselves. */
static int holds(const cver *a, vop op, const cver *b)
{
	if (a->branch || b->branch) {
		int same = strcmp(a->norm, b->norm) == 0;
		if (op == VOP_NE)
			return !same;
		return op == VOP_EQ && same && a->branch && b->branch;
	}
	return vigil_version__op_holds(op, php_cmp_tokens(a->norm, b->norm));
}

int vigil_version__composer_cmp(int *out, const char *a, const char *b)
{
	cver x, y;

	if (normalize(&x, a, a + strlen(a), 1) < 0 || normalize(&y, b, b + strlen(b), 1) < 0) {
		vigil_version__generic_cmp(out, a, b);
		return VIGIL_EFORMAT;
	}
	if (x.branch || y.branch) { /* Composer does not order branches; keep it stable */
		int c = strcmp(x.norm, y.norm);
		*out = x.branch != y.branch ? (x.branch ? -1 : 1) : (c > 0) - (c < 0);
		return x.branch && y.branch && c == 0 ? 0 : VIGIL_EFORMAT;
	}
	*out = php_cmp_tokens(x.norm, y.norm);
	return 0;
}

/* ---- constraints -------------------------------------------------------------------- */

/* manipulateVersionString: numbers past `pos` zeroed, number `pos` plus `inc`
 * (1-based), as "M.m.p.b-dev" into out. */
static int bumped(cver *out, const cver *v, int pos, int inc)
{
	uint64_t n[4];
	for (int i = 0; i < 4; i++)
		n[i] = i + 1 > pos ? 0 : v->n[i];
	n[pos - 1] += (uint64_t)inc;
	memset(out->n, 0, sizeof(*out) - offsetof(cver, n));
	put_norm(out->norm, n, "-dev");
	return 0;
}

static int given_count(const cver *v)
{
	int n = 0;
	while (n < 4 && v->given[n])
		n++;
	return n;
}

/* Re-normalises [s, e) with "-dev" appended when it has no stability of its own. */
static int low_bound(cver *lo, const char *s, const char *e)
{
	char buf[NBUF];
	cver t;
	if (normalize(&t, s, e, 0) < 0)
		return -1;
	if (!t.stability && !t.dev && !t.branch) {
		snprintf(buf, sizeof(buf), "%.*s-dev", (int)(e - s), s);
		return normalize(lo, buf, buf + strlen(buf), 0);
	}
	*lo = t;
	return 0;
}

/* One part of an AND list [s, e) against v: 1, 0, or -1 when it is malformed. */
static int part_match(const cver *v, const char *s, const char *e)
{
	cver c, lo, hi;
	vop op;
	int pos, n;

	/* a stability flag on a constraint only widens what Composer installs */
	for (const char *p = s; p < e; p++)
		if (*p == '@') {
			e = p;
			break;
		}
	if (s == e)
		return -1;
	if ((e - s == 1 && (*s == '*' || *s == 'x' || *s == 'X')) ||
	    (e - s == 2 && *s == 'v' && (s[1] == '*' || s[1] == 'x' || s[1] == 'X')))
		return 1;
	if (*s == '~' || *s == '^') {
		int caret = *s == '^';
		if (s + 1 < e && s[1] == '>')
			return -1; /* Composer refuses "~>" */
		if (normalize(&c, s + 1, e, 0) < 0 || low_bound(&lo, s + 1, e) < 0 || c.branch)
			return -1;
		n = given_count(&c);
		if (caret) {
			if (c.n[0] != 0 || n < 2)
				pos = 1;
			else if (c.n[1] != 0 || n < 3)
				pos = 2;
			else
				pos = 3;
		} else {
			pos = n + (c.dev ? 1 : 0);
			pos = pos - 1 < 1 ? 1 : pos - 1;
			if (pos > 4)
				pos = 4;
		}
		bumped(&hi, &c, pos, 1);
		return holds(v, VOP_GE, &lo) && holds(v, VOP_LT, &hi);
	}
	/* "1.2.*" */
	if (e - s >= 2 && (e[-1] == '*' || e[-1] == 'x' || e[-1] == 'X') && e[-2] == '.') {
		cver w;
		const char *p = s;

		memset(&w, 0, sizeof(w));
		if (*p == 'v' || *p == 'V')
			p++;
		int ok = 1;
		for (n = 0; n < 3 && p < e && vigil_version__digit((unsigned char)*p); n++) {
			p = num(p, e, &w.n[n], &ok);
			w.given[n] = 1;
			if (p < e && *p == '.')
				p++;
		}
		while (p < e && (*p == '*' || *p == 'x' || *p == 'X' || *p == '.'))
			p++;
		if (!ok || n == 0 || p != e)
			return -1;
		bumped(&lo, &w, n, 0);
		bumped(&hi, &w, n, 1);
		if (strcmp(lo.norm, "0.0.0.0-dev") == 0)
			return holds(v, VOP_LT, &hi);
		return holds(v, VOP_GE, &lo) && holds(v, VOP_LT, &hi);
	}
	op = VOP_EQ;
	const char *o = s;
	if (e - s >= 2 && s[0] == '<' && s[1] == '>')
		op = VOP_NE, s += 2;
	else
		op = vigil_version__op(&s);
	/* Composer gives "<V" and ">=V" the bound V-dev */
	int lt_or_ge = (s - o == 1 && o[0] == '<') || (s - o == 2 && o[0] == '>' && o[1] == '=');
	while (s < e && vigil_version__space((unsigned char)*s))
		s++;
	if (normalize(&c, s, e, 1) < 0) {
		/* "foo-dev" means the branch dev-foo */
		char buf[NBUF];
		if (e - s <= 4 || e - s >= NBUF - 8 || !ieq(e - 4, 4, "-dev"))
			return -1;
		snprintf(buf, sizeof(buf), "dev-%.*s", (int)(e - s - 4), s);
		if (normalize(&c, buf, buf + strlen(buf), 0) < 0)
			return -1;
	}
	if (lt_or_ge && !c.branch && !c.stability && !c.dev) {
		size_t l = strlen(c.norm);
		snprintf(c.norm + l, sizeof(c.norm) - l, "-dev");
	}
	return holds(v, op, &c);
}

/* A hyphen range "A - B". */
static int hyphen_match(const cver *v, const char *as, const char *ae, const char *bs,
			const char *be)
{
	cver lo, to, hi;
	int n;

	if (low_bound(&lo, as, ae) < 0 || normalize(&to, bs, be, 0) < 0 || to.branch)
		return -1;
	n = given_count(&to);
	if (n >= 3 || to.stability || to.dev)
		return holds(v, VOP_GE, &lo) && holds(v, VOP_LE, &to);
	bumped(&hi, &to, n < 2 ? 1 : 2, 1);
	return holds(v, VOP_GE, &lo) && holds(v, VOP_LT, &hi);
}

static int is_op_only(const char *s, const char *e)
{
	for (const char *p = s; p < e; p++)
		if (!strchr("<>=!~^", *p))
			return 0;
	return s < e;
}

/* One AND list [s, e): parts split by commas or spaces. */
static int and_match(const cver *v, const char *s, const char *e)
{
	const char *w[3][2];
	const char *p;
	int nw = 0, ok = 1, any = 0;

	for (p = s; p < e && nw < 4;) {
		while (p < e && (vigil_version__space((unsigned char)*p) || *p == ','))
			p++;
		if (p >= e)
			break;
		if (nw == 3) {
			nw = 4;
			break;
		}
		w[nw][0] = p;
		while (p < e && !vigil_version__space((unsigned char)*p) && *p != ',')
			p++;
		w[nw][1] = p;
		nw++;
	}
	if (nw == 3 && w[1][1] - w[1][0] == 1 && *w[1][0] == '-')
		return hyphen_match(v, w[0][0], w[0][1], w[2][0], w[2][1]);
	for (p = s;;) {
		const char *ws;
		int m;
		while (p < e && (vigil_version__space((unsigned char)*p) || *p == ','))
			p++;
		if (p >= e)
			break;
		ws = p;
		while (p < e && !vigil_version__space((unsigned char)*p) && *p != ',')
			p++;
		if (is_op_only(ws, p)) { /* ">= 1.0" */
			while (p < e && vigil_version__space((unsigned char)*p))
				p++;
			while (p < e && !vigil_version__space((unsigned char)*p) && *p != ',')
				p++;
		}
		const char *we = p;
		if (we - ws >= 3 && ieq(ws, 2, "as") && vigil_version__space((unsigned char)ws[2]))
			continue;
		if ((m = part_match(v, ws, we)) < 0)
			return -1;
		ok &= m;
		any = 1;
	}
	return any ? ok : -1;
}

int vigil_version__composer_satisfies(int *out, const char *version, const char *constraint)
{
	const char *s = constraint;
	cver v;
	int any = 0;

	*out = 0;
	if (normalize(&v, version, version + strlen(version), 1) < 0)
		return VIGIL_EFORMAT;
	for (;;) {
		const char *bar = strchr(s, '|'), *e = bar ? bar : s + strlen(s);
		int m = and_match(&v, s, e);
		if (m < 0)
			return VIGIL_EFORMAT;
		any |= m;
		if (!bar)
			break;
		s = bar + 1;
		if (*s == '|')
			s++;
	}
	*out = any;
	return 0;
}
