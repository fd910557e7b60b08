/*
 * JavaScript lockfiles beyond npm's and yarn's (npm.c): pnpm-lock.yaml (v5, v6, v9)
 * and bun.lock (text lockfile, JSON with trailing commas). Packages are npm packages;
 * those the project's importers or workspaces name are direct, the others indirect;
 * pnpm v5/v6 record dev and optional per package. Workspace, link and file entries
 * are the project's own code and are not reported.
 */
#include <stdlib.h>
#include <string.h>

#include "lock.h"

/* Whether a version is not a registry release (own code, a URL, a git source). */
static int not_a_release(const char *v, size_t n)
{
	return n == 0 || memchr(v, ':', n) != NULL || memchr(v, '/', n) != NULL;
}

/* ---- pnpm-lock.yaml ---- */

/* Records the importers' direct dependencies of one map {name: version | {version}}
 * into `direct` ("name@version" -> flags). */
static int pnpm_direct(json_t *direct, json_t *deps, unsigned flags)
{
	const char *name;
	json_t *v;
	char key[1024];
	json_object_foreach(deps, name, v)
	{
		const char *ver =
			json_is_object(v) ? vigil_lock__str(v, "version") : json_string_value(v);
		if (!ver)
			continue;
		size_t n = strcspn(ver, "(_");
		snprintf(key, sizeof(key), "%s@%.*s", name, (int)n, ver);
		json_int_t old = json_integer_value(json_object_get(direct, key));
		/* a dependency in both dependencies and devDependencies is not dev-only */
		json_int_t f =
			old ? (old & flags & VIGIL_PKG_DEV) | VIGIL_PKG_DIRECT : (json_int_t)flags;
		if (vigil_lock__set(direct, key, json_integer(f)) < 0)
			return VIGIL_ENOMEM;
	}
	return 0;
}

static int pnpm_importer(json_t *direct, json_t *imp)
{
	int e = 0;
	if (!json_is_object(imp))
		return 0;
	if ((e = pnpm_direct(direct, json_object_get(imp, "dependencies"), VIGIL_PKG_DIRECT)) < 0 ||
	    (e = pnpm_direct(direct, json_object_get(imp, "devDependencies"),
			     VIGIL_PKG_DIRECT | VIGIL_PKG_DEV)) < 0)
		return e;
	return pnpm_direct(direct, json_object_get(imp, "optionalDependencies"),
			   VIGIL_PKG_DIRECT | VIGIL_PKG_OPTIONAL);
}

/* A "packages" key: "/name/1.0.0_peer" (v5), "/name@1.0.0(peer)" (v6) or
 * "name@1.0.0(peer)" (v9); scoped names start with '@'. */
