/* Fuzzes the EPSS CSV importer: the input as CSV, and as a gzipped file. */
#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *member = size >= 2 && data[0] == 0x1f && data[1] == 0x8b
				     ? "epss_scores-current.csv.gz"
				     : "epss_scores-current.csv";
	vigil_vdb__parse_buffer(&vigil_feed_epss, member, data, size, NULL, NULL);
	return 0;
}
