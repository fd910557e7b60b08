/*
 * pep440.c - PyPI versions (PEP 440): [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local],
 * with the spellings PEP 440 normalises (alpha, beta, c, pre, preview, rev, r, "-N",
 * optional separators and numbers, a leading 'v', any case), ordered as pypa/packaging
 * orders them; and version specifiers (~=, ==, !=, <=, >=, <, >, ===, "==1.2.*"),
 * comma-separated, with packaging's current default of matching pre-releases.
 */
#include <string.h>

#include "vcmp.h"

typedef struct pv {
	const char *epoch, *rel, *pre_n, *post_n, *dev_n, *local;
	size_t epoch_len, rel_len, pre_len, post_len, dev_len, local_len;
	int pre_l; /* 0 none, 1 a, 2 b, 3 rc */
	int has_post, has_dev, has_local;
	int rel_parts;
} pv;

static int is_sep(int c)
{
	return c == '-' || c == '_' || c == '.';
}

/* Matches the word w case-insensitively at p; returns its length or 0. */
static size_t word_at(const char *p, const char *e, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(e - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (vigil_version__lower((unsigned char)p[i]) != w[i])
			return 0;
	return n;
}

static const char *digits(const char *p, const char *e)
{
	while (p < e && vigil_version__digit((unsigned char)*p))
		p++;
	return p;
}

/* After a pre/post/dev word: an optional separator and an optional number ("1.0rev."
 * is post0, as packaging's pattern allows; every later part's own separator is
 * optional too, so taking the separator here never loses a match). */
static const char *opt_number(const char *p, const char *e, const char **num, size_t *len)
{
	const char *q = p < e && is_sep((unsigned char)*p) ? p + 1 : p;
	*num = q;
	*len = (size_t)(digits(q, e) - q);
	return q + *len;
}

/* Parses a PEP 440 version in [s, e); `wildcard` accepts a trailing ".*" after the
 * release (and then nothing else), reported in *star. */
static int pv_parse(pv *v, const char *s, const char *e, int wildcard, int *star)
{
	static const char *const pre_words[] = {"alpha",   "a",	  "beta", "b",
						"preview", "pre", "c",	  "rc"};
	static const int pre_kind[] = {1, 1, 2, 2, 3, 3, 3, 3};
	const char *p, *q;
	size_t n;

	memset(v, 0, sizeof(*v));
	if (star)
		*star = 0;
	while (s < e && vigil_version__space((unsigned char)*s))
		s++;
	while (e > s && vigil_version__space((unsigned char)e[-1]))
		e--;
	if (s < e && (*s == 'v' || *s == 'V'))
		s++;
	p = digits(s, e);
	if (p > s && p < e && *p == '!') {
		v->epoch = s;
		v->epoch_len = (size_t)(p - s);
		s = p + 1;
	}
	v->rel = s;
	p = digits(s, e);
	if (p == s)
		return -1;
	v->rel_parts = 1;
	while (p + 1 < e && *p == '.' && vigil_version__digit((unsigned char)p[1])) {
		p = digits(p + 1, e);
		v->rel_parts++;
	}
	v->rel_len = (size_t)(p - s);
	if (wildcard && e - p == 2 && p[0] == '.' && p[1] == '*') {
		*star = 1;
		return 0;
	}
	/* pre-release */
	q = p < e && is_sep((unsigned char)*p) ? p + 1 : p;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(pre_words); i++)
		if ((n = word_at(q, e, pre_words[i])) != 0) {
			v->pre_l = pre_kind[i];
			p = opt_number(q + n, e, &v->pre_n, &v->pre_len);
			break;
		}
	/* post-release: "-N" or [sep](post|rev|r)[sep][N] */
	if (p + 1 < e && *p == '-' && vigil_version__digit((unsigned char)p[1])) {
		v->has_post = 1;
		v->post_n = p + 1;
		p = digits(p + 1, e);
		v->post_len = (size_t)(p - v->post_n);
	} else {
		q = p < e && is_sep((unsigned char)*p) ? p + 1 : p;
		if ((n = word_at(q, e, "post")) || (n = word_at(q, e, "rev")) ||
		    (n = word_at(q, e, "r"))) {
			v->has_post = 1;
			p = opt_number(q + n, e, &v->post_n, &v->post_len);
		}
	}
	/* dev release */
	q = p < e && is_sep((unsigned char)*p) ? p + 1 : p;
	if ((n = word_at(q, e, "dev")) != 0) {
		v->has_dev = 1;
		p = opt_number(q + n, e, &v->dev_n, &v->dev_len);
	}
	/* local version */
	if (p < e && *p == '+') {
		v->has_local = 1;
		v->local = ++p;
		for (;;) {
			q = p;
			while (p < e && (vigil_version__digit((unsigned char)*p) ||
					 vigil_version__alpha((unsigned char)*p)))
				p++;
			if (p == q)
				return -1;
			if (p + 1 < e && is_sep((unsigned char)*p)) {
				p++;
				continue;
			}
			break;
		}
		v->local_len = (size_t)(p - v->local);
	}
	return p == e ? 0 : -1;
}

