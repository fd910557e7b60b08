/* sbomin.h - internals of the SBOM readers (CycloneDX JSON, SPDX JSON and tag-value). */
#ifndef VIGIL_SBOMIN_H
#define VIGIL_SBOMIN_H

#include <jansson.h>

#include "catalog/catalog.h"

/* A package URL split into decoded parts (strings in the arena). */
typedef struct vigil_purl {
	const char *type, *ns, *name, *version;
	const char *arch, *distro, *epoch, *upstream;
} vigil_purl;

/* Parses "pkg:type/ns/name@version?qualifiers#subpath"; VIGIL_EFORMAT when it is not a
 * purl, VIGIL_ENOMEM (which is -1: never return -1 for "not a purl"). */
int vigil_sbomin__purl_parse(vigil_purl *out, vigil_arena *a, const char *s);

/* What one SBOM entry says about a package; NULL fields are unknown. */
typedef struct vigil_sbomin_entry {
	const char *purl, *name, *version, *group;
	/* Vigil's own properties (or other tools' equivalents) */
	const char *type, *source_name, *source_version, *arch, *modularity, *location, *cataloger;
	int layer;
	unsigned flags; /* VIGIL_PKG_DIRECT, _INDIRECT, _DEV, _OPTIONAL */
} vigil_sbomin_entry;

/* The reader's state: the inventory being filled and counts for the warning. */
typedef struct vigil_sbomin {
	vigil_ctx *ctx;
	const char *name; /* the file, for messages and locations */
	vigil_inventory *inv;
	size_t skipped;	    /* entries without a purl (nothing to match them by) */
	size_t bad_purl;    /* purls that do not parse */
	const char *format; /* "CycloneDX 1.5", "SPDX-2.3 (tag-value)" */
} vigil_sbomin;

/* Adds one package (copied into the inventory's arena). 0 when added or skipped. */
int vigil_sbomin__add(vigil_sbomin *s, const vigil_sbomin_entry *e);
/* Sets the distribution (when not set yet) from an operating-system entry or a purl's
 * "distro" qualifier ("debian-12"). */
int vigil_sbomin__distro(vigil_sbomin *s, const char *id, const char *version);

int vigil_sbomin__cyclonedx(vigil_sbomin *s, json_t *root);
int vigil_sbomin__spdx_json(vigil_sbomin *s, json_t *root);
int vigil_sbomin__spdx_tv(vigil_sbomin *s, const char *data, size_t len);

/* Limits on hostile documents. */
#define VIGIL_SBOMIN_MAX_DEPTH 64     /* nested CycloneDX components */
#define VIGIL_SBOMIN_MAX_PKGS 1000000 /* packages in one SBOM */

#endif
