/* Fuzzes the inventory's per-layer output reader (src/lib/catalog/catalog.c,
 * an_layer_load): what the per-layer cache keeps of a layer's catalog results (results,
 * packages with their fields and file lists, owned files, kept bytes, unread files) as it
 * comes out of a cache entry. Every count and length is checked against the input; a bad
 * output is VIGIL_EFORMAT, never a crash, a read past the end or a leak. */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > ((size_t)8 << 20))
		return 0;
	vigil_inventory__layer_load_check(data, size);
	return 0;
}
