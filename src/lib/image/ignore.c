/*
 * ignore.c - .gitignore rules and path globs for source-tree scans (`vigil fs`). The
 * glob matcher is a dynamic programme over path positions (one pass per pattern token),
 * so hostile patterns such as "*a*a*a*a*b" cost O(pattern x path), never exponential.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"
#include "ignore.h"

enum { T_LIT, T_ONE, T_CLASS, T_STAR, T_DSTAR, T_DSTAR_SLASH };

/* The end of the class starting at p ('[' already skipped), or NULL when unclosed. */
static const char *class_end(const char *p)
{
	if (*p == '!' || *p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == ']')
			return p;
	}
	return NULL;
}

/* Whether c is in the class [p, end) (p after '['). */
static int in_class(const char *p, const char *end, unsigned char c)
{
	int neg = 0, hit = 0;
	if (*p == '!' || *p == '^') {
		neg = 1;
		p++;
	}
	for (int first = 1; p < end; first = 0) {
		unsigned char lo = (unsigned char)*p, hi;
		if (lo == '\\' && p + 1 < end)
			lo = (unsigned char)*++p;
		else if (lo == ']' && !first)
			break;
		p++;
		hi = lo;
		if (p + 1 < end && *p == '-') {
			hi = (unsigned char)p[1];
			if (hi == '\\' && p + 2 < end) {
				hi = (unsigned char)p[2];
				p++;
			}
			p += 2;
		}
		if (c >= lo && c <= hi)
			hit = 1;
	}
	return hit != neg;
}

int vigil_glob__match(const char *pat, const char *s)
{
	size_t n = strlen(s), plen = strlen(pat);
	uint8_t *cur, *nxt;
	int ok;
	if (plen > VIGIL_GLOB_MAX_PATTERN)
		return 0;
	if (!(cur = calloc(2 * (n + 1), 1)))
		return 0;
	nxt = cur + n + 1;
	cur[0] = 1;
	for (const char *p = pat; *p;) {
		int t = T_LIT;
		unsigned char lit = 0;
		const char *cls = NULL, *cend = NULL;
		if (*p == '\\' && p[1]) {
			lit = (unsigned char)p[1];
			p += 2;
		} else if (*p == '?') {
			t = T_ONE;
			p++;
		} else if (*p == '[' && (cend = class_end(p + 1))) {
			t = T_CLASS;
			cls = p + 1;
			p = cend + 1;
		} else if (*p == '*') {
			int at_start = p == pat || p[-1] == '/';
			if (p[1] == '*' && at_start && p[2] == '/') {
				t = T_DSTAR_SLASH;
				p += 3;
			} else if (p[1] == '*' && at_start && p[2] == '\0') {
				t = T_DSTAR;
				p += 2;
			} else {
				t = T_STAR;
				while (*p == '*')
					p++;
			}
		} else {
			lit = (unsigned char)*p++;
		}
		memset(nxt, 0, n + 1);
		int any = 0, seen = 0;
		for (size_t j = 0; j <= n; j++) {
			any |= cur[j];
			switch (t) {
			case T_LIT:
				if (j < n && cur[j] && (unsigned char)s[j] == lit)
					nxt[j + 1] = 1;
				break;
			case T_ONE:
				if (j < n && cur[j] && s[j] != '/')
					nxt[j + 1] = 1;
				break;
			case T_CLASS:
				if (j < n && cur[j] && s[j] != '/' &&
				    in_class(cls, cend, (unsigned char)s[j]))
					nxt[j + 1] = 1;
				break;
			case T_STAR:
				nxt[j] = cur[j] || (j > 0 && nxt[j - 1] && s[j - 1] != '/');
				break;
			case T_DSTAR:
				nxt[j] = cur[j] || (j > 0 && nxt[j - 1]);
				break;
			case T_DSTAR_SLASH:
				nxt[j] = cur[j] || (j > 0 && s[j - 1] == '/' && seen);
				break;
			}
			seen |= cur[j];
		}
		uint8_t *tmp = cur;
		cur = nxt;
		nxt = tmp;
		if (!any)
			break; /* nothing can match any more */
	}
	ok = cur[n];
	free(cur < nxt ? cur : nxt);
	return ok;
}

typedef struct rule {
	char *pat;
	uint8_t neg, dir_only, anchored;
} rule;

struct vigil_ignore {
	char *base;
	rule *rules;
	size_t n;
};

