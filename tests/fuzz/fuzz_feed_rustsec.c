/* Fuzzes the RustSec Markdown + TOML front matter importer into an in-memory database. */
#include <stdlib.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (vigil_vdb__parse_buffer(&vigil_feed_rustsec, "crates/demo/RUSTSEC-2099-0001.md", data,
				    size, NULL, NULL) == VIGIL_ENOMEM)
		abort(); /* issue 22: malformed input is never "out of memory" */
	return 0;
}
