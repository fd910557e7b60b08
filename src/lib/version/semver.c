/*
 * semver.c - SemVer 2.0 precedence (npm, crates.io), NuGet's variant of it (four
 * numbers, case-insensitive pre-releases), Go module versions (a 'v', shorthand
 * "v1"/"v1.2", pseudo-versions are ordinary pre-releases, "+incompatible" is build metadata), and
 * node-semver ranges:
 * "||", hyphen ranges, x-ranges, "~", "^", comparators, and its pre-release rule
 * (a pre-release only matches a comparator set naming a pre-release of the same
 * major.minor.patch).
 */
#include <stdint.h>
#include <string.h>

#include "vcmp.h"

#define SV_MAX_SAFE 9007199254740991ull /* node-semver's Number.MAX_SAFE_INTEGER */
#define SV_MAX_LENGTH 256		/* node-semver refuses longer versions */

typedef struct sv {
	uint64_t n[4];
	int parts;	 /* numbers given: 1..4 */
	const char *pre; /* pre-release identifiers without the '-', NULL when none */
	size_t pre_n;
} sv;

/* Reads a number without leading zeros at *p (below e); -1 when there is none. */
static int sv_num(uint64_t *out, const char **p, const char *e)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= e || !vigil_version__digit((unsigned char)*s))
		return -1;
	if (*s == '0' && s + 1 < e && vigil_version__digit((unsigned char)s[1]))
		return -1;
	while (s < e && vigil_version__digit((unsigned char)*s)) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s++ - '0');
	}
	*out = v;
	*p = s;
	return 0;
}

static int ident_char(int c)
{
	return vigil_version__digit(c) || vigil_version__alpha(c) || c == '-';
}

/* Reads dot-separated identifiers at *p; pre-release ones (`pre`) must not be
 * numbers with leading zeros. -1 when empty or malformed. */
static int sv_idents(const char **p, const char *e, int pre)
{
	const char *s = *p;

	for (;;) {
		const char *id = s;
		int digits = 1;

		while (s < e && ident_char((unsigned char)*s)) {
			if (!vigil_version__digit((unsigned char)*s))
				digits = 0;
			s++;
		}
		if (s == id)
			return -1;
		if (pre && digits && *id == '0' && s - id > 1)
			return -1;
		if (s < e && *s == '.') {
			s++;
			continue;
		}
		break;
	}
	*p = s;
	return 0;
}

/* Parses a version [s, e): min_parts to max_parts numbers (M.m.p; NuGet's M.m.p.r;
 * the shorthands "M" and "M.m" that Go, NuGet and OSV's "0" use), then -pre and
 * +build (after fewer than three numbers only with short_pre, as NuGet allows). */
static int sv_parse(sv *v, const char *s, const char *e, int min_parts, int max_parts,
		    uint64_t max_num, int short_pre)
{
	memset(v, 0, sizeof(*v));
	if (sv_num(&v->n[0], &s, e) < 0 || v->n[0] > max_num)
		return -1;
	v->parts = 1;
	while (v->parts < max_parts && s < e && *s == '.') {
		s++;
		if (sv_num(&v->n[v->parts], &s, e) < 0 || v->n[v->parts] > max_num)
			return -1;
		v->parts++;
	}
	if (v->parts < min_parts)
		return -1;
	if (s < e && *s == '-') {
		if (v->parts < 3 && !short_pre)
			return -1;
		v->pre = ++s;
		if (sv_idents(&s, e, 1) < 0)
			return -1;
		v->pre_n = (size_t)(s - v->pre);
	}
	if (s < e && *s == '+') {
		if (v->parts < 3 && !short_pre)
			return -1;
		s++;
		if (sv_idents(&s, e, 0) < 0)
			return -1;
	}
	return s == e ? 0 : -1;
}

/* Trims whitespace and a leading 'v' or '=' (as node-semver does for versions). */
static void sv_trim(const char **s, const char **e)
{
	while (*s < *e && vigil_version__space((unsigned char)**s))
		(*s)++;
	while (*e > *s && vigil_version__space((unsigned char)(*e)[-1]))
		(*e)--;
	if (*s < *e && (**s == 'v' || **s == 'V' || **s == '='))
		(*s)++;
}