static int pnpm_key(const char *key, int v5, const char **name, size_t *nlen, const char **ver,
		    size_t *vlen)
{
	const char *s = key[0] == '/' ? key + 1 : key;
	size_t n = strcspn(s, "(");
	if (v5) {
		const char *slash = NULL;
		for (size_t i = 0; i < n; i++)
			if (s[i] == '/')
				slash = s + i;
		if (!slash || slash == s)
			return 0;
		*name = s;
		*nlen = (size_t)(slash - s);
		*ver = slash + 1;
		*vlen = strcspn(*ver, "_(");
		return 1;
	}
	const char *at = NULL;
	for (size_t i = 1; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	if (!at)
		return 0;
	*name = s;
	*nlen = (size_t)(at - s);
	*ver = at + 1;
	*vlen = (size_t)(s + n - *ver);
	return 1;
}

static int parse_pnpm(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	int error;
	json_t *doc = vigil_lock__yaml(data, len, &error), *direct = NULL;
	if (!doc)
		return error;
	json_t *lv = json_object_get(doc, "lockfileVersion");
	double version = json_is_number(lv)   ? json_number_value(lv)
			 : json_is_string(lv) ? strtod(json_string_value(lv), NULL)
					      : 0;
	int v5 = version > 0 && version < 6;
	const char *k;
	json_t *v, *pkgs = json_object_get(doc, "packages");
	if (!(direct = json_object())) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	json_t *importers = json_object_get(doc, "importers");
	if (json_is_object(importers)) {
		json_object_foreach(importers, k,
				    v) if ((error = pnpm_importer(direct, v)) < 0) goto done;
	} else if ((error = pnpm_importer(direct, doc)) < 0) {
		goto done;
	}
	if (!json_is_object(pkgs)) {
		error = json_is_object(doc) ? 0 : VIGIL_EFORMAT;
		goto done;
	}
	json_object_foreach(pkgs, k, v)
	{
		const char *name, *ver;
		size_t nl, vl;
		char key[1024];
		if (!pnpm_key(k, v5, &name, &nl, &ver, &vl)) {
			if (strncmp(k, "file:", 5) && strncmp(k, "link:", 5))
				vigil_catalog__skipped(r, "pnpm package key without a version");
			continue;
		}
		const char *own = json_is_object(v) ? vigil_lock__str(v, "version") : NULL;
		if (own && (strncmp(ver, "file:", 5) == 0 || not_a_release(ver, vl)))
			ver = own, vl = strcspn(own, "(_");
		if (not_a_release(ver, vl))
			continue;
		snprintf(key, sizeof(key), "%.*s@%.*s", (int)nl, name, (int)vl, ver);
		json_int_t df = json_integer_value(json_object_get(direct, key));
		unsigned flags = df ? (unsigned)df : VIGIL_PKG_INDIRECT;
		if (!df && json_is_true(json_object_get(v, "dev")))
			flags |= VIGIL_PKG_DEV;
		if (json_is_true(json_object_get(v, "optional")))
			flags |= VIGIL_PKG_OPTIONAL;
		if ((error = vigil_lock__addn(r, "npm", name, nl, ver, vl, flags)) < 0)
			goto done;
	}
done:
	json_decref(direct);
	json_decref(doc);
	return error;
}

/* ---- bun.lock ---- */

typedef struct bunpkg {
	const char *key, *spec;
} bunpkg;

typedef struct bun {
	vigil_catalog_result *r;
	vigil_vec pkgs;	  /* bunpkg */
	vigil_vec direct; /* const char *: "flags\tname" */
} bun;

static int bun_event(const vigil_lock_jev *ev, void *payload)
{
	bun *b = payload;
	if (ev->end || ev->type != VIGIL_JSON_STRING)
		return 0;
	if (ev->depth == 3 && vigil_lock__key(ev, 0, "packages") && vigil_lock__key(ev, 2, "0")) {
		bunpkg *p = vigil_vec_push(&b->pkgs);
		if (!p ||
		    !(p->key = vigil_catalog__strndup(b->r, ev->path[1], strlen(ev->path[1]))) ||
		    !(p->spec = vigil_catalog__strndup(b->r, ev->value, ev->len)))
			return VIGIL_ENOMEM;
	} else if (ev->depth == 4 && vigil_lock__key(ev, 0, "workspaces")) {
		char f = vigil_lock__key(ev, 2, "dependencies")		  ? 'p'
			 : vigil_lock__key(ev, 2, "devDependencies")	  ? 'd'
			 : vigil_lock__key(ev, 2, "optionalDependencies") ? 'o'
									  : 0;
		const char **d;
		if (!f)
			return 0;
		size_t n = strlen(ev->path[3]);
		char *s = vigil_catalog__alloc(b->r, n + 2);
		if (!s || !(d = vigil_vec_push(&b->direct)))
			return VIGIL_ENOMEM;
		memcpy(s + 1, ev->path[3], n + 1);
		s[0] = f;
		*d = s;
	}
	return 0;
}

static int parse_bun(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	bun b = {r, VIGIL_VEC_INIT(bunpkg), VIGIL_VEC_INIT(const char *)};
	int error = vigil_lock__json(data, len, 1, bun_event, &b);
	for (size_t i = 0; i < b.pkgs.len && error == 0; i++) {
		const bunpkg *p = &VIGIL_VEC_AT(&b.pkgs, bunpkg, i);
		const char *s = p->spec, *at = NULL;
		for (const char *c = s + (*s == '@'); *c; c++)
			if (*c == '@') {
				at = c;
				break;
			}
		if (!at || !at[1]) {
			vigil_catalog__skipped(r, "bun.lock package without a version");
			continue;
		}
		size_t nl = (size_t)(at - s), vl = strlen(at + 1);
		if (not_a_release(at + 1, vl))
			continue; /* workspace:, file:, link:, github:, git+... */
		/* direct: a top-level install (its key is its name) the workspaces name */
		unsigned flags = VIGIL_PKG_INDIRECT;
		if (strlen(p->key) == nl && memcmp(p->key, s, nl) == 0) {
			unsigned df = 0;
			int seen = 0;
			for (size_t k = 0; k < b.direct.len; k++) {
				const char *d = VIGIL_VEC_AT(&b.direct, const char *, k);
				if (strlen(d + 1) != nl || memcmp(d + 1, s, nl) != 0)
					continue;
				unsigned f = VIGIL_PKG_DIRECT | (d[0] == 'd' ? VIGIL_PKG_DEV : 0) |
					     (d[0] == 'o' ? VIGIL_PKG_OPTIONAL : 0);
				df = seen ? (df & f) | VIGIL_PKG_DIRECT : f;
				seen = 1;
			}
			if (seen)
				flags = df;
		}
		error = vigil_lock__addn(r, "npm", s, nl, at + 1, vl, flags);
	}
	vigil_vec_free(&b.pkgs);
	vigil_vec_free(&b.direct);
	return error;
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	if (strcmp(vigil_catalog__base(f->path), "bun.lock") == 0)
		return parse_bun(r, data, len);
	return parse_pnpm(r, data, len);
}

static int want_name(const vigil_file *f, const uint8_t *head, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	(void)head, (void)len;
	if (strcmp(base, "pnpm-lock.yaml") == 0)
		return f->size <= VIGIL_LOCK_TREE_MAX ? VIGIL_WANT_YES : VIGIL_WANT_NO;
	return strcmp(base, "bun.lock") == 0 ? VIGIL_WANT_YES : VIGIL_WANT_NO;
}

/* By name first (cheap), then not inside a dependency tree (a strstr per pattern). */
static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	int w = want_name(f, head, len);
	return w != VIGIL_WANT_NO && vigil_lock__in_dependency_tree(f->path) ? VIGIL_WANT_NO : w;
}

const vigil_cataloger vigil_cataloger_lock_js = {"lock-js", 0, want, parse, VIGIL_LOCK_MAX};
