/* Fuzzes the CycloneDX JSON reader (components, nested components, properties, purls) behind `vigil
 * scan sbom:FILE`. */
#include "sbomin_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sbomin_fuzz(data, size, FZ_CDX);
	return 0;
}
