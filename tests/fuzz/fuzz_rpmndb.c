/*
 * Fuzzes the ndb reader (SUSE's Packages.db) through the rpm cataloger. "RpmP" is
 * written over the first four bytes so every input reaches the slot walk.
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
	if (size >= 4)
		memcpy(copy, "RpmP", 4);
	vigil_catalog__parse_buffer(&vigil_cataloger_rpm, "/usr/lib/sysimage/rpm/Packages.db", copy,
				    size, count, &total, NULL);
	free(copy);
	return 0;
}