void vigil_ignore__free(vigil_ignore *ig)
{
	if (!ig)
		return;
	for (size_t i = 0; i < ig->n; i++)
		free(ig->rules[i].pat);
	free(ig->rules);
	free(ig->base);
	free(ig);
}

size_t vigil_ignore__count(const vigil_ignore *ig)
{
	return ig ? ig->n : 0;
}

/* Adds the pattern of one line [p, e) (without its newline). */
static int add_line(vigil_ignore *ig, size_t *cap, const char *p, const char *e)
{
	rule r = {0};
	if (e > p && e[-1] == '\r')
		e--;
	/* trailing spaces go unless escaped with a backslash */
	while (e > p && e[-1] == ' ' && !(e - 1 > p && e[-2] == '\\'))
		e--;
	if (p == e || *p == '#')
		return 0;
	if (*p == '!') {
		r.neg = 1;
		p++;
	} else if (*p == '\\' && p + 1 < e && (p[1] == '#' || p[1] == '!')) {
		p++;
	}
	if (e > p && e[-1] == '/') {
		r.dir_only = 1;
		e--;
	}
	if (p == e || (size_t)(e - p) > VIGIL_GLOB_MAX_PATTERN || memchr(p, '\0', (size_t)(e - p)))
		return 0;
	if (*p == '/') {
		r.anchored = 1;
		p++;
	}
	if (memchr(p, '/', (size_t)(e - p)))
		r.anchored = 1;
	if (p == e)
		return 0;
	if (ig->n >= VIGIL_IGNORE_MAX_RULES)
		return 0;
	if (ig->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		rule *nr = realloc(ig->rules, nc * sizeof(*nr));
		if (!nr)
			return VIGIL_ENOMEM;
		ig->rules = nr;
		*cap = nc;
	}
	if (!(r.pat = strndup(p, (size_t)(e - p))))
		return VIGIL_ENOMEM;
	ig->rules[ig->n++] = r;
	return 0;
}

int vigil_ignore__parse(vigil_ignore **out, const char *base, const char *text, size_t len)
{
	vigil_ignore *ig = calloc(1, sizeof(*ig));
	size_t cap = 0;
	int error = 0;
	*out = NULL;
	if (!ig || !(ig->base = strdup(base ? base : ""))) {
		free(ig);
		return VIGIL_ENOMEM;
	}
	if (len > VIGIL_IGNORE_MAX_FILE)
		len = VIGIL_IGNORE_MAX_FILE;
	for (const char *p = text, *end = text + len; p < end && error == 0;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		error = add_line(ig, &cap, p, e);
		p = nl ? nl + 1 : end;
	}
	if (error < 0) {
		vigil_ignore__free(ig);
		return error;
	}
	*out = ig;
	return 0;
}

int vigil_ignore__match(const vigil_ignore *ig, const char *path, int is_dir)
{
	size_t bl = strlen(ig->base);
	const char *sub = path, *name;
	if (bl) {
		if (strncmp(path, ig->base, bl) != 0 || path[bl] != '/')
			return 0;
		sub = path + bl + 1;
	}
	name = strrchr(sub, '/');
	name = name ? name + 1 : sub;
	for (size_t i = ig->n; i-- > 0;) {
		const rule *r = &ig->rules[i];
		if (r->dir_only && !is_dir)
			continue;
		if (vigil_glob__match(r->pat, r->anchored ? sub : name))
			return r->neg ? -1 : 1;
	}
	return 0;
}

int vigil_skip__match(const char *const *patterns, const char *path)
{
	const char *name = strrchr(path, '/');
	name = name ? name + 1 : path;
	for (const char *const *p = patterns; p && *p; p++) {
		const char *pat = *p;
		while (pat[0] == '.' && pat[1] == '/')
			pat += 2;
		while (*pat == '/')
			pat++;
		size_t l = strlen(pat);
		if (l == 0)
			continue;
		char buf[VIGIL_GLOB_MAX_PATTERN + 1];
		if (l > VIGIL_GLOB_MAX_PATTERN)
			continue;
		memcpy(buf, pat, l + 1);
		while (l > 1 && buf[l - 1] == '/') /* "node_modules/" is "node_modules" here */
			buf[--l] = '\0';
		if (vigil_glob__match(buf, strchr(buf, '/') ? path : name))
			return 1;
	}
	return 0;
}