/* Pre-release precedence: identifiers left to right, numbers numerically and below
 * words, more identifiers above fewer; words byte-wise (SemVer 2.0) or, with fold,
 * case-insensitively (NuGet). */
static int pre_cmp(const char *a, size_t an, const char *b, size_t bn, int fold)
{
	const char *ae, *be;

	if (!a || !b)
		return a ? -1 : b ? 1 : 0; /* a release is above its pre-releases */
	ae = a + an; /* after the NULL check: an offset on NULL is undefined */
	be = b + bn;
	for (;;) {
		const char *x = a, *y = b;
		int xd = 1, yd = 1, c = 0;

		if (a >= ae || b >= be)
			return a < ae ? 1 : b < be ? -1 : 0;
		while (a < ae && *a != '.')
			xd &= vigil_version__digit((unsigned char)*a++);
		while (b < be && *b != '.')
			yd &= vigil_version__digit((unsigned char)*b++);
		if (xd && yd) {
			c = vigil_version__numcmp(x, (size_t)(a - x), y, (size_t)(b - y));
		} else if (xd || yd) {
			c = xd ? -1 : 1;
		} else {
			size_t l1 = (size_t)(a - x), l2 = (size_t)(b - y);
			for (size_t i = 0; i < l1 && i < l2 && c == 0; i++) {
				int p = (unsigned char)x[i], q = (unsigned char)y[i];
				if (fold) {
					p += (p >= 'A' && p <= 'Z') ? 'a' - 'A' : 0;
					q += (q >= 'A' && q <= 'Z') ? 'a' - 'A' : 0;
				}
				c = p - q;
			}
			if (c == 0)
				c = l1 < l2 ? -1 : l1 > l2;
		}
		if (c)
			return c < 0 ? -1 : 1;
		if (a < ae)
			a++;
		if (b < be)
			b++;
	}
}

static int sv_cmp(const sv *a, const sv *b)
{
	for (int i = 0; i < 4; i++)
		if (a->n[i] != b->n[i])
			return a->n[i] < b->n[i] ? -1 : 1;
	return pre_cmp(a->pre, a->pre_n, b->pre, b->pre_n, 0);
}

int vigil_version__semver_cmp(int *out, const char *a, const char *b)
{
	const char *as = a, *ae = a + strlen(a), *bs = b, *be = b + strlen(b);
	sv x, y;

	sv_trim(&as, &ae);
	sv_trim(&bs, &be);
	if (sv_parse(&x, as, ae, 1, 4, UINT64_MAX, 1) < 0 ||
	    sv_parse(&y, bs, be, 1, 4, UINT64_MAX, 1) < 0) {
		vigil_version__generic_cmp(out, a, b);
		return VIGIL_EFORMAT;
	}
	*out = sv_cmp(&x, &y);
	return 0;
}

/* A NuGet version (NuGet.Versioning's rules): 1 to 4 numbers, leading zeros allowed
 * ("1.01" is 1.1), missing numbers 0 ("1.0" = "1.0.0.0"), then -pre-release identifiers
 * and +metadata (ignored). */
typedef struct nv {
	uint64_t n[4];
	const char *pre;
	size_t pre_n;
} nv;

static int nv_parse(nv *v, const char *s, const char *e)
{
	int parts = 0;
	memset(v, 0, sizeof(*v));
	while (s < e && vigil_version__space((unsigned char)*s))
		s++;
	while (e > s && vigil_version__space((unsigned char)e[-1]))
		e--;
	for (;;) {
		const char *d = s;
		uint64_t x = 0;
		while (s < e && vigil_version__digit((unsigned char)*s)) {
			if (x > (UINT64_MAX - 9) / 10)
				return -1;
			x = x * 10 + (uint64_t)(*s++ - '0');
		}
		if (s == d || parts == 4)
			return -1;
		v->n[parts++] = x;
		if (s < e && *s == '.') {
			s++;
			continue;
		}
		break;
	}
	if (s < e && *s == '-') {
		v->pre = ++s;
		if (sv_idents(&s, e, 0) < 0)
			return -1;
		v->pre_n = (size_t)(s - v->pre);
	}
	if (s < e && *s == '+') {
		s++;
		if (sv_idents(&s, e, 0) < 0)
			return -1;
	}
	return s == e ? 0 : -1;
}

