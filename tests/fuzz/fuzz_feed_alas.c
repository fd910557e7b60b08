/* Fuzzes the Amazon Linux updateinfo.xml importer (plain, or gzipped). */
#include <stdlib.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *member = size >= 2 && data[0] == 0x1f && data[1] == 0x8b
				     ? "al2023/updateinfo.xml.gz"
				     : "al2/updateinfo.xml";
	if (vigil_vdb__parse_buffer(&vigil_feed_alas, member, data, size, NULL, NULL) ==
	    VIGIL_ENOMEM)
		abort(); /* issue 22: malformed input is never "out of memory" */
	return 0;
}
