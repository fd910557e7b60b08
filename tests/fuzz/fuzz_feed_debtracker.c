/* Fuzzes the Debian security tracker (CVE/DSA lists, tracker JSON, config.json) importer into an
 * in-memory database. */
#include <stdlib.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (vigil_vdb__parse_buffer(&vigil_feed_debtracker, "data/CVE/list", data, size, NULL,
				    NULL) == VIGIL_ENOMEM)
		abort(); /* issue 22: malformed input is never "out of memory" */
	if (vigil_vdb__parse_buffer(&vigil_feed_debtracker, "data/DSA/list", data, size, NULL,
				    NULL) == VIGIL_ENOMEM)
		abort(); /* issue 22: malformed input is never "out of memory" */
	if (vigil_vdb__parse_buffer(&vigil_feed_debtracker, "data/json", data, size, NULL, NULL) ==
	    VIGIL_ENOMEM)
		abort(); /* issue 22: malformed input is never "out of memory" */
	if (vigil_vdb__parse_buffer(&vigil_feed_debtracker, "data/config.json", data, size, NULL,
				    NULL) == VIGIL_ENOMEM)
		abort(); /* issue 22: malformed input is never "out of memory" */
	return 0;
}