int vigil_version__nuget_cmp(int *out, const char *a, const char *b)
{
	nv x, y;
	if (nv_parse(&x, a, a + strlen(a)) < 0 || nv_parse(&y, b, b + strlen(b)) < 0) {
		vigil_version__generic_cmp(out, a, b);
		return VIGIL_EFORMAT;
	}
	for (int k = 0; k < 4; k++)
		if (x.n[k] != y.n[k]) {
			*out = x.n[k] < y.n[k] ? -1 : 1;
			return 0;
		}
	*out = pre_cmp(x.pre, x.pre_n, y.pre, y.pre_n, 1);
	return 0;
}

int vigil_version__go_cmp(int *out, const char *a, const char *b)
{
	const char *as = a, *ae = a + strlen(a), *bs = b, *be = b + strlen(b);
	sv x, y;

	sv_trim(&as, &ae);
	sv_trim(&bs, &be);
	if (sv_parse(&x, as, ae, 1, 3, UINT64_MAX, 0) < 0 ||
	    sv_parse(&y, bs, be, 1, 3, UINT64_MAX, 0) < 0) {
		vigil_version__generic_cmp(out, a, b);
		return VIGIL_EFORMAT;
	}
	*out = sv_cmp(&x, &y);
	return 0;
}

/* ---- node-semver ranges ------------------------------------------------------------ */

enum { B_ANY, B_LT, B_LE, B_GT, B_GE, B_EQ };

typedef struct bound {
	int op;
	sv v;
} bound;

/* A partial version of a range: numbers, or x/X/asterisk/missing (wild = 1). */
typedef struct partial {
	uint64_t n[3];
	int wild[3];
	const char *pre;
	size_t pre_n;
} partial;

#define SET_MAX 64 /* comparators per set; more is refused */

typedef struct bset {
	bound b[SET_MAX];
	int n;
} bset;

static int is_x(const char *s, const char *e)
{
	return s < e && (*s == 'x' || *s == 'X' || *s == '*');
}

/* Parses an x-range [s, e): "1", "1.2", "1.x", "*", "1.2.3-pre+build", with an
 * optional leading 'v' or '='. */
static int partial_parse(partial *p, const char *s, const char *e)
{
	memset(p, 0, sizeof(*p));
	while (s < e && (*s == 'v' || *s == '=' || vigil_version__space((unsigned char)*s)))
		s++;
	for (int i = 0; i < 3; i++) {
		if (i > 0) {
			if (s >= e) {
				p->wild[i] = 1;
				continue;
			}
			if (*s != '.')
				return -1;
			s++;
		}
		if (is_x(s, e)) {
			p->wild[i] = 1;
			s++;
		} else if (sv_num(&p->n[i], &s, e) < 0 || p->n[i] > SV_MAX_SAFE) {
			return -1;
		}
	}
	if (s < e && *s == '-') {
		if (p->wild[2])
			return -1;
		p->pre = ++s;
		if (sv_idents(&s, e, 1) < 0)
			return -1;
		p->pre_n = (size_t)(s - p->pre);
	}
	if (s < e && *s == '+') {
		s++;
		if (sv_idents(&s, e, 0) < 0)
			return -1;
	}
	return s == e ? 0 : -1;
}

static int add(bset *set, int op, uint64_t M, uint64_t m, uint64_t p, const char *pre, size_t pre_n)
{
	bound *b;

	if (set->n >= SET_MAX)
		return -1;
	b = &set->b[set->n++];
	memset(b, 0, sizeof(*b));
	b->op = op;
	b->v.n[0] = M;
	b->v.n[1] = m;
	b->v.n[2] = p;
	b->v.parts = 3;
	b->v.pre = pre;
	b->v.pre_n = pre_n;
	return 0;
}

#define ZERO "0", 1 /* the "-0" pre-release: the lowest of a version */

