/*
 * Go modules of a source tree: go.mod's require directives (direct, or indirect when
 * marked "// indirect"), with the file's replace directives applied (a replacement by
 * a local directory is own code and not reported), and go.sum's module lines when no
 * go.mod sits beside it (catalog.c leaves a go.sum out otherwise).
 */
#include <stdio.h>
#include <string.h>

#include "lock.h"

typedef struct req {
	const char *path, *version;
	unsigned flags;
} req;

typedef struct repl {
	const char *from, *from_version, *to, *to_version; /* to_version NULL: local dir */
} repl;

/* The next word of the span (a quoted Go string without escapes counts as one word). */
static int word(const char **s, size_t *n, const char **w, size_t *wl)
{
	vigil_lock__trim(s, n);
	if (!*n || vigil_lock__starts(*s, *n, "//"))
		return 0;
	if (**s == '"' || **s == '`') {
		const char *q = memchr(*s + 1, **s, *n - 1);
		if (!q)
			return 0;
		*w = *s + 1;
		*wl = (size_t)(q - *w);
		*n -= (size_t)(q + 1 - *s);
		*s = q + 1;
		return 1;
	}
	size_t k = 0;
	while (k < *n && (*s)[k] != ' ' && (*s)[k] != '\t')
		k++;
	*w = *s;
	*wl = k;
	*s += k;
	*n -= k;
	return k > 0;
}

static char *dup(vigil_catalog_result *r, const char *s, size_t n)
{
	return vigil_catalog__strndup(r, s, n);
}

/* One require line "path version [// indirect]". */
static int require_line(vigil_catalog_result *r, vigil_vec *reqs, const char *s, size_t n)
{
	const char *p, *v;
	size_t pl, vl;
	if (!word(&s, &n, &p, &pl) || !word(&s, &n, &v, &vl)) {
		vigil_catalog__skipped(r, "go.mod require without a version");
		return 0;
	}
	vigil_lock__trim(&s, &n);
	int indirect = vigil_lock__starts(s, n, "//") && memmem(s, n, "indirect", 8);
	req *q = vigil_vec_push(reqs);
	if (!q || !(q->path = dup(r, p, pl)) || !(q->version = dup(r, v, vl)))
		return VIGIL_ENOMEM;
	q->flags = indirect ? VIGIL_PKG_INDIRECT : VIGIL_PKG_DIRECT;
	return 0;
}

/* One replace line "old [v] => new [v]". */
static int replace_line(vigil_catalog_result *r, vigil_vec *repls, const char *s, size_t n)
{
	const char *arrow = memmem(s, n, "=>", 2), *w;
	size_t wl, ln, rn;
	repl *x;
	if (!arrow) {
		vigil_catalog__skipped(r, "go.mod replace without =>");
		return 0;
	}
	const char *ls = s, *rs = arrow + 2;
	ln = (size_t)(arrow - s);
	rn = (size_t)(s + n - rs);
	if (!(x = vigil_vec_push(repls)))
		return VIGIL_ENOMEM;
	memset(x, 0, sizeof(*x));
	if (!word(&ls, &ln, &w, &wl) || !(x->from = dup(r, w, wl)))
		goto bad;
	if (word(&ls, &ln, &w, &wl) && !(x->from_version = dup(r, w, wl)))
		return VIGIL_ENOMEM;
	if (!word(&rs, &rn, &w, &wl) || !(x->to = dup(r, w, wl)))
		goto bad;
	if (word(&rs, &rn, &w, &wl) && !(x->to_version = dup(r, w, wl)))
		return VIGIL_ENOMEM;
	return 0;
bad:
	repls->len--;
	vigil_catalog__skipped(r, "go.mod replace that names no module");
	return 0;
}

