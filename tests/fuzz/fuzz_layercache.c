/* Fuzzes the per-layer cache's entry reader (src/lib/image/lcache.c): a decompressed
 * entry (magic, digests, info, records, warnings, kept files, analyzer outputs) as it
 * comes out of the store. Every length is checked against the input; a bad entry is
 * VIGIL_EFORMAT, never a crash or a read past the end. */
#include <stdlib.h>
#include <string.h>

#include "image/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > ((size_t)8 << 20))
		return 0;
	vigil_image__lc_parse(data, size);
	return 0;
}
