/*
 * Bundler's Gemfile.lock: the specs of its GEM, GIT and PATH sections (four-space
 * "name (version[-platform])" lines) are gems; the DEPENDENCIES section names the
 * direct ones. A platform suffix ("1.13.10-x86_64-linux") is not part of the version.
 */
#include <stdio.h>
#include <string.h>

#include "lock.h"

typedef struct spec {
	const char *name, *version;
} spec;

/* "name (version)" at column `indent`: sets the spans, returns 1. */
static int spec_line(const char *l, size_t n, const char **name, size_t *nl, const char **ver,
		     size_t *vl)
{
	const char *open = memchr(l, '(', n);
	if (!open || l[n - 1] != ')' || open == l)
		return 0;
	*name = l;
	*nl = (size_t)(open - l);
	vigil_lock__trim(name, nl);
	*ver = open + 1;
	*vl = (size_t)(l + n - 1 - *ver);
	vigil_lock__trim(ver, vl);
	const char *dash = memchr(*ver, '-', *vl);
	if (dash)
		*vl = (size_t)(dash - *ver);
	return *nl && *vl && !memchr(*name, ' ', *nl);
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	vigil_vec specs = VIGIL_VEC_INIT(spec), deps = VIGIL_VEC_INIT(const char *);
	const char *p = (const char *)data, *end = p + len, *l;
	size_t n;
	int error = 0, section = 0; /* 1: a specs list, 2: DEPENDENCIES */
	(void)f;
	while (error == 0 && vigil_lock__line(&p, end, &l, &n)) {
		if (!n)
			continue;
		if (l[0] != ' ') {
			section = vigil_lock__starts(l, n, "DEPENDENCIES") ? 2 : 0;
			continue;
		}
		if (n >= 8 && memcmp(l, "  specs:", 8) == 0) {
			section = 1;
			continue;
		}
		const char *name, *ver;
		size_t nl, vl;
		if (section == 1 && n > 4 && memcmp(l, "    ", 4) == 0 && l[4] != ' ') {
			if (!spec_line(l + 4, n - 4, &name, &nl, &ver, &vl)) {
				vigil_catalog__skipped(r, "Gemfile.lock spec without a version");
				continue;
			}
			spec *s = vigil_vec_push(&specs);
			if (!s || !(s->name = vigil_catalog__strndup(r, name, nl)) ||
			    !(s->version = vigil_catalog__strndup(r, ver, vl)))
				error = VIGIL_ENOMEM;
		} else if (section == 2 && n > 2 && l[2] != ' ') {
			size_t k = vigil_lock__cspn(l + 2, n - 2, " !(");
			const char **d = vigil_vec_push(&deps);
			if (!d || !(*d = vigil_catalog__strndup(r, l + 2, k)))
				error = VIGIL_ENOMEM;
		}
	}
	json_t *direct = json_object(), *seen = json_object();
	if (!direct || !seen)
		error = VIGIL_ENOMEM;
	for (size_t i = 0; i < deps.len && error == 0; i++)
		error = vigil_lock__set(direct, VIGIL_VEC_AT(&deps, const char *, i), json_true());
	for (size_t i = 0; i < specs.len && error == 0; i++) {
		const spec *s = &VIGIL_VEC_AT(&specs, spec, i);
		unsigned flags = !deps.len			    ? 0
				 : json_object_get(direct, s->name) ? VIGIL_PKG_DIRECT
								    : VIGIL_PKG_INDIRECT;
		/* the same gem for several platforms is one package */
		char key[1024];
		snprintf(key, sizeof(key), "%s %s", s->name, s->version);
		if (json_object_get(seen, key))
			continue;
		if (vigil_lock__set(seen, key, json_true()) < 0)
			error = VIGIL_ENOMEM;
		else
			error = vigil_lock__add(r, "gem", NULL, s->name, s->version, flags);
	}
	json_decref(direct);
	json_decref(seen);
	vigil_vec_free(&specs);
	vigil_vec_free(&deps);
	return error;
}

static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	(void)head, (void)len;
	if (vigil_lock__in_dependency_tree(f->path))
		return VIGIL_WANT_NO;
	return (strcmp(base, "Gemfile.lock") == 0 || strcmp(base, "gems.locked") == 0) &&
			       f->size <= (8u << 20)
		       ? VIGIL_WANT_YES
		       : VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_lock_ruby = {"lock-ruby", 0, want, parse, 8u << 20};
