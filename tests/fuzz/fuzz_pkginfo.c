/*
 * Fuzzes the text metadata catalogers: every input is parsed as Python core metadata
 * (METADATA / PKG-INFO), as a zipped egg or wheel holding it, and as an installed gemspec. Every
 * package reported must have a name and a version, and Python packages a pkg:pypi purl.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

/* Checks what a parser reports. */
static int check(const vigil_pkg *p, void *payload)
{
	(void)payload;
	if (!p->type || !p->name || !*p->name || !p->version || !*p->version)
		abort();
	if (strcmp(p->type, "pypi") == 0 &&
	    (!p->purl || strncmp(p->purl, "pkg:pypi/", 9) != 0 || !strchr(p->purl, '@')))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_catalog__parse_buffer(&vigil_cataloger_python,
				    "/usr/lib/python3/dist-packages/a-1.dist-info/METADATA", data,
				    size, check, NULL, NULL);
	/* zipped eggs and wheels: the same metadata inside a zip */
	vigil_catalog__parse_buffer(&vigil_cataloger_python,
				    "/usr/lib/python3/site-packages/a-1-py3-none-any.whl", data,
				    size, check, NULL, NULL);
	vigil_catalog__parse_buffer(&vigil_cataloger_gem,
				    "/usr/local/bundle/specifications/a-1.gemspec", data, size,
				    check, NULL, NULL);
	return 0;
}
