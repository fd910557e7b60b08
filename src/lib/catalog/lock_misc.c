/*
 * Lockfiles of smaller ecosystems: conan.lock (C/C++, Conan 1 graph_lock and Conan 2),
 * pubspec.lock (Dart/Flutter), mix.lock (Elixir, hex packages), Package.resolved
 * (Swift Package Manager v1-v3), Podfile.lock (CocoaPods), renv.lock (R) and
 * stack.yaml.lock (Haskell, hackage packages). purl types: conan, pub, hex, swift,
 * cocoapods, cran, hackage. Git, path and SDK sources are not registry releases and
 * are left out, but for Swift, where a pin names its repository and version.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lock.h"

/* ---- conan.lock ---- */

/* "name/version[@user/channel][#rev[%ts]]" */
static int conan_ref(vigil_catalog_result *r, const char *ref, size_t n, unsigned flags)
{
	const char *slash = memchr(ref, '/', n);
	if (!slash || slash == ref) {
		if (n && !(n == 10 && memcmp(ref, "conanfile", 9) == 0))
			vigil_catalog__skipped(r, "conan reference without a version");
		return 0;
	}
	const char *v = slash + 1;
	size_t vl = strcspn(v, "@#%");
	if (vl > (size_t)(ref + n - v))
		vl = (size_t)(ref + n - v);
	return vigil_lock__addn(r, "conan", ref, (size_t)(slash - ref), v, vl, flags);
}

static int conan_event(const vigil_lock_jev *ev, void *payload)
{
	vigil_catalog_result *r = payload;
	if (ev->end || ev->type != VIGIL_JSON_STRING)
		return 0;
	if (ev->depth == 2 &&
	    (vigil_lock__key(ev, 0, "requires") || vigil_lock__key(ev, 0, "build_requires") ||
	     vigil_lock__key(ev, 0, "python_requires")))
		return conan_ref(r, ev->value, ev->len,
				 vigil_lock__key(ev, 0, "requires") ? 0 : VIGIL_PKG_DEV);
	if (ev->depth == 4 && vigil_lock__key(ev, 0, "graph_lock") &&
	    vigil_lock__key(ev, 1, "nodes") && vigil_lock__key(ev, 3, "ref") &&
	    !vigil_lock__key(ev, 2, "0"))
		return conan_ref(r, ev->value, ev->len, 0);
	return 0;
}

/* ---- pubspec.lock ---- */

static int parse_pubspec(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	int error;
	json_t *doc = vigil_lock__yaml(data, len, &error), *v;
	const char *k;
	if (!doc)
		return error;
	json_object_foreach(json_object_get(doc, "packages"), k, v)
	{
		const char *src = vigil_lock__str(v, "source"),
			   *dep = vigil_lock__str(v, "dependency");
		if (src && (strcmp(src, "sdk") == 0 || strcmp(src, "path") == 0 ||
			    strcmp(src, "git") == 0))
			continue;
		unsigned flags = 0;
		if (dep)
			flags = strncmp(dep, "direct", 6) == 0 ? VIGIL_PKG_DIRECT
							       : VIGIL_PKG_INDIRECT;
		if (dep && strcmp(dep, "direct dev") == 0)
			flags |= VIGIL_PKG_DEV;
		if ((error = vigil_lock__add(r, "pub", NULL, k, vigil_lock__str(v, "version"),
					     flags)) < 0)
			break;
	}
	json_decref(doc);
	return error < 0 ? error : 0;
}

/* ---- mix.lock ---- */

/* Lines `  "app": {:hex, :package, "1.2.3", ...},`. */
static int parse_mix(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	const char *p = (const char *)data, *end = p + len, *l;
	size_t n;
	int error = 0;
	while (error == 0 && vigil_lock__line(&p, end, &l, &n)) {
		const char *hex = memmem(l, n, "{:hex, :", 8);
		if (!hex)
			continue;
		const char *name = hex + 8, *e = l + n;
		size_t nl = 0;
		while (name + nl < e && (isalnum((unsigned char)name[nl]) || name[nl] == '_'))
			nl++;
		const char *q = memchr(name + nl, '"', (size_t)(e - name - nl));
		const char *q2 = q ? memchr(q + 1, '"', (size_t)(e - q - 1)) : NULL;
		if (!nl || !q2) {
			vigil_catalog__skipped(r, "mix.lock hex entry without a version");
			continue;
		}
		error = vigil_lock__addn(r, "hex", name, nl, q + 1, (size_t)(q2 - q - 1), 0);
	}
	return error;
}

/* ---- Package.resolved ---- */

