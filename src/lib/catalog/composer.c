/*
 * PHP packages installed by Composer: vendor/composer/installed.json, a JSON array of
 * packages (Composer 1) or {"packages": [...], "dev": ..., "dev-package-names": [...]}
 * (Composer 2). A package "vendor/name" becomes group "vendor", name "name", so that
 * its purl is pkg:composer/vendor/name@version. An application's composer.lock has the
 * same package objects in "packages" and, for development, "packages-dev".
 */
#include <string.h>

#include "catalog.h"
#include "jsonpull.h"

#define INSTALLED_MAX (64u << 20)
#define STRING_MAX (1u << 20) /* a decoded name, version, key or licence */
#define LICENSE_MAX 4096      /* the joined licence names */
#define MAX_LICENSES 16

typedef struct bufs {
	vigil_buf key, name, version, license, tmp;
} bufs;

/* A "license" value: a string or an array of strings. */
static int license_value(vigil_json *j, bufs *b)
{
	int r;
	if (vigil_json__peek(j) != VIGIL_JSON_ARRAY) {
		if ((r = vigil_json__maybe_string(j, &b->tmp)) == 1)
			vigil_catalog__license_join(&b->license, &b->tmp);
		return r < 0 ? r : 0;
	}
	if ((r = vigil_json__enter(j, '[')) < 0)
		return r;
	for (int k = 0; (r = vigil_json__element(j)) == 1; k++) {
		if (k >= MAX_LICENSES) {
			if ((r = vigil_json__skip(j)) < 0)
				return r;
		} else if ((r = vigil_json__maybe_string(j, &b->tmp)) < 0) {
			return r;
		} else if (r == 1) {
			vigil_catalog__license_join(&b->license, &b->tmp);
		}
	}
	return r;
}

/* One element of the package list, an object. The first of repeated keys counts. */
static int add_package(vigil_catalog_result *r, vigil_json *j, bufs *b, unsigned flags)
{
	int error, have_name = 0, have_version = 0, have_license = 0;
	char *group = NULL;
	b->license.len = 0;
	if ((error = vigil_json__enter(j, '{')) < 0)
		return error;
	while ((error = vigil_json__member(j, &b->key)) == 1) {
		const char *k = (const char *)b->key.data;
		if (strcmp(k, "name") == 0 && !have_name)
			error = have_name = vigil_json__maybe_string(j, &b->name);
		else if (strcmp(k, "version") == 0 && !have_version)
			error = have_version = vigil_json__maybe_string(j, &b->version);
		else if (strcmp(k, "license") == 0 && !have_license) {
			have_license = 1;
			error = license_value(j, b);
		} else
			error = vigil_json__skip(j);
		if (error < 0)
			return error;
	}
	if (error < 0)
		return error;
	if (have_name < 1 || have_version < 1 || !b->name.len || !b->version.len) {
		vigil_catalog__skipped(r, "package without name or version");
		return 0;
	}
	const char *full = (const char *)b->name.data;
	vigil_pkg_in p;
	memset(&p, 0, sizeof(p));
	p.type = "composer";
	p.name = full;
	p.version = (const char *)b->version.data;
	p.license = b->license.len ? (const char *)b->license.data : NULL;
	p.flags = flags;
	const char *slash = strchr(full, '/');
	if (slash && slash > full && slash[1]) {
		if (!(group = vigil_catalog__strndup(r, full, (size_t)(slash - full))))
			return VIGIL_ENOMEM;
		p.group = group;
		p.name = slash + 1;
	}
	return vigil_catalog__add(r, &p);
}

/* The package list, an array of objects. */
static int package_list(vigil_catalog_result *r, vigil_json *j, bufs *b, unsigned flags)
{
	int error;
	if ((error = vigil_json__enter(j, '[')) < 0)
		return error;
	while ((error = vigil_json__element(j)) == 1) {
		if (vigil_json__peek(j) == VIGIL_JSON_OBJECT) {
			error = add_package(r, j, b, flags);
		} else {
			vigil_catalog__skipped(r, "package that is not an object");
			error = vigil_json__skip(j);
		}
		if (error < 0)
			return error;
	}
	return error;
}

/* installed.json, either layout. */
static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	vigil_json j;
	bufs b;
	int error, seen = 0;
	(void)f;
	memset(&b, 0, sizeof(b));
	b.key.limit = b.name.limit = b.version.limit = b.tmp.limit = STRING_MAX;
	b.license.limit = LICENSE_MAX;
	vigil_json__init(&j, data, len);
	if (vigil_json__peek(&j) == VIGIL_JSON_ARRAY) {
		seen = 1;
		error = package_list(r, &j, &b, 0);
	} else if ((error = vigil_json__enter(&j, '{')) == 0) {
		while ((error = vigil_json__member(&j, &b.key)) == 1) {
			if (strcmp((const char *)b.key.data, "packages") == 0 && !(seen & 1) &&
			    vigil_json__peek(&j) == VIGIL_JSON_ARRAY) {
				seen |= 1;
				error = package_list(r, &j, &b, 0);
			} else if (strcmp((const char *)b.key.data, "packages-dev") == 0 &&
				   !(seen & 2) && vigil_json__peek(&j) == VIGIL_JSON_ARRAY) {
				seen |= 2; /* composer.lock */
				error = package_list(r, &j, &b, VIGIL_PKG_DEV);
			} else {
				error = vigil_json__skip(&j);
			}
			if (error < 0)
				break;
		}
	}
	if (error == 0)
		error = vigil_json__end(&j);
	if (error == 0 && !seen)
		error = VIGIL_EFORMAT; /* neither layout */
	vigil_buf_free(&b.key);
	vigil_buf_free(&b.name);
	vigil_buf_free(&b.version);
	vigil_buf_free(&b.license);
	vigil_buf_free(&b.tmp);
	return error;
}

/* vendor/composer/installed.json, under any project directory, and composer.lock
 * outside vendor trees. */
static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	(void)head, (void)len;
	if (strcmp(vigil_catalog__base(f->path), "composer.lock") == 0)
		return strstr(f->path, "/vendor/") ? VIGIL_WANT_NO : VIGIL_WANT_YES;
	return vigil_catalog__has_suffix(f->path, "/vendor/composer/installed.json")
		       ? VIGIL_WANT_YES
		       : VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_composer = {"composer", 0, want, parse, INSTALLED_MAX};
