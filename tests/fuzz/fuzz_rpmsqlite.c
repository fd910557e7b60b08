/*
 * Fuzzes the rpm sqlite backend (rpmdb.sqlite opened from memory through the SQLite
 * library) via the rpm cataloger. The 16-byte SQLite header is forced so every input
 * reaches sqlite3_deserialize and the Packages query.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (size >= 16)
		memcpy(copy, "SQLite format 3", 16);
	vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/rpmdb.sqlite", copy, size,
				    NULL, NULL, NULL);
	free(copy);
	return 0;
}
