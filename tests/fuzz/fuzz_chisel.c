/* Fuzzes the chisel manifest parser (zstd-compressed jsonwall) through the test hook. */
#include "catalog/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_catalog__parse_buffer(&vigil_cataloger_chisel, "/var/lib/chisel/manifest.wall", data,
				    size, NULL, NULL, NULL);
	return 0;
}
