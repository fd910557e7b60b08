/*
 * Python lockfiles and pins: poetry.lock, uv.lock, pdm.lock, pylock.toml (PEP 751),
 * Pipfile.lock, pinned lines of requirements*.txt, and conda environments'
 * conda-meta/<name>-<version>-<build>.json records. Python packages are pypi packages,
 * conda's are conda packages. dev comes from poetry's category/groups, pdm's groups,
 * uv's dev-dependencies and Pipfile.lock's "develop"; direct/indirect from uv.lock's
 * project entries. The project itself (uv's editable/virtual entry) is not reported.
 */
#include <stdlib.h>
#include <string.h>

#include "lock.h"

#define REQ_LINE_MAX 8192 /* a requirements line, continuations joined */

/* Whether a JSON array of strings holds `s`. */
static int has_string(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (json_is_string(v) &&
					  strcmp(json_string_value(v), s) == 0) return 1;
	return 0;
}

/* Adds the names of a uv dependency list [{name = ...}] to `set` with `flags`. */
static int uv_names(json_t *set, json_t *list, unsigned flags)
{
	size_t i;
	json_t *d;
	json_array_foreach(list, i, d)
	{
		const char *n = json_is_object(d) ? vigil_lock__str(d, "name") : NULL;
		if (!n)
			continue;
		json_int_t old = json_integer_value(json_object_get(set, n));
		json_int_t f = old ? (old & flags) | VIGIL_PKG_DIRECT : (json_int_t)flags;
		if (vigil_lock__set(set, n, json_integer(f)) < 0)
			return VIGIL_ENOMEM;
	}
	return 0;
}

/* poetry.lock, uv.lock, pdm.lock, pylock.toml: [[package]] (or [[packages]]) tables. */
static int parse_toml_lock(vigil_catalog_result *r, const char *base, const uint8_t *data,
			   size_t len)
{
	int error, uv = strcmp(base, "uv.lock") == 0, poetry = strcmp(base, "poetry.lock") == 0;
	json_t *doc = vigil_lock__toml(data, len, &error), *direct = NULL;
	size_t i;
	json_t *p;
	if (!doc)
		return error;
	json_t *pkgs = json_object_get(doc, "package");
	if (!pkgs)
		pkgs = json_object_get(doc, "packages"); /* pylock.toml */
	if (!json_is_array(pkgs)) {
		error = json_object_size(doc) ? 0 : VIGIL_EFORMAT;
		goto done;
	}
	if (uv) {
		/* the project (editable / virtual source) names the direct dependencies */
		if (!(direct = json_object())) {
			error = VIGIL_ENOMEM;
			goto done;
		}
		json_array_foreach(pkgs, i, p)
		{
			json_t *src = json_object_get(p, "source");
			if (!json_object_get(src, "editable") && !json_object_get(src, "virtual"))
				continue;
			const char *k;
			json_t *g;
			if ((error = uv_names(direct, json_object_get(p, "dependencies"),
					      VIGIL_PKG_DIRECT)) < 0)
				goto done;
			json_object_foreach(
				json_object_get(p, "dev-dependencies"), k,
				g) if ((error = uv_names(direct, g,
							 VIGIL_PKG_DIRECT | VIGIL_PKG_DEV)) <
				       0) goto done;
		}
	}
	json_array_foreach(pkgs, i, p)
	{
		const char *name = vigil_lock__str(p, "name"), *ver = vigil_lock__str(p, "version");
		json_t *src = json_object_get(p, "source");
		unsigned flags = 0;
		if (!json_is_object(p)) {
			vigil_catalog__skipped(r, "package that is not a table");
			continue;
		}
		if (uv && (json_object_get(src, "editable") || json_object_get(src, "virtual")))
			continue; /* the project itself */
		if (!ver) {
			/* pylock.toml: a VCS package is pinned by its commit */
			ver = vigil_lock__str(json_object_get(p, "vcs"), "commit-id");
		}
		if (poetry) {
			const char *cat = vigil_lock__str(p, "category");
			json_t *groups = json_object_get(p, "groups");
			if ((cat && strcmp(cat, "dev") == 0) ||
			    (json_is_array(groups) && !has_string(groups, "main")))
				flags |= VIGIL_PKG_DEV;
			if (json_is_true(json_object_get(p, "optional")))
				flags |= VIGIL_PKG_OPTIONAL;
		} else if (json_is_array(json_object_get(p, "groups"))) { /* pdm */
			if (!has_string(json_object_get(p, "groups"), "default"))
				flags |= VIGIL_PKG_DEV;
		}
		if (direct && name) {
			json_int_t df = json_integer_value(json_object_get(direct, name));
			flags |= df ? (unsigned)df : VIGIL_PKG_INDIRECT;
		}
		if ((error = vigil_lock__add(r, "pypi", NULL, name, ver, flags)) < 0)
			goto done;
	}
	error = 0;
done:
	json_decref(direct);
	json_decref(doc);
	return error;
}

/* Pipfile.lock: {"default": {name: {"version": "==1.0"}}, "develop": {...}}. */
static int pipfile_event(const vigil_lock_jev *ev, void *payload)
{
	vigil_catalog_result *r = payload;
	if (ev->end || ev->type != VIGIL_JSON_STRING || ev->depth != 3 ||
	    !vigil_lock__key(ev, 2, "version"))
		return 0;
	int dev = vigil_lock__key(ev, 0, "develop");
	if (!dev && !vigil_lock__key(ev, 0, "default"))
		return 0;
	const char *v = ev->value;
	size_t n = ev->len;
	while (n && (*v == '=' || *v == ' '))
		v++, n--;
	return vigil_lock__addn(r, "pypi", ev->path[1], strlen(ev->path[1]), v, n,
				dev ? VIGIL_PKG_DEV : 0);
}

