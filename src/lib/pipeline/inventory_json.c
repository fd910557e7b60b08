/*
 * inventory_json.c - loads Vigil's inventory JSON (docs/inventory-json.md, written by
 * `vigil sbom --format json`) back into an inventory, for rematching without the image.
 * The file is untrusted: its size is capped, every field is type-checked, and a package
 * without type, name or version is an error.
 */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "catalog/catalog.h"
#include "pipeline/pipeline.h"

/* A string member copied into the arena; NULL when absent or null. 1 when present but
 * not a string (malformed). */
static int str(vigil_arena *a, json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return 1;
	return (*out = vigil_arena_strdup(a, json_string_value(v))) ? 0 : -1;
}

static int bad(vigil_ctx *ctx, const char *path, const char *what, size_t i)
{
	return vigil_error_set(ctx, VIGIL_EFORMAT, "%s: not a Vigil inventory: %s (package %zu)",
			       path, what, i);
}

static int load_distro(vigil_ctx *ctx, const char *path, vigil_inventory *inv, json_t *d)
{
	vigil_arena *a = vigil_inventory__arena(inv);
	vigil_distro *dd = vigil_inventory__distro_mut(inv);
	int e = 0;
	if (!d || json_is_null(d))
		return 0;
	if (!json_is_object(d))
		return bad(ctx, path, "distro is not an object", 0);
	e |= str(a, d, "id", &dd->id);
	e |= str(a, d, "version_id", &dd->version_id);
	e |= str(a, d, "codename", &dd->codename);
	e |= str(a, d, "pretty_name", &dd->pretty_name);
	e |= str(a, d, "family", &dd->family);
	if (e < 0)
		return VIGIL_ENOMEM;
	if (e)
		return bad(ctx, path, "a distro field is not a string", 0);
	dd->eol = json_is_true(json_object_get(d, "eol"));
	return 0;
}

static int load_pkg(vigil_ctx *ctx, const char *path, vigil_inventory *inv, json_t *o, size_t i)
{
	vigil_arena *a = vigil_inventory__arena(inv);
	vigil_pkg *p;
	json_t *layer = json_object_get(o, "layer");
	int e = 0;
	if (!json_is_object(o))
		return bad(ctx, path, "not an object", i);
	if (!(p = vigil_arena_alloc(a, sizeof(*p))))
		return VIGIL_ENOMEM;
	memset(p, 0, sizeof(*p));
	e |= str(a, o, "type", &p->type);
	e |= str(a, o, "name", &p->name);
	e |= str(a, o, "version", &p->version);
	e |= str(a, o, "arch", &p->arch);
	e |= str(a, o, "group", &p->group);
	e |= str(a, o, "source_name", &p->source_name);
	e |= str(a, o, "source_version", &p->source_version);
	e |= str(a, o, "license", &p->license);
	e |= str(a, o, "modularity", &p->modularity);
	e |= str(a, o, "purl", &p->purl);
	e |= str(a, o, "cataloger", &p->cataloger);
	e |= str(a, o, "location", &p->location);
	if (e < 0)
		return VIGIL_ENOMEM;
	if (e)
		return bad(ctx, path, "a field is not a string", i);
	if (!p->type || !p->name || !p->version)
		return bad(ctx, path, "type, name and version are required", i);
	if (layer && !json_is_integer(layer))
		return bad(ctx, path, "layer is not an integer", i);
	json_int_t l = layer ? json_integer_value(layer) : -1;
	p->layer = l >= -1 && l <= 100000 ? (int)l : -1;
	json_t *direct = json_object_get(o, "direct");
	if (json_is_boolean(direct))
		p->flags |= json_is_true(direct) ? VIGIL_PKG_DIRECT : VIGIL_PKG_INDIRECT;
	if (json_is_true(json_object_get(o, "dev")))
		p->flags |= VIGIL_PKG_DEV;
	if (json_is_true(json_object_get(o, "optional")))
		p->flags |= VIGIL_PKG_OPTIONAL;
	p->os_package = strcmp(p->type, "deb") == 0 || strcmp(p->type, "apk") == 0 ||
			strcmp(p->type, "rpm") == 0;
	return vigil_inventory__push(inv, p);
}

int vigil_scan_result_load_inventory(vigil_scan_result **out, vigil_ctx *ctx, const char *path,
				     const vigil_scan_opts *opts)
{
	vigil_buf b = VIGIL_BUF_INIT;
	FILE *f;
	int error;
	*out = NULL;
	if (!(f = vigil_fopen_regular(path)))
		return vigil_error_set(ctx, VIGIL_EIO, "cannot read %s: %s", path,
				       vigil_open_strerror(errno));
	b.limit = ctx->limits.max_json_size * 16;
	error = vigil_buf_fread_all(&b, f);
	fclose(f);
	if (error < 0) {
		vigil_buf_free(&b);
		return error == VIGIL_ENOMEM ? error
		       : error == VIGIL_ELIMIT
			       ? vigil_error_set(ctx, error,
						 "%s: inventory larger than 16 x --max-json-size",
						 path)
			       : vigil_error_set(ctx, error, "%s: read error", path);
	}
	error = vigil_scan_result_load_inventory_buffer(out, ctx, path, (const char *)b.data, b.len,
							opts);
	vigil_buf_free(&b);
	return error;
}

int vigil_scan_result_load_inventory_buffer(vigil_scan_result **out, vigil_ctx *ctx,
					    const char *path, const char *data, size_t len,
					    const vigil_scan_opts *opts)
{
	vigil_inventory *inv = NULL;
	json_error_t je;
	json_t *root = NULL, *pkgs;
	const char *name = NULL;
	int error;
	*out = NULL;
	if (len > ctx->limits.max_json_size * 16)
		return vigil_error_set(ctx, VIGIL_ELIMIT,
				       "%s: inventory larger than 16 x --max-json-size", path);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return vigil_error_set(ctx, VIGIL_EFORMAT, "%s:%d: malformed JSON: %s", path,
				       je.line, je.text);
	if (!json_is_object(root) || !json_is_array(pkgs = json_object_get(root, "packages"))) {
		error = vigil_error_set(ctx, VIGIL_EFORMAT,
					"%s: not a Vigil inventory (no \"packages\" array; write "
					"one with 'vigil sbom --format json')",
					path);
		goto done;
	}
	if ((error = vigil_inventory__new_empty(&inv)) < 0 ||
	    (error = load_distro(ctx, path, inv, json_object_get(root, "distro"))) < 0)
		goto done;
	for (size_t i = 0; i < json_array_size(pkgs) && error == 0; i++)
		error = load_pkg(ctx, path, inv, json_array_get(pkgs, i), i);
	if (error < 0)
		goto done;
	if (json_is_string(json_object_get(root, "image")))
		name = json_string_value(json_object_get(root, "image"));
	error = vigil_pipeline__result_from_inventory(out, ctx, name ? name : path, inv, opts);
	inv = NULL;
done:
	vigil_inventory_free(inv);
	json_decref(root);
	return error;
}
