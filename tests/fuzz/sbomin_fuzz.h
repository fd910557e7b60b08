/* Shared by the SBOM reader fuzzers: runs one reader on the input with a fresh
 * inventory, then walks what it read. */
#ifndef VIGIL_SBOMIN_FUZZ_H
#define VIGIL_SBOMIN_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbomin/sbomin.h"

enum { FZ_CDX, FZ_SPDX_JSON, FZ_SPDX_TV };

static inline void sbomin_fuzz(const uint8_t *data, size_t size, int kind)
{
	vigil_ctx *ctx = NULL;
	vigil_sbomin s;
	json_t *root = NULL;
	size_t n = 0;
	memset(&s, 0, sizeof(s));
	if (vigil_ctx_new(&ctx) < 0 || vigil_inventory__new_empty(&s.inv) < 0)
		goto done;
	s.ctx = ctx;
	s.name = "fuzz";
	if (kind == FZ_SPDX_TV) {
		vigil_sbomin__spdx_tv(&s, (const char *)data, size);
	} else if ((root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL))) {
		if (kind == FZ_CDX)
			vigil_sbomin__cyclonedx(&s, root);
		else
			vigil_sbomin__spdx_json(&s, root);
	}
	for (size_t i = 0; i < vigil_inventory_count(s.inv); i++) {
		const vigil_pkg *p = vigil_inventory_pkg(s.inv, i);
		n += strlen(p->type) + strlen(p->name) + strlen(p->version) + strlen(p->location);
		n += p->source_name ? strlen(p->source_name) : 0;
		n += p->group ? strlen(p->group) : 0;
	}
	const vigil_distro *d = vigil_inventory_distro(s.inv);
	n += d->id ? strlen(d->id) : 0;
	if (n == (size_t)-1)
		abort();
	/* the whole-buffer entry point (sniffing, limits) as well */
	vigil_inventory *inv = NULL;
	if (vigil_sbomin_load_buffer(&inv, ctx, "fuzz", (const char *)data, size) == 0 && !inv)
		abort();
	vigil_inventory_free(inv);
done:
	json_decref(root);
	vigil_inventory_free(s.inv);
	vigil_ctx_free(ctx);
}

#endif
