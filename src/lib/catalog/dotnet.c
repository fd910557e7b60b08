/*
 * .NET packages: an application's <app>.deps.json, whose "libraries" object maps
 * "Name/Version" to {"type": ..., "sha512": ..., "path": ...}. Libraries of type
 * "package" are NuGet packages; "runtimepack" ones are the runtime packs of a
 * self-contained app, named "runtimepack.<NuGet id>" (the prefix is dropped). Type
 * "project" is the app itself (and projects it references), reported too; "reference"
 * assemblies are not packages.
 */
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "jsonpull.h"

#define DEPS_MAX (64u << 20)
#define STRING_MAX (1u << 20) /* a decoded key or type */

/* One library, "Name/Version" with its type: adds it when it is a NuGet package. */
static int add_library(vigil_catalog_result *r, const char *key, const char *type)
{
	static const char rtp[] = "runtimepack.";
	int runtimepack = type && strcasecmp(type, "runtimepack") == 0;
	/* "project": the application itself (and its own projects), reported as Syft and
	 * Trivy do; "reference" assemblies are not packages */
	if (!type ||
	    (strcasecmp(type, "package") != 0 && strcasecmp(type, "project") != 0 && !runtimepack))
		return 0;
	const char *slash = strchr(key, '/');
	if (!slash || slash == key || !slash[1] || strchr(slash + 1, '/')) {
		vigil_catalog__skipped(r, "library key that is not Name/Version");
		return 0;
	}
	const char *name = key;
	size_t nl = (size_t)(slash - key);
	if (runtimepack && nl > sizeof(rtp) - 1 && strncasecmp(name, rtp, sizeof(rtp) - 1) == 0) {
		name += sizeof(rtp) - 1;
		nl -= sizeof(rtp) - 1;
	}
	vigil_pkg_in p;
	memset(&p, 0, sizeof(p));
	p.type = "nuget";
	p.name = vigil_catalog__strndup(r, name, nl);
	p.version = slash + 1;
	if (!p.name)
		return VIGIL_ENOMEM;
	return vigil_catalog__add(r, &p);
}

/* The "libraries" object: "Name/Version" -> {"type": ..., ...}. */
static int libraries(vigil_catalog_result *r, vigil_json *j, vigil_buf *lib, vigil_buf *key,
		     vigil_buf *type)
{
	int error;
	if ((error = vigil_json__enter(j, '{')) < 0)
		return error;
	while ((error = vigil_json__member(j, lib)) == 1) {
		int have_type = 0;
		if (vigil_json__peek(j) != VIGIL_JSON_OBJECT) {
			vigil_catalog__skipped(r, "library that is not an object");
			if ((error = vigil_json__skip(j)) < 0)
				return error;
			continue;
		}
		if ((error = vigil_json__enter(j, '{')) < 0)
			return error;
		while ((error = vigil_json__member(j, key)) == 1) {
			if (strcmp((const char *)key->data, "type") == 0 && !have_type)
				error = have_type = vigil_json__maybe_string(j, type);
			else
				error = vigil_json__skip(j);
			if (error < 0)
				return error;
		}
		if (error < 0 ||
		    (error = add_library(r, (const char *)lib->data,
					 have_type == 1 ? (const char *)type->data : NULL)) < 0)
			return error;
	}
	return error;
}

/* <app>.deps.json: only "libraries" is read. */
static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	vigil_buf lib = VIGIL_BUF_INIT, key = VIGIL_BUF_INIT, type = VIGIL_BUF_INIT;
	vigil_json j;
	int error, seen = 0;
	(void)f;
	lib.limit = key.limit = type.limit = STRING_MAX;
	vigil_json__init(&j, data, len);
	if ((error = vigil_json__enter(&j, '{')) == 0) {
		while ((error = vigil_json__member(&j, &key)) == 1) {
			if (strcmp((const char *)key.data, "libraries") == 0 && !seen) {
				seen = 1;
				if (vigil_json__peek(&j) != VIGIL_JSON_OBJECT)
					error = VIGIL_EFORMAT;
				else
					error = libraries(r, &j, &lib, &key, &type);
			} else {
				error = vigil_json__skip(&j);
			}
			if (error < 0)
				break;
		}
	}
	if (error == 0)
		error = vigil_json__end(&j);
	vigil_buf_free(&lib);
	vigil_buf_free(&key);
	vigil_buf_free(&type);
	return error;
}

/* <app>.deps.json anywhere (framework-dependent and self-contained apps). */
static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	(void)head, (void)len;
	return vigil_catalog__has_suffix(base, ".deps.json") && strlen(base) > 10 ? VIGIL_WANT_YES
										  : VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_dotnet = {"dotnet", 0, want, parse, DEPS_MAX};
