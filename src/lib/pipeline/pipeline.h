/* pipeline.h - internals of the scan pipeline shared between its files. */
#ifndef VIGIL_PIPELINE_INTERNAL_H
#define VIGIL_PIPELINE_INTERNAL_H

#include "internal.h"

/* A result around a loaded inventory (no image, no findings yet). Takes `inv`, also
 * on failure. */
int vigil_pipeline__result_from_inventory(vigil_scan_result **out, vigil_ctx *ctx,
					  const char *target, vigil_inventory *inv,
					  const vigil_scan_opts *opts);

#endif