/* Desugars one comparator word ("^1.2", "~1", ">=1.2.x", "1.2.3") into bounds. */
static int word_bounds(bset *set, const char *s, const char *e)
{
	partial x;
	int kind = 0; /* '~', '^', or an op */
	int op = B_EQ;

	if (s < e && *s == '~') {
		kind = '~';
		s++;
		if (s < e && *s == '>')
			s++;
	} else if (s < e && *s == '^') {
		kind = '^';
		s++;
	} else if (s + 1 < e && (s[0] == '<' || s[0] == '>') && s[1] == '=') {
		op = s[0] == '<' ? B_LE : B_GE;
		s += 2;
	} else if (s < e && (*s == '<' || *s == '>')) {
		op = *s == '<' ? B_LT : B_GT;
		s++;
	} else if (s < e && *s == '=') {
		s++;
	}
	while (s < e && vigil_version__space((unsigned char)*s))
		s++;
	if (partial_parse(&x, s, e) < 0)
		return -1;
	uint64_t M = x.n[0], m = x.n[1], p = x.n[2];
	int xM = x.wild[0], xm = xM || x.wild[1], xp = xm || x.wild[2];

	if (kind == '~') {
		if (xM)
			return add(set, B_ANY, 0, 0, 0, NULL, 0);
		if (xm)
			return add(set, B_GE, M, 0, 0, NULL, 0) | add(set, B_LT, M + 1, 0, 0, ZERO);
		if (xp)
			return add(set, B_GE, M, m, 0, NULL, 0) | add(set, B_LT, M, m + 1, 0, ZERO);
		return add(set, B_GE, M, m, p, x.pre, x.pre_n) | add(set, B_LT, M, m + 1, 0, ZERO);
	}
	if (kind == '^') {
		if (xM)
			return add(set, B_ANY, 0, 0, 0, NULL, 0);
		if (xm)
			return add(set, B_GE, M, 0, 0, NULL, 0) | add(set, B_LT, M + 1, 0, 0, ZERO);
		if (xp)
			return add(set, B_GE, M, m, 0, NULL, 0) |
			       (M == 0 ? add(set, B_LT, M, m + 1, 0, ZERO)
				       : add(set, B_LT, M + 1, 0, 0, ZERO));
		if (add(set, B_GE, M, m, p, x.pre, x.pre_n) < 0)
			return -1;
		if (M == 0 && m == 0)
			return add(set, B_LT, M, m, p + 1, ZERO);
		if (M == 0)
			return add(set, B_LT, M, m + 1, 0, ZERO);
		return add(set, B_LT, M + 1, 0, 0, ZERO);
	}
	if (!xp)
		return add(set, op, M, m, p, x.pre, x.pre_n);
	if (xM) {
		if (op == B_LT || op == B_GT)
			return add(set, B_LT, 0, 0, 0, ZERO); /* nothing */
		return add(set, B_ANY, 0, 0, 0, NULL, 0);
	}
	if (op != B_EQ) {
		if (xm)
			m = 0;
		p = 0;
		if (op == B_GT) {
			op = B_GE;
			if (xm)
				M++, m = 0;
			else
				m++;
		} else if (op == B_LE) {
			op = B_LT;
			if (xm)
				M++;
			else
				m++;
		}
		if (op == B_LT)
			return add(set, op, M, m, p, ZERO);
		return add(set, op, M, m, p, NULL, 0);
	}
	if (xm)
		return add(set, B_GE, M, 0, 0, NULL, 0) | add(set, B_LT, M + 1, 0, 0, ZERO);
	return add(set, B_GE, M, m, 0, NULL, 0) | add(set, B_LT, M, m + 1, 0, ZERO);
}

/* "A - B": >= the lowest of A, <= B or below the next of B's wildcard. */
static int hyphen_bounds(bset *set, const char *as, const char *ae, const char *bs, const char *be)
{
	partial a, b;

	if (partial_parse(&a, as, ae) < 0 || partial_parse(&b, bs, be) < 0)
		return -1;
	if (a.wild[0])
		add(set, B_ANY, 0, 0, 0, NULL, 0);
	else if (a.wild[1])
		add(set, B_GE, a.n[0], 0, 0, NULL, 0);
	else if (a.wild[2])
		add(set, B_GE, a.n[0], a.n[1], 0, NULL, 0);
	else
		add(set, B_GE, a.n[0], a.n[1], a.n[2], a.pre, a.pre_n);
	if (b.wild[0])
		return add(set, B_ANY, 0, 0, 0, NULL, 0);
	if (b.wild[1])
		return add(set, B_LT, b.n[0] + 1, 0, 0, ZERO);
	if (b.wild[2])
		return add(set, B_LT, b.n[0], b.n[1] + 1, 0, ZERO);
	return add(set, B_LE, b.n[0], b.n[1], b.n[2], b.pre, b.pre_n);
}