static int parse_gomod(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	vigil_vec reqs = VIGIL_VEC_INIT(req), repls = VIGIL_VEC_INIT(repl);
	const char *p = (const char *)data, *end = p + len, *l;
	size_t n;
	int error = 0, block = 0; /* 1: require ( ... ), 2: replace ( ... ), 3: other */
	while (error == 0 && vigil_lock__line(&p, end, &l, &n)) {
		vigil_lock__trim(&l, &n);
		if (!n || vigil_lock__starts(l, n, "//"))
			continue;
		if (block) {
			if (l[0] == ')')
				block = 0;
			else if (block == 1)
				error = require_line(r, &reqs, l, n);
			else if (block == 2)
				error = replace_line(r, &repls, l, n);
			continue;
		}
		int kind = vigil_lock__starts(l, n, "require")	 ? 1
			   : vigil_lock__starts(l, n, "replace") ? 2
								 : 3;
		size_t kw = vigil_lock__cspn(l, n, " \t(");
		const char *rest = l + kw;
		size_t rn = n - kw;
		vigil_lock__trim(&rest, &rn);
		if (rn && rest[0] == '(') {
			block = kind;
			continue;
		}
		if (kind == 1)
			error = require_line(r, &reqs, rest, rn);
		else if (kind == 2)
			error = replace_line(r, &repls, rest, rn);
	}
	/* replacements by "path@version" and "path"; a versioned one wins, else the last */
	json_t *map = json_object();
	char key[1024];
	if (!map)
		error = VIGIL_ENOMEM;
	for (size_t k = 0; k < repls.len && error == 0; k++) {
		const repl *x = &VIGIL_VEC_AT(&repls, repl, k);
		snprintf(key, sizeof(key), "%s@%s", x->from,
			 x->from_version ? x->from_version : "");
		if (vigil_lock__set(map, key, json_integer((json_int_t)k)) < 0)
			error = VIGIL_ENOMEM;
	}
	for (size_t i = 0; i < reqs.len && error == 0; i++) {
		const req *q = &VIGIL_VEC_AT(&reqs, req, i);
		const char *path = q->path, *ver = q->version;
		json_t *hit;
		snprintf(key, sizeof(key), "%s@%s", q->path, q->version);
		if (!(hit = json_object_get(map, key))) {
			snprintf(key, sizeof(key), "%s@", q->path);
			hit = json_object_get(map, key);
		}
		if (hit) {
			const repl *x =
				&VIGIL_VEC_AT(&repls, repl, (size_t)json_integer_value(hit));
			path = x->to;
			ver = x->to_version;
		}
		if (!ver)
			continue; /* replaced by a local directory */
		error = vigil_lock__add(r, "golang", NULL, path, ver, q->flags);
	}
	json_decref(map);
	vigil_vec_free(&reqs);
	vigil_vec_free(&repls);
	return error;
}

/* go.sum: "module version[/go.mod] h1:hash" lines; each module version once. */
static int parse_gosum(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	const char *p = (const char *)data, *end = p + len, *l, *m, *v, *h;
	size_t n, ml, vl, hl;
	int error = 0;
	json_t *seen = json_object();
	char key[1024];
	if (!seen)
		return VIGIL_ENOMEM;
	while (error == 0 && vigil_lock__line(&p, end, &l, &n)) {
		if (!n)
			continue;
		if (!word(&l, &n, &m, &ml) || !word(&l, &n, &v, &vl) || !word(&l, &n, &h, &hl)) {
			vigil_catalog__skipped(r, "go.sum line that is not module, version, hash");
			continue;
		}
		if (vl > 7 && memcmp(v + vl - 7, "/go.mod", 7) == 0)
			vl -= 7; /* only the module's go.mod was needed: still in the graph */
		if (snprintf(key, sizeof(key), "%.*s@%.*s", (int)ml, m, (int)vl, v) >=
		    (int)sizeof(key))
			continue;
		if (json_object_get(seen, key))
			continue;
		if (vigil_lock__set(seen, key, json_true()) < 0)
			error = VIGIL_ENOMEM;
		else
			error = vigil_lock__addn(r, "golang", m, ml, v, vl, 0);
	}
	json_decref(seen);
	return error;
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	if (strcmp(vigil_catalog__base(f->path), "go.sum") == 0)
		return parse_gosum(r, data, len);
	return parse_gomod(r, data, len);
}

/* go.mod and go.sum outside GOROOT, module caches and vendor trees. */
static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	(void)head, (void)len;
	if (strcmp(base, "go.mod") && strcmp(base, "go.sum"))
		return VIGIL_WANT_NO;
	if (vigil_lock__in_dependency_tree(f->path))
		return VIGIL_WANT_NO;
	return f->size <= (16u << 20) ? VIGIL_WANT_YES : VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_lock_go = {"lock-go", 0, want, parse, 16u << 20};
