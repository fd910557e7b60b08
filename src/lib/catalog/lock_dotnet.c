/*
 * NuGet restore outputs of .NET projects: packages.lock.json ("dependencies" per target
 * framework; "type" Direct, Transitive, CentralTransitive or Project) and the older
 * packages.config (<package id version developmentDependency/>). Project references
 * are own code and are not reported; a package listed for several frameworks once.
 */
#include <stdio.h>
#include <string.h>

#include "lock.h"

#define CONFIG_MAX VIGIL_LOCK_XML_MAX

typedef struct plock {
	vigil_catalog_result *r;
	vigil_buf resolved, type;
	int too_long;	 /* the entry's resolved or type is over its buffer's 4 KiB */
	json_t *seen;	 /* "name@version" -> flags */
	vigil_vec order; /* const char *: keys in first-seen order */
} plock;

static int plock_event(const vigil_lock_jev *ev, void *payload)
{
	plock *pl = payload;
	if (!vigil_lock__key(ev, 0, "dependencies"))
		return 0;
	if (ev->depth == 4 && ev->type == VIGIL_JSON_STRING &&
	    (vigil_lock__key(ev, 3, "resolved") || vigil_lock__key(ev, 3, "type"))) {
		vigil_buf *b = ev->path[3][0] == 'r' ? &pl->resolved : &pl->type;
		b->len = 0;
		int error = vigil_buf_put(b, ev->value, ev->len);
		if (error == 0)
			error = vigil_buf_cstr(b);
		/* over 4 KiB: the entry is skipped (it was "out of memory") */
		if (error == VIGIL_ELIMIT) {
			b->len = 0;
			pl->too_long = 1;
			error = 0;
		}
		return error;
	}
	if (!(ev->depth == 3 && ev->end))
		return 0;
	const char *type = pl->type.len ? (const char *)pl->type.data : "";
	const char *ver = pl->resolved.len ? (const char *)pl->resolved.data : "";
	char key[1024];
	int error = 0;
	if (pl->too_long) {
		vigil_catalog__skipped(pl->r, "packages.lock.json entry with a value over 4 KiB");
	} else if (strcmp(type, "Project") == 0) {
		/* a project reference: own code */
	} else if (!*ver) {
		vigil_catalog__skipped(pl->r, "packages.lock.json entry without a version");
	} else if (snprintf(key, sizeof(key), "%s@%s", ev->path[2], ver) < (int)sizeof(key)) {
		json_int_t flags = strcmp(type, "Direct") == 0 ? VIGIL_PKG_DIRECT
				   : *type		       ? VIGIL_PKG_INDIRECT
							       : 0;
		json_t *old = json_object_get(pl->seen, key);
		if (old) {
			if (flags == VIGIL_PKG_DIRECT)
				json_integer_set(old, flags);
		} else {
			const char **o = vigil_vec_push(&pl->order);
			char *k = vigil_catalog__strndup(pl->r, key, strlen(key));
			if (!o || !k || vigil_lock__set(pl->seen, key, json_integer(flags)) < 0)
				error = VIGIL_ENOMEM;
			else
				*o = k;
		}
	}
	pl->resolved.len = pl->type.len = 0;
	pl->too_long = 0;
	return error;
}

static int parse_packages_lock(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	plock pl = {.r = r,
		    .resolved = VIGIL_BUF_INIT,
		    .type = VIGIL_BUF_INIT,
		    .seen = json_object(),
		    .order = VIGIL_VEC_INIT(const char *)};
	int error = pl.seen ? 0 : VIGIL_ENOMEM;
	pl.resolved.limit = pl.type.limit = 4096;
	if (error == 0)
		error = vigil_lock__json(data, len, 0, plock_event, &pl);
	for (size_t i = 0; i < pl.order.len && error == 0; i++) {
		const char *k = VIGIL_VEC_AT(&pl.order, const char *, i);
		const char *at = strrchr(k, '@');
		json_int_t flags = json_integer_value(json_object_get(pl.seen, k));
		error = vigil_lock__addn(r, "nuget", k, (size_t)(at - k), at + 1, strlen(at + 1),
					 (unsigned)flags);
	}
	vigil_buf_free(&pl.resolved);
	vigil_buf_free(&pl.type);
	vigil_vec_free(&pl.order);
	json_decref(pl.seen);
	return error;
}

static int parse_packages_config(vigil_catalog_result *r, const uint8_t *data, size_t len)
{
	xmlDocPtr doc = vigil_lock__xml(data, len);
	int error = 0;
	if (!doc)
		return VIGIL_EFORMAT;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || xmlStrcmp(root->name, (const xmlChar *)"packages") != 0) {
		xmlFreeDoc(doc);
		return VIGIL_EFORMAT;
	}
	for (xmlNodePtr n = root->children; n && error == 0; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, (const xmlChar *)"package"))
			continue;
		xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
		xmlChar *ver = xmlGetProp(n, (const xmlChar *)"version");
		xmlChar *dev = xmlGetProp(n, (const xmlChar *)"developmentDependency");
		error = vigil_lock__add(r, "nuget", NULL, (const char *)id, (const char *)ver,
					VIGIL_PKG_DIRECT |
						(dev && xmlStrcmp(dev, (const xmlChar *)"true") == 0
							 ? VIGIL_PKG_DEV
							 : 0));
		xmlFree(id);
		xmlFree(ver);
		xmlFree(dev);
	}
	xmlFreeDoc(doc);
	return error;
}

static int parse(vigil_catalog_result *r, const vigil_file *f, const uint8_t *data, size_t len)
{
	if (strcmp(vigil_catalog__base(f->path), "packages.config") == 0)
		return parse_packages_config(r, data, len);
	return parse_packages_lock(r, data, len);
}

static int want_name(const vigil_file *f, const uint8_t *head, size_t len)
{
	const char *base = vigil_catalog__base(f->path);
	(void)head, (void)len;
	if (strcmp(base, "packages.lock.json") == 0)
		return VIGIL_WANT_YES;
	if (strcmp(base, "packages.config") == 0)
		return f->size <= CONFIG_MAX ? VIGIL_WANT_YES : VIGIL_WANT_NO;
	return VIGIL_WANT_NO;
}

/* By name first (cheap), then not inside a dependency tree (a strstr per pattern). */
static int want(const vigil_file *f, const uint8_t *head, size_t len)
{
	int w = want_name(f, head, len);
	return w != VIGIL_WANT_NO && vigil_lock__in_dependency_tree(f->path) ? VIGIL_WANT_NO : w;
}

const vigil_cataloger vigil_cataloger_lock_dotnet = {"lock-dotnet", 0, want, parse, VIGIL_LOCK_MAX};
