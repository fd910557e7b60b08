/* Fuzzes the SPDX JSON reader (packages, external purl references, sourceInfo) behind `vigil scan
 * sbom:FILE`. */
#include "sbomin_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sbomin_fuzz(data, size, FZ_SPDX_JSON);
	return 0;
}
