/*
 * maven.c - Maven's ComparableVersion order (as Maven 3.8.7 has it, MNG-6964 included): a
 * version is a chain of lists split at '-' and at digit/letter transitions; numbers
 * compare by value, qualifiers alpha < beta < milestone < rc < snapshot < "" (also
 * ga, final, release) < sp < anything else (alphabetically); trailing zeros and
 * empty qualifiers are dropped. Also version ranges: "[1.0,2.0)", "(,1.0],[1.2,)".
 */
#include <stdlib.h>
#include <string.h>

#include "vcmp.h"

enum { MI_INT, MI_STR };

typedef struct mitem {
	int kind;
	const char *s; /* INT: digits without leading zeros; STR: the text */
	size_t n;
	const char *canon; /* STR: the qualifier after aliases, or NULL for the text */
} mitem;

typedef struct mlist {
	size_t first, count; /* its plain items; its child list, if any, is the next list */
	int live_child;	     /* the child list survived normalisation */
} mlist;

typedef struct mver {
	mitem *items;
	mlist *lists;
	size_t nitems, nlists;
} mver;

static const char *const qualifiers[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
#define RELEASE_RANK 5

static int span_ieq(const char *s, size_t n, const char *lit)
{
	size_t i;
	for (i = 0; i < n && lit[i]; i++)
		if (vigil_version__lower((unsigned char)s[i]) != lit[i])
			return 0;
	return i == n && lit[i] == '\0';
}

/* The rank of a qualifier: its index in `qualifiers`, or 7 for others. */
static int qual_rank(const mitem *it)
{
	if (it->canon) {
		for (int i = 0; i < (int)VIGIL_ARRAY_LEN(qualifiers); i++)
			if (strcmp(qualifiers[i], it->canon) == 0)
				return i;
		return 7;
	}
	for (int i = 0; i < (int)VIGIL_ARRAY_LEN(qualifiers); i++)
		if (span_ieq(it->s, it->n, qualifiers[i]))
			return i;
	return 7;
}

static int str_cmp(const mitem *a, const mitem *b)
{
	int ra = qual_rank(a), rb = qual_rank(b);
	const char *as, *bs;
	size_t an, bn, i;

	if (ra != rb || ra != 7)
		return vigil_version__sign(ra - rb);
	as = a->canon ? a->canon : a->s;
	an = a->canon ? strlen(a->canon) : a->n;
	bs = b->canon ? b->canon : b->s;
	bn = b->canon ? strlen(b->canon) : b->n;
	for (i = 0; i < an && i < bn; i++) {
		int x = vigil_version__lower((unsigned char)as[i]);
		int y = vigil_version__lower((unsigned char)bs[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return an < bn ? -1 : an > bn;
}

static void add_item(mver *v, int kind, const char *s, size_t n, int followed_by_digit)
{
	mitem *it = &v->items[v->nitems++];

	it->kind = kind;
	it->canon = NULL;
	if (kind == MI_INT) {
		while (n && *s == '0')
			s++, n--;
	} else if (followed_by_digit && n == 1) {
		int c = vigil_version__lower((unsigned char)*s);
		it->canon = c == 'a' ? "alpha" : c == 'b' ? "beta" : c == 'm' ? "milestone" : NULL;
	}
	if (kind == MI_STR && !it->canon) {
		if (span_ieq(s, n, "ga") || span_ieq(s, n, "final") || span_ieq(s, n, "release"))
			it->canon = "";
		else if (span_ieq(s, n, "cr"))
			it->canon = "rc";
	}
	it->s = s;
	it->n = n;
	v->lists[v->nlists - 1].count++;
}

static void new_list(mver *v)
{
	mlist *l = &v->lists[v->nlists++];
	l->first = v->nitems;
	l->count = 0;
	l->live_child = 0;
}

static int item_is_null(const mitem *it)
{
	return it->kind == MI_INT ? it->n == 0 : qual_rank(it) == RELEASE_RANK;
}

/* Parses like ComparableVersion.parseVersion, then normalises innermost first. */
static void maven_parse(mver *v, const char *s, size_t len)
{
	size_t start = 0, i;
	int digit = 0;

	v->nitems = v->nlists = 0;
	new_list(v);
	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (c == '.' || c == '-') {
			if (i == start)
				add_item(v, MI_INT, "0", 1, 0);
			else
				add_item(v, digit ? MI_INT : MI_STR, s + start, i - start, 0);
			start = i + 1;
			if (c == '-')
				new_list(v);
		} else if (vigil_version__digit(c)) {
			if (!digit && i > start) {
				/* "1.0.X1" reads as "1.0-X1" (MNG-5568 era): a new list */
				if (v->lists[v->nlists - 1].count > 0)
					new_list(v);
				add_item(v, MI_STR, s + start, i - start, 1);
				start = i;
				new_list(v);
			}
			digit = 1;
		} else {
			if (digit && i > start) {
				add_item(v, MI_INT, s + start, i - start, 0);
				start = i;
				new_list(v);
			}
			digit = 0;
		}
	}
	if (len > start) {
		/* a closing qualifier ".X" reads as "-X" (1.0.0.X1 < 1.0.0-X2) */
		if (!digit && v->lists[v->nlists - 1].count > 0)
			new_list(v);
		add_item(v, digit ? MI_INT : MI_STR, s + start, len - start, 0);
	}
	for (i = v->nlists; i-- > 0;) {
		mlist *l = &v->lists[i];
		if (i + 1 < v->nlists)
			l->live_child = v->lists[i + 1].count > 0 || v->lists[i + 1].live_child;
		while (l->count && item_is_null(&v->items[l->first + l->count - 1]))
			l->count--;
	}
}

/* Number of elements of list k (plain items, then its child list). */
static size_t list_len(const mver *v, size_t k)
{
	return v->lists[k].count + (v->lists[k].live_child ? 1 : 0);
}

/* Item vs item or nothing (b NULL); neither a list. */
static int item_cmp(const mitem *a, const mitem *b)
{
	if (!b)
		return a->kind == MI_INT ? (a->n ? 1 : 0)
					 : vigil_version__sign(qual_rank(a) - RELEASE_RANK);
	if (a->kind != b->kind)
		return a->kind == MI_INT ? 1 : -1;
	if (a->kind == MI_INT)
		return vigil_version__numcmp(a->s, a->n, b->s, b->n);
	return str_cmp(a, b);
}

/* Compares list ka of a with list kb of b (kb == SIZE_MAX: with nothing). The child
 * list is always an element's last one, so nested comparisons are a loop. */
static int list_cmp(const mver *a, size_t ka, const mver *b, size_t kb)
{
	int sign = 1;

	for (;;) {
		size_t la = list_len(a, ka), lb = kb == SIZE_MAX ? 0 : list_len(b, kb);
		size_t n = la > lb ? la : lb, i;
		size_t next_a = SIZE_MAX, next_b = SIZE_MAX;
		int descend = 0;

		if (kb == SIZE_MAX && la == 0)
			return 0;
		for (i = 0; i < n; i++) {
			int a_list = i < la && i == a->lists[ka].count;
			int b_list = i < lb && i == b->lists[kb].count;
			const mitem *x =
				i < la && !a_list ? &a->items[a->lists[ka].first + i] : NULL;
			const mitem *y =
				i < lb && !b_list ? &b->items[b->lists[kb].first + i] : NULL;
			int c;

			if (i >= la) { /* a ran out: the reverse of b's element against nothing */
				if (b_list) {
					const mver *t = a;
					a = b;
					b = t;
					next_a = kb + 1;
					sign = -sign;
					descend = 1;
					break;
				}
				c = -item_cmp(y, NULL);
			} else if (a_list) {
				if (i >= lb) {
					next_a = ka + 1;
					descend = 1;
					break;
				}
				if (b_list) {
					next_a = ka + 1;
					next_b = kb + 1;
					descend = 1;
					break;
				}
				c = y->kind == MI_INT ? -1 : 1;
			} else if (i >= lb) {
				c = item_cmp(x, NULL);
			} else if (b_list) {
				c = x->kind == MI_INT ? 1 : -1;
			} else {
				c = item_cmp(x, y);
			}
			if (c)
				return sign * c;
		}
		if (!descend)
			return 0;
		ka = next_a;
		kb = next_b;
	}
}

int vigil_version__maven_cmp(int *out, const char *a, const char *b)
{
	mitem ia[64], ib[64];
	mlist la[128], lb[128]; /* a token opens at most two lists */
	mver va = {ia, la, 0, 0}, vb = {ib, lb, 0, 0};
	size_t an = strlen(a), bn = strlen(b);
	int error = 0;

	if (an + 2 > 64) {
		va.items = malloc((an + 2) * sizeof(mitem));
		va.lists = malloc(2 * (an + 2) * sizeof(mlist));
	}
	if (bn + 2 > 64) {
		vb.items = malloc((bn + 2) * sizeof(mitem));
		vb.lists = malloc(2 * (bn + 2) * sizeof(mlist));
	}
	if (!va.items || !va.lists || !vb.items || !vb.lists) {
		vigil_version__generic_cmp(out, a, b);
		error = VIGIL_ENOMEM;
	} else {
		maven_parse(&va, a, an);
		maven_parse(&vb, b, bn);
		*out = list_cmp(&va, 0, &vb, 0);
	}
	if (va.items != ia) {
		free(va.items);
		free(va.lists);
	}
	if (vb.items != ib) {
		free(vb.items);
		free(vb.lists);
	}
	return error;
}

/* Maven version ranges: one or more of "[a,b]", "(a,b)", "[a,)", "(,b]", "[a]",
 * any of which may hold the version. */
int vigil_version__maven_satisfies(int *out, const char *version, const char *range)
{
	char lo[VIGIL_VERSION_MAX], hi[VIGIL_VERSION_MAX];
	const char *s = range;
	int any = 0, c;

	*out = 0;
	for (;;) {
		const char *open, *comma = NULL, *close;
		int lo_incl, hi_incl;
		size_t ln, hn;

		while (vigil_version__space((unsigned char)*s) || *s == ',')
			s++;
		if (!*s)
			break;
		if (*s != '[' && *s != '(')
			return VIGIL_EFORMAT;
		lo_incl = *s == '[';
		open = ++s;
		while (*s && *s != ']' && *s != ')') {
			if (*s == ',') {
				if (comma)
					return VIGIL_EFORMAT;
				comma = s;
			}
			s++;
		}
		if (!*s)
			return VIGIL_EFORMAT;
		close = s++;
		hi_incl = *close == ']';
		ln = (size_t)((comma ? comma : close) - open);
		hn = comma ? (size_t)(close - comma - 1) : 0;
		if (ln >= sizeof(lo) || hn >= sizeof(hi))
			return VIGIL_EFORMAT;
		memcpy(lo, open, ln);
		lo[ln] = '\0';
		if (comma)
			memcpy(hi, comma + 1, hn);
		hi[hn] = '\0';
		if (!comma) { /* "[1.0]": exactly that version */
			if (!lo_incl || !hi_incl || ln == 0)
				return VIGIL_EFORMAT;
			vigil_version__maven_cmp(&c, version, lo);
			any |= c == 0;
			continue;
		}
		int ok = 1;
		if (ln) {
			vigil_version__maven_cmp(&c, version, lo);
			ok &= lo_incl ? c >= 0 : c > 0;
		}
		if (hn) {
			vigil_version__maven_cmp(&c, version, hi);
			ok &= hi_incl ? c <= 0 : c < 0;
		}
		any |= ok;
	}
	*out = any;
	return 0;
}
