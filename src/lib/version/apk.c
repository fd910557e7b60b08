/*
 * apk.c - Alpine (apk-tools) version comparison:
 * digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}, suffixes ordered
 * _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p.
 */
#include <string.h>

#include "vcmp.h"

enum {
	TK_INITIAL_DIGIT,
	TK_DIGIT,
	TK_LETTER,
	TK_SUFFIX,
	TK_SUFFIX_NO,
	TK_COMMIT_HASH,
	TK_REVISION_NO,
	TK_END,
	TK_INVALID,
};

enum { SUF_INVALID, SUF_ALPHA, SUF_BETA, SUF_PRE, SUF_RC, SUF_NONE, SUF_CVS, SUF_SVN, SUF_GIT };

typedef struct tok {
	int type, suffix;
	const char *val; /* the token's text */
	size_t n;
	const char *p, *end; /* what is left to read */
} tok;

/* The rank of a suffix word (after '_'), SUF_INVALID when it is not one. */
static int apk_suffix(const char *s, size_t n)
{
	static const char *const names[] = {"alpha", "beta", "pre", "rc", "",
					    "cvs",   "svn",  "git", "hg", "p"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(names); i++)
		if (i != 4 && strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return (int)i + 1;
	return SUF_INVALID;
}

static void apk_digits(tok *t)
{
	t->val = t->p;
	while (t->p < t->end && vigil_version__digit((unsigned char)*t->p))
		t->p++;
	t->n = (size_t)(t->p - t->val);
	if (t->n == 0)
		t->type = TK_INVALID;
}

static void apk_first(tok *t, const char *s, size_t n)
{
	t->p = s;
	t->end = s + n;
	t->type = TK_INITIAL_DIGIT;
	apk_digits(t);
}

/* Reads the next token, checking that it may follow the previous one. */
static void apk_next(tok *t)
{
	int c;

	if (t->p >= t->end) {
		t->type = TK_END;
		return;
	}
	c = (unsigned char)*t->p;
	if (c >= 'a' && c <= 'z') {
		if (t->type > TK_DIGIT)
			goto invalid;
		t->val = t->p++;
		t->n = 1;
		t->type = TK_LETTER;
	} else if (c == '.' || vigil_version__digit(c)) {
		if (c == '.') {
			if (t->type > TK_DIGIT)
				goto invalid;
			t->p++;
		}
		if (t->type == TK_INITIAL_DIGIT || t->type == TK_DIGIT)
			t->type = TK_DIGIT;
		else if (t->type == TK_SUFFIX)
			t->type = TK_SUFFIX_NO;
		else
			goto invalid;
		apk_digits(t);
	} else if (c == '_') {
		if (t->type > TK_SUFFIX_NO)
			goto invalid;
		t->val = ++t->p;
		while (t->p < t->end && *t->p >= 'a' && *t->p <= 'z')
			t->p++;
		t->n = (size_t)(t->p - t->val);
		t->suffix = apk_suffix(t->val, t->n);
		if (t->suffix == SUF_INVALID)
			goto invalid;
		t->type = TK_SUFFIX;
	} else if (c == '~') {
		if (t->type >= TK_COMMIT_HASH)
			goto invalid;
		t->val = ++t->p;
		while (t->p < t->end && (vigil_version__digit((unsigned char)*t->p) ||
					 (*t->p >= 'a' && *t->p <= 'f')))
			t->p++;
		t->n = (size_t)(t->p - t->val);
		if (t->n == 0)
			goto invalid;
		t->type = TK_COMMIT_HASH;
	} else if (c == '-') {
		if (t->type >= TK_REVISION_NO || t->end - t->p < 2 || t->p[1] != 'r')
			goto invalid;
		t->p += 2;
		t->type = TK_REVISION_NO;
		apk_digits(t);
	} else {
		goto invalid;
	}
	return;
invalid:
	t->type = TK_INVALID;
}

/* Compares two tokens of the same type. */
static int apk_tok_cmp(const tok *a, const tok *b)
{
	size_t n;
	int c;

	switch (a->type) {
	case TK_DIGIT:
		if (a->val[0] != '0' && b->val[0] != '0')
			return vigil_version__numcmp(a->val, a->n, b->val, b->n);
		break; /* a leading zero: string order, as Gentoo does */
	case TK_INITIAL_DIGIT:
	case TK_SUFFIX_NO:
	case TK_REVISION_NO:
		return vigil_version__numcmp(a->val, a->n, b->val, b->n);
	case TK_LETTER:
		return vigil_version__sign((long long)a->val[0] - b->val[0]);
	case TK_SUFFIX:
		return vigil_version__sign(a->suffix - b->suffix);
	default:
		break;
	}
	n = a->n < b->n ? a->n : b->n;
	c = n ? memcmp(a->val, b->val, n) : 0;
	if (c == 0)
		c = a->n < b->n ? -1 : a->n > b->n;
	return c < 0 ? -1 : c > 0;
}

static int apk_valid(const char *s, size_t n)
{
	tok t;
	for (apk_first(&t, s, n); t.type < TK_END; apk_next(&t))
		;
	return t.type == TK_END;
}

/* apk's comparison; with `fuzzy`, a equals b when b is a token-wise prefix of a. */
int vigil_version__apk_cmp_fuzzy(int *out, const char *a, const char *b, int fuzzy)
{
	size_t an = strlen(a), bn = strlen(b);
	int valid = apk_valid(a, an) && apk_valid(b, bn);
	tok ta, tb;

	*out = 0;
	for (apk_first(&ta, a, an), apk_first(&tb, b, bn); ta.type == tb.type && ta.type < TK_END;
	     apk_next(&ta), apk_next(&tb)) {
		int c = apk_tok_cmp(&ta, &tb);
		if (c) {
			*out = c;
			return valid ? 0 : VIGIL_EFORMAT;
		}
	}
	if (ta.type == tb.type || (tb.type == TK_END && fuzzy))
		*out = 0;
	else if (ta.type == TK_SUFFIX && ta.suffix < SUF_NONE)
		*out = -1;
	else if (tb.type == TK_SUFFIX && tb.suffix < SUF_NONE)
		*out = 1;
	else
		*out = ta.type > tb.type ? -1 : 1;
	return valid ? 0 : VIGIL_EFORMAT;
}

int vigil_version__apk_cmp(int *out, const char *a, const char *b)
{
	return vigil_version__apk_cmp_fuzzy(out, a, b, 0);
}
