/*
 * Fuzzes the BerkeleyDB hash reader through the rpm cataloger, as the file
 * /var/lib/rpm/Packages. The hash magic is written at offset 12 when the input has it
 * in neither byte order, so every input reaches the page walk.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/rpm_db.h"

static int count(const vigil_pkg *p, void *payload)
{
	for (size_t i = 0; p->files && p->files[i]; i++)
		(*(size_t *)payload) += strlen(p->files[i]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total = 0;
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (size >= 16 && vigil_rpm__le32(copy + 12) != 0x061561 &&
	    vigil_rpm__be32(copy + 12) != 0x061561)
		memcpy(copy + 12, "\x61\x15\x06\x00", 4);
	if (size >= 16 && memcmp(copy, "SQLite format 3", 16) == 0)
		copy[0] = 's'; /* keep to this reader */
	if (size >= 4 && memcmp(copy, "RpmP", 4) == 0)
		copy[0] = 'r';
	vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/var/lib/rpm/Packages", copy, size,
				    count, &total, NULL);
	free(copy);
	return 0;
}
