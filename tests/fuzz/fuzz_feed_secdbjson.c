/* Fuzzes the Alpine secdb JSON importer into an in-memory database. */
#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_vdb__parse_buffer(&vigil_feed_alpine_secdb, "v3.20/main.json", data, size, NULL,
				NULL);
	return 0;
}
