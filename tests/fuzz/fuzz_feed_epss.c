/* Fuzzes the EPSS CSV importer: the input as CSV, and as a gzipped file. */
#include <stdlib.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *member = size >= 2 && data[0] == 0x1f && data[1] == 0x8b
				     ? "epss_scores-current.csv.gz"
				     : "epss_scores-current.csv";
	if (vigil_vdb__parse_buffer(&vigil_feed_epss, member, data, size, NULL, NULL) ==
	    VIGIL_ENOMEM)
		abort(); /* issue 22: malformed input is never "out of memory" */
	return 0;
}
