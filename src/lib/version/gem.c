/*
 * gem.c - RubyGems versions (Gem::Version): numbers and letter runs, '-' meaning
 * ".pre.", compared segment by segment after dropping trailing zeros from the
 * release part and from the pre-release part (so 1.0 == 1, 1.0.a == 1.a, and a
 * letter segment sorts below a number); and requirements (Gem::Requirement):
 * "=", "!=", ">", "<", ">=", "<=", "~>" (pessimistic), several joined by ','.
 */
#include <string.h>

#include "vcmp.h"

#define GEM_SEGS 128 /* more segments than this is refused */

typedef struct gseg {
	const char *s;
	size_t n;
	int num;
} gseg;

typedef struct gv {
	gseg seg[GEM_SEGS];
	size_t n;
	int prerelease;
} gv;

static int gem_alnum(int c)
{
	return vigil_version__digit(c) || vigil_version__alpha(c);
}

/* Parses a Gem::Version (whitespace around it ignored; blank means "0") into its
 * canonical segments. -1 when it is malformed. */
static int gem_parse(gv *v, const char *s, const char *e)
{
	const char *p;
	size_t numeric_end, i, k;

	while (s < e && vigil_version__space((unsigned char)*s))
		s++;
	while (e > s && vigil_version__space((unsigned char)e[-1]))
		e--;
	v->n = 0;
	v->prerelease = 0;
	if (s == e)
		s = "0", e = s + 1;
	/* the shape: [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)? */
	p = s;
	if (!vigil_version__digit((unsigned char)*p))
		return -1;
	while (p < e && vigil_version__digit((unsigned char)*p))
		p++;
	while (p < e && *p == '.') {
		const char *q = ++p;
		while (p < e && gem_alnum((unsigned char)*p))
			p++;
		if (p == q)
			return -1;
	}
	if (p < e && *p == '-') {
		do {
			const char *q = ++p;
			while (p < e && (gem_alnum((unsigned char)*p) || *p == '-'))
				p++;
			if (p == q)
				return -1;
		} while (p < e && *p == '.');
	}
	if (p != e)
		return -1;
	/* segments: digit runs and letter runs; each '-' stands for ".pre." */
	for (p = s; p < e;) {
		gseg *g;
		const char *q = p;
		if (*p == '-') {
			q = "pre";
			p++;
			if (v->n >= GEM_SEGS)
				return -1;
			v->seg[v->n++] = (gseg){q, 3, 0};
			v->prerelease = 1;
			continue;
		}
		if (*p == '.') {
			p++;
			continue;
		}
		if (v->n >= GEM_SEGS)
			return -1;
		g = &v->seg[v->n++];
		g->num = vigil_version__digit((unsigned char)*p);
		while (p < e && (g->num ? vigil_version__digit((unsigned char)*p)
					: vigil_version__alpha((unsigned char)*p)))
			p++;
		g->s = q;
		g->n = (size_t)(p - q);
		if (!g->num)
			v->prerelease = 1;
	}
	/* canonical: drop trailing zeros of the numeric part and of the rest */
	for (numeric_end = 0; numeric_end < v->n && v->seg[numeric_end].num; numeric_end++)
		;
	k = numeric_end;
	while (k > 0 && vigil_version__numcmp(v->seg[k - 1].s, v->seg[k - 1].n, "", 0) == 0)
		k--;
	for (i = numeric_end; i < v->n; i++)
		v->seg[k++] = v->seg[i];
	v->n = k;
	/* (a non-empty pre-release part starts with a letter run, which stops this) */
	while (v->n > 0 && v->seg[v->n - 1].num &&
	       vigil_version__numcmp(v->seg[v->n - 1].s, v->seg[v->n - 1].n, "", 0) == 0)
		v->n--;
	return 0;
}

static int gem_cmp(const gv *a, const gv *b)
{
	static const gseg zero = {"0", 1, 1};
	size_t n = a->n > b->n ? a->n : b->n;

	for (size_t i = 0; i < n; i++) {
		const gseg *x = i < a->n ? &a->seg[i] : &zero, *y = i < b->n ? &b->seg[i] : &zero;
		int c;
		if (x->num != y->num)
			return x->num ? 1 : -1;
		if (x->num) {
			c = vigil_version__numcmp(x->s, x->n, y->s, y->n);
		} else {
			c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);
			c = c ? c : (x->n > y->n) - (x->n < y->n);
		}
		if (c)
			return c < 0 ? -1 : 1;
	}
	return 0;
}

int vigil_version__gem_cmp(int *out, const char *a, const char *b)
{
	gv x, y;

	if (gem_parse(&x, a, a + strlen(a)) < 0 || gem_parse(&y, b, b + strlen(b)) < 0) {
		vigil_version__generic_cmp(out, a, b);
		return VIGIL_EFORMAT;
	}
	*out = gem_cmp(&x, &y);
	return 0;
}

