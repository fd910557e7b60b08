/*
 * Cargo.lock: its [[package]] tables. Crates without a "source" are the workspace's own
 * members and path dependencies: not reported (a local crate is not the crates.io crate
 * of the same name), but their "dependencies" name the direct dependencies.
 */
#include <stdio.h>
#include <string.h>

#include "lock.h"

/* The name part of a Cargo.lock dependency "name", "name version" or
 * "name version (source)". */
static size_t dep_name(const char *s)
{
	return strcspn(s, " ");
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	int error;
	json_t *doc = vigil_lock__toml(data, len, &error), *pkgs, *p, *direct = NULL;
	size_t i;
	char key[512];
	(void)f;
	if (!doc)
		return error;
	pkgs = json_object_get(doc, "package");
	if (!json_is_array(pkgs)) {
		error = json_object_size(doc) ? 0 : VIGIL_EFORMAT;
		goto done;
	}
	/* the members' dependencies: "name" and "name version" keys */
	if (!(direct = json_object())) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	int members = 0;
	json_array_foreach(pkgs, i, p)
	{
		size_t j;
		json_t *d;
		if (!json_is_object(p) || json_object_get(p, "source"))
			continue;
		members = 1;
		json_array_foreach(json_object_get(p, "dependencies"), j, d)
		{
			const char *s = json_string_value(d);
			if (!s)
				continue;
			size_t nl = dep_name(s), vl = s[nl] ? strcspn(s + nl + 1, " ") : 0;
			snprintf(key, sizeof(key), "%.*s", (int)(nl + (vl ? 1 + vl : 0)), s);
			if (vigil_lock__set(direct, key, json_true()) < 0) {
				error = VIGIL_ENOMEM;
				goto done;
			}
		}
	}
	json_array_foreach(pkgs, i, p)
	{
		const char *name = vigil_lock__str(p, "name"), *ver = vigil_lock__str(p, "version");
		if (!json_is_object(p) || !json_object_get(p, "source"))
			continue;
		unsigned flags = 0;
		if (members && name) {
			flags = VIGIL_PKG_INDIRECT;
			snprintf(key, sizeof(key), "%s %s", name, ver ? ver : "");
			if (json_object_get(direct, key) || json_object_get(direct, name))
				flags = VIGIL_PKG_DIRECT;
		}
		if ((error = vigil_lock__add(r, "cargo", NULL, name, ver, flags)) < 0)
			goto done;
	}
	error = 0;
done:
	json_decref(direct);
	json_decref(doc);
	return error;
}

static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	(void)head, (void)len;
	if (vigil_lock__in_dependency_tree(f->path))
		return VIGIL_WANT_NO;
	return strcmp(vigil_catalog__base(f->path), "Cargo.lock") == 0 &&
			       f->size <= VIGIL_LOCK_TREE_MAX
		       ? VIGIL_WANT_YES
		       : VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_lock_rust = {"lock-rust", 0, want, parse,
						   VIGIL_LOCK_TREE_MAX};
