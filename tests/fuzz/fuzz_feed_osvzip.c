/* Fuzzes the osv.dev all.zip reader (zip from memory, then each OSV record). */
#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_vdb__parse_buffer(&vigil_feed_osv, "Maven/all.zip", data, size, NULL, NULL);
	return 0;
}