/* v.release: the numbers before the first letter segment. */
static void gem_release(gv *v)
{
	size_t i = 0;
	while (i < v->n && v->seg[i].num)
		i++;
	v->n = i;
	while (v->n > 0 &&
	       vigil_version__numcmp(v->seg[v->n - 1].s, v->seg[v->n - 1].n, "", 0) == 0)
		v->n--;
}

/* r.bump, from r's segments as written (not canonical: "1.0" bumps to "2"): the
 * release numbers, the last dropped unless alone, the new last one plus one (its
 * digits written into buf). -1 when it does not fit. */
static int gem_bump(gv *r, char *buf, size_t cap)
{
	size_t i = 0, n;
	const gseg *last;

	while (i < r->n && r->seg[i].num)
		i++;
	r->n = i;
	if (r->n > 1)
		r->n--;
	if (r->n == 0)
		return -1;
	last = &r->seg[r->n - 1];
	n = last->n;
	if (n + 2 > cap)
		return -1;
	buf[0] = '0';
	memcpy(buf + 1, last->s, n);
	for (i = n; i > 0; i--) { /* decimal increment, with a spare leading digit */
		if (buf[i] == '9') {
			buf[i] = '0';
			continue;
		}
		buf[i]++;
		break;
	}
	if (i == 0)
		buf[0] = '1';
	r->seg[r->n - 1] = (gseg){buf, n + 1, 1};
	return 0;
}

/* Segments of a version without canonicalisation (for bump, which counts them). */
static int gem_parse_raw(gv *v, const char *s, const char *e)
{
	gv canon;
	const char *p;

	if (gem_parse(&canon, s, e) < 0)
		return -1;
	v->n = 0;
	while (s < e && vigil_version__space((unsigned char)*s))
		s++;
	while (e > s && vigil_version__space((unsigned char)e[-1]))
		e--;
	if (s == e)
		s = "0", e = s + 1;
	for (p = s; p < e && v->n < GEM_SEGS;) {
		const char *q = p;
		gseg *g;
		if (!gem_alnum((unsigned char)*p)) {
			if (*p == '-')
				v->seg[v->n++] = (gseg){"pre", 3, 0};
			p++;
			continue;
		}
		g = &v->seg[v->n++];
		g->num = vigil_version__digit((unsigned char)*p);
		while (p < e && (g->num ? vigil_version__digit((unsigned char)*p)
					: vigil_version__alpha((unsigned char)*p)))
			p++;
		g->s = q;
		g->n = (size_t)(p - q);
	}
	return 0;
}

/* One requirement [s, e) against the version; -1 when it is malformed. */
static int req_match(const gv *v, const char *s, const char *e)
{
	char op[3] = {0};
	gv r;

	while (s < e && vigil_version__space((unsigned char)*s))
		s++;
	if (e - s >= 2 && (s[0] == '!' || s[0] == '>' || s[0] == '<' || s[0] == '~') &&
	    s[1] == (s[0] == '~' ? '>' : '='))
		op[0] = s[0], op[1] = s[1], s += 2;
	else if (s < e && (*s == '=' || *s == '>' || *s == '<'))
		op[0] = *s++;
	else
		op[0] = '=';
	while (s < e && vigil_version__space((unsigned char)*s))
		s++;
	{
		/* the version must be there (a blank one is not a requirement) */
		const char *t = e;
		while (t > s && vigil_version__space((unsigned char)t[-1]))
			t--;
		if (t == s || gem_parse(&r, s, e) < 0)
			return -1;
	}
	int c = gem_cmp(v, &r);
	if (op[0] == '~') {
		gv rel = *v, bump;
		char buf[VIGIL_VERSION_MAX];
		if (c < 0)
			return 0;
		gem_release(&rel);
		if (gem_parse_raw(&bump, s, e) < 0 || gem_bump(&bump, buf, sizeof(buf)) < 0)
			return -1;
		return gem_cmp(&rel, &bump) < 0;
	}
	if (op[1] == '=')
		return op[0] == '!' ? c != 0 : op[0] == '<' ? c <= 0 : c >= 0;
	return op[0] == '=' ? c == 0 : op[0] == '<' ? c < 0 : c > 0;
}

int vigil_version__gem_satisfies(int *out, const char *version, const char *req)
{
	const char *s = req;
	int ok = 1, any = 0;
	gv v;

	*out = 0;
	if (gem_parse(&v, version, version + strlen(version)) < 0)
		return VIGIL_EFORMAT;
	for (;;) {
		const char *comma = strchr(s, ','), *e = comma ? comma : s + strlen(s);
		const char *t = s;
		int m;

		while (t < e && vigil_version__space((unsigned char)*t))
			t++;
		if (t < e || !any) {
			if (t == e && !comma) { /* an empty requirement is ">= 0" */
				*out = 1;
				return 0;
			}
			if ((m = req_match(&v, s, e)) < 0)
				return VIGIL_EFORMAT;
			ok &= m;
			any = 1;
		}
		if (!comma)
			break;
		s = comma + 1;
	}
	*out = ok;
	return 0;
}
