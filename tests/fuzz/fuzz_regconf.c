/*
 * Fuzzes the registries.conf reader (containers-registries.conf(5) TOML): whatever the
 * text, every rule it yields is a valid --registry-mirror rule, every insecure host is a
 * bare host, and the lists are freed whole.
 */
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char **mirrors, **insecure, why[600];
	const char *reason;
	int skipped;
	if (vigil_reg__conf_parse(&mirrors, &insecure, &skipped, (const char *)data, size,
				  "fuzz.conf", why, sizeof(why)) < 0) {
		if (mirrors || insecure || !why[0])
			abort(); /* an error leaves nothing and says why */
		return 0;
	}
	for (char **p = mirrors; p && *p; p++)
		if (vigil_registry_mirror_check(*p, &reason) < 0)
			abort();
	for (char **p = insecure; p && *p; p++)
		if (!**p || strchr(*p, '/'))
			abort();
	if (skipped < 0 || (skipped && !why[0]))
		abort();
	vigil_registry_conf_free(mirrors);
	vigil_registry_conf_free(insecure);
	return 0;
}
