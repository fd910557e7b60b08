/* Fuzzes the SPDX tag-value reader (lines, <text> blocks, ExternalRef purls) behind `vigil scan
 * sbom:FILE`. */
#include "sbomin_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sbomin_fuzz(data, size, FZ_SPDX_TV);
	return 0;
}