/* Compares release segments, missing ones being 0 (so 1.0 == 1.0.0). */
static int rel_cmp(const pv *a, const pv *b)
{
	/* no offset on a NULL pointer (undefined even when it is 0) */
	const char *x = a->rel ? a->rel : "", *y = b->rel ? b->rel : "";
	const char *xe = x + a->rel_len, *ye = y + b->rel_len;

	while (x < xe || y < ye) {
		const char *xs = x, *ys = y;
		int c;
		x = digits(x, xe);
		y = digits(y, ye);
		c = vigil_version__numcmp(xs, (size_t)(x - xs), ys, (size_t)(y - ys));
		if (c)
			return c;
		if (x < xe)
			x++;
		if (y < ye)
			y++;
	}
	return 0;
}

static int base_cmp(const pv *a, const pv *b)
{
	int c = vigil_version__numcmp(a->epoch, a->epoch_len, b->epoch, b->epoch_len);
	return c ? c : rel_cmp(a, b);
}

/* Local versions: segments split at - _ . ; numbers above words, words by lower case. */
static int local_cmp(const pv *a, const pv *b)
{
	const char *x, *xe, *y, *ye;

	if (!a->has_local || !b->has_local)
		return a->has_local - b->has_local;
	x = a->local ? a->local : ""; /* no offset on a NULL pointer */
	y = b->local ? b->local : "";
	xe = x + a->local_len;
	ye = y + b->local_len;
	for (;;) {
		const char *xs = x, *ys = y;
		int xd = 1, yd = 1, c = 0;

		if (x >= xe || y >= ye)
			return (x < xe) - (y < ye);
		while (x < xe && !is_sep((unsigned char)*x))
			xd &= vigil_version__digit((unsigned char)*x++);
		while (y < ye && !is_sep((unsigned char)*y))
			yd &= vigil_version__digit((unsigned char)*y++);
		if (xd && yd) {
			c = vigil_version__numcmp(xs, (size_t)(x - xs), ys, (size_t)(y - ys));
		} else if (xd != yd) {
			c = xd ? 1 : -1;
		} else {
			for (; xs < x && ys < y && c == 0; xs++, ys++)
				c = vigil_version__sign(vigil_version__lower((unsigned char)*xs) -
							vigil_version__lower((unsigned char)*ys));
			if (c == 0)
				c = (xs < x) - (ys < y);
		}
		if (c)
			return c;
		if (x < xe)
			x++;
		if (y < ye)
			y++;
	}
}

/* packaging's order; with `public` the local versions are ignored. */
static int pv_cmp(const pv *a, const pv *b, int public)
{
	int c = base_cmp(a, b);
	/* pre: a bare .devN release sorts below every pre-release of it */
	int pa = a->pre_l ? a->pre_l : (!a->has_post && a->has_dev) ? -1 : 9;
	int pb = b->pre_l ? b->pre_l : (!b->has_post && b->has_dev) ? -1 : 9;

	if (c)
		return c;
	if (pa != pb)
		return pa < pb ? -1 : 1;
	if (a->pre_l && (c = vigil_version__numcmp(a->pre_n, a->pre_len, b->pre_n, b->pre_len)))
		return c;
	if (a->has_post != b->has_post)
		return a->has_post ? 1 : -1;
	if (a->has_post &&
	    (c = vigil_version__numcmp(a->post_n, a->post_len, b->post_n, b->post_len)))
		return c;
	if (a->has_dev != b->has_dev)
		return a->has_dev ? -1 : 1;
	if (a->has_dev && (c = vigil_version__numcmp(a->dev_n, a->dev_len, b->dev_n, b->dev_len)))
		return c;
	return public ? 0 : local_cmp(a, b);
}

int vigil_version__pep440_cmp(int *out, const char *a, const char *b)
{
	pv x, y;

	if (pv_parse(&x, a, a + strlen(a), 0, NULL) < 0 ||
	    pv_parse(&y, b, b + strlen(b), 0, NULL) < 0) {
		vigil_version__generic_cmp(out, a, b);
		return VIGIL_EFORMAT;
	}
	*out = pv_cmp(&x, &y, 0);
	return 0;
}

/* "==V.*": the release of v starts with the release of spec (padded with zeros). */
static int prefix_match(const pv *v, const pv *spec)
{
	const char *x = v->rel ? v->rel : "", *y = spec->rel ? spec->rel : "";
	const char *xe = x + v->rel_len, *ye = y + spec->rel_len;

	if (vigil_version__numcmp(v->epoch, v->epoch_len, spec->epoch, spec->epoch_len))
		return 0;
	while (y < ye) {
		const char *xs = x, *ys = y;
		x = digits(x, xe);
		y = digits(y, ye);
		if (vigil_version__numcmp(xs, (size_t)(x - xs), ys, (size_t)(y - ys)))
			return 0;
		if (x < xe)
			x++;
		if (y < ye)
			y++;
	}
	return 1;
}