typedef struct swift {
	vigil_catalog_result *r;
	vigil_buf url, version;
	int too_long; /* the pin's location or version is over its buffer's 4 KiB */
} swift;

static int swift_event(const vigil_lock_jev *ev, void *payload)
{
	swift *s = payload;
	int pins = vigil_lock__key(ev, 0, "pins")					? 0
		   : vigil_lock__key(ev, 0, "object") && vigil_lock__key(ev, 1, "pins") ? 1
											: -1;
	if (pins < 0)
		return 0;
	int d = ev->depth - pins; /* 2: a pin's member, 3: its state's */
	if (!ev->end && ev->type == VIGIL_JSON_STRING) {
		vigil_buf *b = NULL;
		if (d == 3 && (vigil_lock__key(ev, pins + 2, "location") ||
			       vigil_lock__key(ev, pins + 2, "repositoryURL")))
			b = &s->url;
		else if (d == 4 && vigil_lock__key(ev, pins + 2, "state") &&
			 vigil_lock__key(ev, pins + 3, "version"))
			b = &s->version;
		if (b) {
			b->len = 0;
			int error = vigil_buf_put(b, ev->value, ev->len);
			if (error == 0)
				error = vigil_buf_cstr(b);
			/* over 4 KiB: the pin is skipped (it was "out of memory") */
			if (error == VIGIL_ELIMIT) {
				b->len = 0;
				s->too_long = 1;
				error = 0;
			}
			return error;
		}
		return 0;
	}
	if (!ev->end || d != 2)
		return 0;
	/* the end of one pin: https://github.com/owner/repo(.git) -> github.com/owner, repo */
	int error = 0;
	const char *u = s->url.len ? (const char *)s->url.data : "";
	const char *scheme = strstr(u, "://");
	u = scheme ? scheme + 3 : u;
	const char *at = strchr(u, '@');
	if (at && at < u + strcspn(u, "/"))
		u = at + 1; /* git@host:owner/repo */
	size_t ul = strlen(u);
	if (ul > 4 && strcmp(u + ul - 4, ".git") == 0)
		ul -= 4;
	while (ul && u[ul - 1] == '/')
		ul--;
	const char *slash = NULL;
	for (size_t i = 0; i < ul; i++)
		if (u[i] == '/' || u[i] == ':')
			slash = u + i;
	if (s->too_long) {
		vigil_catalog__skipped(s->r, "Package.resolved pin with a value over 4 KiB");
	} else if (!slash || !s->version.len) {
		vigil_catalog__skipped(s->r,
				       "Package.resolved pin without a repository or version");
	} else {
		char *g = vigil_catalog__strndup(s->r, u, (size_t)(slash - u));
		char *name = vigil_catalog__strndup(s->r, slash + 1, (size_t)(u + ul - slash - 1));
		if (!g || !name)
			return VIGIL_ENOMEM;
		for (char *c = g; *c; c++)
			if (*c == ':')
				*c = '/';
		error = vigil_lock__add(s->r, "swift", g, name, (const char *)s->version.data, 0);
	}
	s->url.len = s->version.len = 0;
	s->too_long = 0;
	return error;
}

/* ---- Podfile.lock ---- */

/* "Name/Sub (1.2.3)" or "Name (~> 1.0)": the pod name (before '/' and ' ') and the
 * parenthesised text. */
static int pod_spec(const char *s, size_t *nl, const char **v, size_t *vl)
{
	const char *open = strchr(s, '('), *close = open ? strchr(open, ')') : NULL;
	*nl = strcspn(s, "/ (");
	if (!open || !close)
		return 0;
	*v = open + 1;
	*vl = (size_t)(close - open - 1);
	return *nl > 0;
}

