/* Fuzzes the dpkg parser (/var/lib/dpkg/status) through the cataloger test hook. */
#include "catalog/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_catalog__parse_buffer(&vigil_cataloger_dpkg, "/var/lib/dpkg/status", data, size, NULL,
				    NULL, NULL);
	return 0;
}