/* One specifier [s, e) against v (raw text vraw); -1 when the specifier is invalid. */
static int spec_match(const pv *v, const char *vraw, const char *s, const char *e)
{
	char op[4] = {0};
	pv sp;
	int star = 0, c;

	if (e - s >= 3 && memcmp(s, "===", 3) == 0) {
		size_t n, vn;
		const char *ve = vraw + strlen(vraw);
		s += 3;
		while (s < e && vigil_version__space((unsigned char)*s))
			s++;
		n = (size_t)(e - s);
		while (vraw < ve && vigil_version__space((unsigned char)*vraw))
			vraw++;
		while (ve > vraw && vigil_version__space((unsigned char)ve[-1]))
			ve--;
		vn = (size_t)(ve - vraw);
		if (n == 0 || memchr(s, ' ', n))
			return -1;
		if (vn != n)
			return 0;
		for (size_t i = 0; i < n; i++)
			if (vigil_version__lower((unsigned char)s[i]) !=
			    vigil_version__lower((unsigned char)vraw[i]))
				return 0;
		return 1;
	}
	if (e - s >= 2 && strchr("~=!<>", s[0]) && s[1] == '=')
		memcpy(op, s, 2), s += 2;
	else if (s < e && (*s == '<' || *s == '>'))
		op[0] = *s++;
	else
		return -1;
	while (s < e && vigil_version__space((unsigned char)*s))
		s++;
	if (s < e && vigil_version__space((unsigned char)e[-1]))
		return -1;
	for (const char *p = s; p < e; p++)
		if (vigil_version__space((unsigned char)*p))
			return -1;
	if (pv_parse(&sp, s, e, op[0] == '=' || op[0] == '!', &star) < 0)
		return -1;
	if (sp.has_local && op[0] != '=' && op[0] != '!')
		return -1;
	if (op[0] == '~' && sp.rel_parts < 2)
		return -1;
	if (star)
		return prefix_match(v, &sp) == (op[0] == '=');
	switch (op[0]) {
	case '=':
	case '!':
		c = pv_cmp(v, &sp, !sp.has_local);
		return (c == 0) == (op[0] == '=');
	case '~': {
		pv prefix = sp;
		const char *last = sp.rel + sp.rel_len;
		while (last > sp.rel && last[-1] != '.')
			last--;
		prefix.rel_len = (size_t)(last - 1 - sp.rel);
		return pv_cmp(v, &sp, 1) >= 0 && prefix_match(v, &prefix);
	}
	case '<':
		if (op[1] == '=')
			return pv_cmp(v, &sp, 1) <= 0;
		if (pv_cmp(v, &sp, 0) >= 0)
			return 0;
		/* "<V" leaves out V's own pre-releases unless V is one */
		if (!sp.pre_l && !sp.has_dev && (v->pre_l || v->has_dev) && base_cmp(v, &sp) == 0) {
			if (!sp.has_post)
				return 0;
			/* of V = N.postM: only N.postM.devK */
			if (!v->pre_l && v->has_post &&
			    vigil_version__numcmp(v->post_n, v->post_len, sp.post_n, sp.post_len) ==
				    0)
				return 0;
		}
		return 1;
	default:
		if (op[1] == '=')
			return pv_cmp(v, &sp, 1) >= 0;
		if (pv_cmp(v, &sp, 0) <= 0)
			return 0;
		/* ">V" leaves out V's own post-releases unless V is one, and V's own
		 * local builds (of V itself: 1.0.post1 > 1.0.dev1 holds) */
		if (!sp.has_post && !sp.has_dev && v->has_post && base_cmp(v, &sp) == 0 &&
		    v->pre_l == sp.pre_l &&
		    (!sp.pre_l ||
		     vigil_version__numcmp(v->pre_n, v->pre_len, sp.pre_n, sp.pre_len) == 0))
			return 0;
		if (v->has_local && pv_cmp(v, &sp, 1) == 0)
			return 0;
		return 1;
	}
}

int vigil_version__pep440_satisfies(int *out, const char *version, const char *spec)
{
	const char *s = spec;
	int ok = 1, bad = 0;
	pv v;

	*out = 0;
	bad = pv_parse(&v, version, version + strlen(version), 0, NULL) < 0;
	for (;;) {
		const char *comma = strchr(s, ','), *e = comma ? comma : s + strlen(s);
		const char *t = s;
		int m;

		while (t < e && vigil_version__space((unsigned char)*t))
			t++;
		while (e > t && vigil_version__space((unsigned char)e[-1]))
			e--;
		if (t < e) {
			m = spec_match(&v, version, t, e);
			if (m < 0)
				return VIGIL_EFORMAT;
			/* an unparsable version only ever matches "===" */
			if (bad && !(e - t >= 3 && memcmp(t, "===", 3) == 0))
				m = 0;
			ok &= m;
		}
		if (!comma)
			break;
		s = comma + 1;
	}
	*out = ok;
	return 0;
}
