/*
 * cyclonedx.c - CycloneDX JSON (1.4 to 1.6, older 1.x read the same way): components
 * (nested ones too, bounded depth) with a purl become packages; an operating-system
 * component gives the distribution; Vigil's own properties (vigil:package:source_name,
 * vigil:location, ...) and Trivy's SrcName / SrcVersion restore what purls do not carry.
 */
#include <stdlib.h>
#include <string.h>

#include "sbomin/sbomin.h"

static const char *sget(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Reads the component's properties into the entry. */
static void props(vigil_sbomin_entry *e, json_t *arr)
{
	size_t i;
	json_t *pr;
	if (!json_is_array(arr))
		return;
	json_array_foreach(arr, i, pr)
	{
		const char *k = sget(pr, "name"), *v = sget(pr, "value");
		if (!k || !v)
			continue;
		if (!strcmp(k, "vigil:package:type"))
			e->type = v;
		else if (!strcmp(k, "vigil:package:source_name") ||
			 !strcmp(k, "aquasecurity:trivy:SrcName"))
			e->source_name = v;
		else if (!strcmp(k, "vigil:package:source_version") ||
			 !strcmp(k, "aquasecurity:trivy:SrcVersion"))
			e->source_version = v;
		else if (!strcmp(k, "vigil:package:arch"))
			e->arch = v;
		else if (!strcmp(k, "vigil:package:modularity") ||
			 !strcmp(k, "aquasecurity:trivy:Modularitylabel"))
			e->modularity = v;
		else if (!strcmp(k, "vigil:location") ||
			 (!e->location && !strcmp(k, "syft:location:0:path")))
			e->location = v;
		else if (!strcmp(k, "vigil:cataloger"))
			e->cataloger = v;
		else if (!strcmp(k, "vigil:package:direct"))
			e->flags |= !strcmp(v, "true")	  ? VIGIL_PKG_DIRECT
				    : !strcmp(v, "false") ? VIGIL_PKG_INDIRECT
							  : 0;
		else if (!strcmp(k, "vigil:package:dev") && !strcmp(v, "true"))
			e->flags |= VIGIL_PKG_DEV;
		else if (!strcmp(k, "vigil:package:optional") && !strcmp(v, "true"))
			e->flags |= VIGIL_PKG_OPTIONAL;
		else if (!strcmp(k, "vigil:layer:index")) {
			char *end;
			long l = strtol(v, &end, 10);
			if (*v && !*end && l >= -1 && l <= 100000)
				e->layer = (int)l;
		}
	}
}

static int components(vigil_sbomin *s, json_t *arr, int depth)
{
	size_t i;
	json_t *c;
	int error = 0;
	if (!json_is_array(arr))
		return 0;
	if (depth > VIGIL_SBOMIN_MAX_DEPTH)
		return vigil_error_set(s->ctx, VIGIL_ELIMIT, "%s: components nested deeper than %d",
				       s->name, VIGIL_SBOMIN_MAX_DEPTH);
	json_array_foreach(arr, i, c)
	{
		const char *type;
		if (!json_is_object(c)) {
			s->skipped++;
			continue;
		}
		type = sget(c, "type");
		if (type && !strcmp(type, "operating-system")) {
			error = vigil_sbomin__distro(s, sget(c, "name"), sget(c, "version"));
		} else {
			vigil_sbomin_entry e = {0};
			e.layer = -1;
			e.purl = sget(c, "purl");
			e.name = sget(c, "name");
			e.version = sget(c, "version");
			e.group = sget(c, "group");
			props(&e, json_object_get(c, "properties"));
			/* scope (any generator's): excluded is not in the running application */
			const char *scope = sget(c, "scope");
			if (scope && !strcmp(scope, "excluded"))
				e.flags |= VIGIL_PKG_DEV;
			else if (scope && !strcmp(scope, "optional"))
				e.flags |= VIGIL_PKG_OPTIONAL;
			/* files and the described image itself have no purl: not packages */
			if (e.purl || (type && strcmp(type, "file") && strcmp(type, "container")))
				error = vigil_sbomin__add(s, &e);
		}
		if (error >= 0)
			error = components(s, json_object_get(c, "components"), depth + 1);
		if (error < 0)
			return error;
	}
	return 0;
}

int vigil_sbomin__cyclonedx(vigil_sbomin *s, json_t *root)
{
	const char *spec = sget(root, "specVersion");
	json_t *meta = json_object_get(root, "metadata"), *mc = json_object_get(meta, "component");
	if (!spec || strncmp(spec, "1.", 2) != 0)
		return vigil_error_set(s->ctx, VIGIL_EFORMAT,
				       "%s: CycloneDX without a 1.x specVersion", s->name);
	s->format = "CycloneDX";
	if (json_is_object(mc) && sget(mc, "type") &&
	    !strcmp(sget(mc, "type"), "operating-system")) {
		int error = vigil_sbomin__distro(s, sget(mc, "name"), sget(mc, "version"));
		if (error < 0)
			return error;
	}
	if (json_object_get(root, "components") &&
	    !json_is_array(json_object_get(root, "components")))
		return vigil_error_set(s->ctx, VIGIL_EFORMAT, "%s: \"components\" is not an array",
				       s->name);
	return components(s, json_object_get(root, "components"), 0);
}
