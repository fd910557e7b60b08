/* Fuzzes the dpkglist parser (/var/lib/dpkg/status.d/x.md5sums) through the cataloger test hook. */
#include "catalog/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_catalog__parse_buffer(&vigil_cataloger_dpkg_distroless,
				    "/var/lib/dpkg/status.d/x.md5sums", data, size, NULL, NULL,
				    NULL);
	return 0;
}