static int parse_podfile(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	int error;
	json_t *doc = vigil_lock__yaml(data, len, &error), *e, *seen = NULL, *direct = NULL;
	size_t i, nl, vl;
	const char *v;
	char key[1024];
	if (!doc)
		return error;
	if (!(seen = json_object()) || !(direct = json_object())) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	json_array_foreach(json_object_get(doc, "DEPENDENCIES"), i, e)
	{
		const char *s = json_string_value(e);
		if (s) {
			snprintf(key, sizeof(key), "%.*s", (int)strcspn(s, "/ ("), s);
			if ((error = vigil_lock__set(direct, key, json_true())) < 0)
				goto done;
		}
	}
	json_array_foreach(json_object_get(doc, "PODS"), i, e)
	{
		const char *s = json_string_value(e);
		if (json_is_object(e) && json_object_size(e) == 1)
			s = json_object_iter_key(json_object_iter(e));
		if (!s || !pod_spec(s, &nl, &v, &vl)) {
			vigil_catalog__skipped(r, "Podfile.lock pod without a version");
			continue;
		}
		snprintf(key, sizeof(key), "%.*s@%.*s", (int)nl, s, (int)vl, v);
		if (json_object_get(seen, key))
			continue; /* subspecs of one pod */
		if ((error = vigil_lock__set(seen, key, json_true())) < 0)
			goto done;
		snprintf(key, sizeof(key), "%.*s", (int)nl, s);
		unsigned flags = json_object_size(direct) ? json_object_get(direct, key)
								    ? VIGIL_PKG_DIRECT
								    : VIGIL_PKG_INDIRECT
							  : 0;
		if ((error = vigil_lock__addn(r, "cocoapods", s, nl, v, vl, flags)) < 0)
			goto done;
	}
	error = 0;
done:
	json_decref(seen);
	json_decref(direct);
	json_decref(doc);
	return error;
}

/* ---- renv.lock ---- */

static int renv_event(const vigil_lock_jev *ev, void *payload)
{
	vigil_catalog_result *r = payload;
	if (ev->end || ev->type != VIGIL_JSON_STRING || ev->depth != 3 ||
	    !vigil_lock__key(ev, 0, "Packages") || !vigil_lock__key(ev, 2, "Version"))
		return 0;
	return vigil_lock__addn(r, "cran", ev->path[1], strlen(ev->path[1]), ev->value, ev->len, 0);
}

/* ---- stack.yaml.lock ---- */

/* "name-1.2.3@sha256:...,size" or "name-1.2.3" */
static int hackage(vigil_catalog_result *r, const char *s)
{
	size_t n = strcspn(s, "@");
	const char *dash = NULL;
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '-' && isdigit((unsigned char)s[i + 1]))
			dash = s + i;
	if (!dash || dash == s) {
		vigil_catalog__skipped(r, "stack.yaml.lock hackage entry without a version");
		return 0;
	}
	return vigil_lock__addn(r, "hackage", s, (size_t)(dash - s), dash + 1,
				(size_t)(s + n - dash - 1), 0);
}

static int parse_stack(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	int error;
	json_t *doc = vigil_lock__yaml(data, len, &error), *e;
	size_t i;
	if (!doc)
		return error;
	json_array_foreach(json_object_get(doc, "packages"), i, e)
	{
		json_t *c = json_object_get(e, "completed");
		const char *h = vigil_lock__str(c, "hackage");
		if (!h)
			h = vigil_lock__str(json_object_get(e, "original"), "hackage");
		if (h && (error = hackage(r, h)) < 0)
			break;
	}
	json_decref(doc);
	return error < 0 ? error : 0;
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	if (strcmp(base, "conan.lock") == 0)
		return vigil_lock__json(data, len, 0, conan_event, r);
	if (strcmp(base, "pubspec.lock") == 0)
		return parse_pubspec(r, data, len);
	if (strcmp(base, "mix.lock") == 0)
		return parse_mix(r, data, len);
	if (strcmp(base, "Package.resolved") == 0) {
		swift s = {r, VIGIL_BUF_INIT, VIGIL_BUF_INIT, 0};
		s.url.limit = s.version.limit = 4096;
		int error = vigil_lock__json(data, len, 0, swift_event, &s);
		vigil_buf_free(&s.url);
		vigil_buf_free(&s.version);
		return error;
	}
	if (strcmp(base, "Podfile.lock") == 0)
		return parse_podfile(r, data, len);
	if (strcmp(base, "renv.lock") == 0)
		return vigil_lock__json(data, len, 0, renv_event, r);
	return parse_stack(r, data, len);
}

static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	static const char *const tree[] = {"pubspec.lock", "Podfile.lock", "stack.yaml.lock"};
	static const char *const stream[] = {"conan.lock", "mix.lock", "Package.resolved",
					     "renv.lock"};
	const char *base = vigil_catalog__base(f->path);
	(void)head, (void)len;
	if (vigil_lock__in_dependency_tree(f->path))
		return VIGIL_WANT_NO;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(tree); i++)
		if (strcmp(base, tree[i]) == 0)
			return f->size <= VIGIL_LOCK_TREE_MAX ? VIGIL_WANT_YES : VIGIL_WANT_NO;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(stream); i++)
		if (strcmp(base, stream[i]) == 0)
			return VIGIL_WANT_YES;
	return VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_lock_misc = {"lock-misc", 0, want, parse, VIGIL_LOCK_MAX};
