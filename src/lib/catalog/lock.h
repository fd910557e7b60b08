/*
 * Shared helpers of the lockfile catalogers (lock_*.c): adding a package, a bounded
 * JSON visitor on the pull reader, TOML and YAML documents as trees, and small text
 * helpers. See docs/lockfiles.md for the formats.
 */
#ifndef VIGIL_CATALOG_LOCK_H
#define VIGIL_CATALOG_LOCK_H

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "catalog.h"
#include "jsonpull.h"

#define VIGIL_LOCK_MAX (64u << 20)	/* lockfiles read by line or by the pull reader */
#define VIGIL_LOCK_TREE_MAX (16u << 20) /* TOML / YAML / XML parsed into a tree */
#define VIGIL_LOCK_JSON_DEPTH 12	/* the visitor's deepest reported value */
#define VIGIL_LOCK_XML_MAX (4u << 20)	/* pom.xml, packages.config */

/* Adds one package of `type` (a static string); group may be NULL. An empty name or
 * version is counted as a skipped record, not added. */
int vigil_lock__add(vigil_catalog_result *r, const char *type, const char *group, const char *name,
		    const char *version, unsigned flags);
/* As vigil_lock__add for spans of text. */
int vigil_lock__addn(vigil_catalog_result *r, const char *type, const char *name, size_t nlen,
		     const char *version, size_t vlen, unsigned flags);

/* One event of the JSON visitor: a scalar at path[0..depth) (type STRING with value
 * and len, TRUE, FALSE, NUMBER, NULL; value NULL but for strings), or with `end` set
 * the end of the object or array at path[0..depth). Array elements have their index
 * as key ("0", "1", ...). Strings live during the call. */
typedef struct vigil_lock_jev {
	const char *const *path;
	int depth;
	vigil_json_type type;
	const char *value;
	size_t len;
	int end;
} vigil_lock_jev;
typedef int (*vigil_lock_json_cb)(const vigil_lock_jev *ev, void *payload);
/* Walks a JSON document and calls cb for each value up to VIGIL_LOCK_JSON_DEPTH
 * (deeper ones are checked and skipped). Returns 0, a reader error, or cb's negative
 * result. `jsonc`: trailing commas before '}' and ']' are accepted (bun.lock). */
int vigil_lock__json(const uint8_t *data, size_t len, int jsonc, vigil_lock_json_cb cb,
		     void *payload);
/* Whether ev->path[i] equals `lit`. */
int vigil_lock__key(const vigil_lock_jev *ev, int i, const char *lit);

/* TOML (Cargo.lock, poetry.lock, ...) and YAML (pnpm-lock.yaml, ...) documents as
 * JSON trees, bounded in depth and value count; NULL with VIGIL_EFORMAT in *error. */
json_t *vigil_lock__toml(const uint8_t *data, size_t len, int *error);
json_t *vigil_lock__yaml(const uint8_t *data, size_t len, int *error);
/* An XML document (NULL when malformed or over VIGIL_LOCK_XML_MAX), read without
 * network access, entity substitution or error output; free with xmlFreeDoc. */
xmlDocPtr vigil_lock__xml(const uint8_t *data, size_t len);
/* The text of the first child element `name` of n (free with xmlFree), or NULL. */
char *vigil_lock__xml_child(xmlNodePtr n, const char *name);
/* A string member of a JSON object, or NULL. */
const char *vigil_lock__str(json_t *o, const char *key);

/* Whether `path` lies in a tree of installed or downloaded dependencies (node_modules,
 * site-packages, vendor/, the Go module cache and GOROOT, Cargo's registry, installed
 * gems, the Maven repository, testdata): lockfiles there belong to the dependencies
 * themselves, not to the application, and are not read. */
int vigil_lock__in_dependency_tree(const char *path);
/* The next line of [*p, end): sets *line and *n (without "\r\n"), advances *p; 0 at
 * the end. */
int vigil_lock__line(const char **p, const char *end, const char **line, size_t *n);
/* Trims blanks at both ends of a span. */
void vigil_lock__trim(const char **s, size_t *n);
/* strcspn for a span that need not be NUL-terminated (a NUL byte also stops it). */
size_t vigil_lock__cspn(const char *s, size_t n, const char *reject);
/* Whether the span starts with `lit`. */
int vigil_lock__starts(const char *s, size_t n, const char *lit);
/* Sets key -> value (taking value's reference) in a JSON object used as a lookup table
 * (seen packages, direct dependencies): any bytes are a key, not only UTF-8, and the
 * table is never serialized. 0, or VIGIL_ENOMEM (the only failure). */
int vigil_lock__set(json_t *set, const char *key, json_t *value);

/* The catalogers of the lockfile families (lock_*.c). */
extern const vigil_cataloger vigil_cataloger_lock_js, vigil_cataloger_lock_python,
	vigil_cataloger_lock_ruby, vigil_cataloger_lock_rust, vigil_cataloger_lock_go,
	vigil_cataloger_lock_dotnet, vigil_cataloger_lock_jvm, vigil_cataloger_lock_misc,
	vigil_cataloger_opkg;

#endif