/* One logical requirements line: "name[extras] == 1.0 ; markers --hash=..." pinned
 * with == or ===; anything else (ranges, URLs, options, editable installs) is not a
 * pin and is left out. */
static int requirement(vigil_catalog_result *r, const char *s, size_t n)
{
	const char *hash = memchr(s, '#', n);
	if (hash && (hash == s || hash[-1] == ' ' || hash[-1] == '\t'))
		n = (size_t)(hash - s);
	vigil_lock__trim(&s, &n);
	if (!n || *s == '-' || memchr(s, '@', n) || memmem(s, n, "://", 3))
		return 0; /* options, URLs, name @ url */
	const char *semi = memchr(s, ';', n);
	if (semi)
		n = (size_t)(semi - s);
	const char *eq = NULL;
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '=' && s[i + 1] == '=') {
			eq = s + i;
			break;
		}
	if (!eq)
		return 0;
	size_t nl = (size_t)(eq - s);
	const char *v = eq + 2;
	if (v < s + n && *v == '=')
		v++;
	size_t vl = (size_t)(s + n - v);
	const char *br = memchr(s, '[', nl);
	if (br)
		nl = (size_t)(br - s);
	vigil_lock__trim(&s, &nl);
	vigil_lock__trim(&v, &vl);
	vl = vigil_lock__cspn(v, vl, " \t"); /* "--hash=..." after the version */
	if (!nl || !vl || memchr(v, '*', vl) || memchr(v, ',', vl))
		return 0;
	for (size_t i = 0; i < nl; i++)
		if (!(s[i] == '-' || s[i] == '_' || s[i] == '.' || (s[i] >= '0' && s[i] <= '9') ||
		      ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z'))) {
			vigil_catalog__skipped(r, "requirement with an invalid name");
			return 0;
		}
	return vigil_lock__addn(r, "pypi", s, nl, v, vl, 0);
}

static int parse_requirements(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	vigil_buf line = VIGIL_BUF_INIT;
	const char *p = (const char *)data, *end = p + len, *l;
	size_t n;
	int error = 0;
	line.limit = REQ_LINE_MAX;
	while (error == 0 && vigil_lock__line(&p, end, &l, &n)) {
		int cont = n && l[n - 1] == '\\';
		if (vigil_buf_put(&line, l, cont ? n - 1 : n) < 0) {
			vigil_catalog__skipped(r, "requirements line too long");
			line.len = 0;
			continue;
		}
		if (cont && p < end)
			continue;
		error = requirement(r, (const char *)line.data, line.len);
		line.len = 0;
	}
	vigil_buf_free(&line);
	return error;
}

/* conda-meta/<name>-<version>-<build>.json: one installed conda package. */
typedef struct conda {
	const char *name, *version;
	vigil_catalog_result *r;
} conda;

static int conda_event(const vigil_lock_jev *ev, void *payload)
{
	conda *c = payload;
	if (ev->end || ev->depth != 1 || ev->type != VIGIL_JSON_STRING)
		return 0;
	const char **slot = vigil_lock__key(ev, 0, "name")	? &c->name
			    : vigil_lock__key(ev, 0, "version") ? &c->version
								: NULL;
	if (slot && !*slot && !(*slot = vigil_catalog__strndup(c->r, ev->value, ev->len)))
		return VIGIL_ENOMEM;
	return 0;
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	if (strcmp(base, "Pipfile.lock") == 0)
		return vigil_lock__json(data, len, 0, pipfile_event, r);
	if (vigil_catalog__has_suffix(base, ".txt"))
		return parse_requirements(r, data, len);
	if (vigil_catalog__has_suffix(base, ".json")) {
		conda c = {NULL, NULL, r};
		int error = vigil_lock__json(data, len, 0, conda_event, &c);
		if (error == 0)
			error = vigil_lock__add(r, "conda", NULL, c.name, c.version, 0);
		return error;
	}
	return parse_toml_lock(r, base, data, len);
}

static int want_name(const vigil_file *f, const uint8_t *head, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	(void)head, (void)len;
	if (strcmp(base, "poetry.lock") == 0 || strcmp(base, "uv.lock") == 0 ||
	    strcmp(base, "pdm.lock") == 0 || strcmp(base, "pylock.toml") == 0 ||
	    (strncmp(base, "pylock.", 7) == 0 && vigil_catalog__has_suffix(base, ".toml")))
		return f->size <= VIGIL_LOCK_TREE_MAX ? VIGIL_WANT_YES : VIGIL_WANT_NO;
	if (strcmp(base, "Pipfile.lock") == 0)
		return VIGIL_WANT_YES;
	if (strncmp(base, "requirements", 12) == 0 && vigil_catalog__has_suffix(base, ".txt"))
		return VIGIL_WANT_YES;
	if (vigil_catalog__has_suffix(base, ".json") && strstr(f->path, "/conda-meta/") &&
	    base == strstr(f->path, "/conda-meta/") + 12)
		return VIGIL_WANT_YES;
	return VIGIL_WANT_NO;
}

/* By name first (cheap), then not inside a dependency tree (a strstr per pattern). */
static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	int w = want_name(f, head, len);
	return w != VIGIL_WANT_NO && vigil_lock__in_dependency_tree(f->path) ? VIGIL_WANT_NO : w;
}

const vigil_cataloger vigil_cataloger_lock_python = {"lock-python", 0, want, parse, VIGIL_LOCK_MAX};
