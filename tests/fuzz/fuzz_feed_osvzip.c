/* Fuzzes the osv.dev all.zip reader (zip from memory, then each OSV record). */
#include <stdlib.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (vigil_vdb__parse_buffer(&vigil_feed_osv, "Maven/all.zip", data, size, NULL, NULL) ==
	    VIGIL_ENOMEM)
		abort(); /* issue 22: malformed input is never "out of memory" */
	return 0;
}