static int is_op_only(const char *s, const char *e)
{
	size_t n = (size_t)(e - s);
	return (n == 1 && strchr("<>=~^", *s)) ||
	       (n == 2 && ((s[0] == '<' || s[0] == '>') && s[1] == '=')) ||
	       (n == 2 && s[0] == '~' && s[1] == '>');
}

/* Parses one "||"-separated set [s, e) into bounds. */
static int set_parse(bset *set, const char *s, const char *e)
{
	const char *w[3][2];
	const char *p = s;
	int nw = 0;

	set->n = 0;
	/* a hyphen range is exactly three words: A - B */
	for (p = s; p < e && nw <= 3;) {
		while (p < e && vigil_version__space((unsigned char)*p))
			p++;
		if (p >= e)
			break;
		if (nw == 3) {
			nw = 4;
			break;
		}
		w[nw][0] = p;
		while (p < e && !vigil_version__space((unsigned char)*p))
			p++;
		w[nw][1] = p;
		nw++;
	}
	if (nw == 3 && w[1][1] - w[1][0] == 1 && *w[1][0] == '-')
		return hyphen_bounds(set, w[0][0], w[0][1], w[2][0], w[2][1]);
	for (p = s;;) {
		const char *ws, *we;

		while (p < e && vigil_version__space((unsigned char)*p))
			p++;
		if (p >= e)
			break;
		ws = p;
		while (p < e && !vigil_version__space((unsigned char)*p))
			p++;
		if (is_op_only(ws, p)) { /* "> 1.2": the operator takes the next word */
			while (p < e && vigil_version__space((unsigned char)*p))
				p++;
			while (p < e && !vigil_version__space((unsigned char)*p))
				p++;
		}
		we = p;
		if (word_bounds(set, ws, we) < 0)
			return -1;
	}
	if (set->n == 0)
		return add(set, B_ANY, 0, 0, 0, NULL, 0);
	return 0;
}

static int bound_holds(const bound *b, const sv *v)
{
	int c;

	if (b->op == B_ANY)
		return 1;
	c = sv_cmp(v, &b->v);
	switch (b->op) {
	case B_LT:
		return c < 0;
	case B_LE:
		return c <= 0;
	case B_GT:
		return c > 0;
	case B_GE:
		return c >= 0;
	default:
		return c == 0;
	}
}

static int set_test(const bset *set, const sv *v)
{
	for (int i = 0; i < set->n; i++)
		if (!bound_holds(&set->b[i], v))
			return 0;
	if (!v->pre)
		return 1;
	/* a pre-release needs a comparator naming a pre-release of its own M.m.p */
	for (int i = 0; i < set->n; i++) {
		const bound *b = &set->b[i];
		if (b->op != B_ANY && b->v.pre && b->v.n[0] == v->n[0] && b->v.n[1] == v->n[1] &&
		    b->v.n[2] == v->n[2])
			return 1;
	}
	return 0;
}

int vigil_version__npm_satisfies(int *out, const char *version, const char *range)
{
	const char *vs = version, *ve = version + strlen(version), *s = range;
	bset set;
	sv v;
	int any = 0, bad_version;

	*out = 0;
	sv_trim(&vs, &ve);
	bad_version = ve - vs > SV_MAX_LENGTH || sv_parse(&v, vs, ve, 3, 3, SV_MAX_SAFE, 0) < 0;
	for (;;) {
		const char *bar = strstr(s, "||");
		const char *e = bar ? bar : s + strlen(s);

		if (set_parse(&set, s, e) < 0)
			return VIGIL_EFORMAT;
		if (!bad_version && set_test(&set, &v))
			any = 1;
		if (!bar)
			break;
		s = bar + 2;
	}
	if (bad_version)
		return VIGIL_EFORMAT;
	*out = any;
	return 0;
}
