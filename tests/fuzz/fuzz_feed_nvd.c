/* Fuzzes the NVD CVE API 2.0 importer: the input as JSON, and as a gzipped year file. */
#include <stdlib.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *member = size >= 2 && data[0] == 0x1f && data[1] == 0x8b
				     ? "nvdcve-2.0-2021.json.gz"
				     : "nvdcve-2.0-2021.json";
	if (vigil_vdb__parse_buffer(&vigil_feed_nvd, member, data, size, NULL, NULL) ==
	    VIGIL_ENOMEM)
		abort(); /* issue 22: malformed input is never "out of memory" */
	return 0;
}
