/* Fuzzes the Ubuntu CVE tracker (one UCT file) importer into an in-memory database. */
#include <stdlib.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (vigil_vdb__parse_buffer(&vigil_feed_ubuntu, "active/CVE-2099-0001", data, size, NULL,
				    NULL) == VIGIL_ENOMEM)
		abort(); /* issue 22: malformed input is never "out of memory" */
	return 0;
}
