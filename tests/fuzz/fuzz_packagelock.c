/*
 * Fuzzes the JSON and lockfile catalogers: every input is parsed as an npm
 * package-lock.json, a yarn.lock, an installed package.json, a Composer installed.json
 * and a .NET deps.json. Every package reported must have a name and a version.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

/* Checks what a parser reports: a package always has a non-empty name and a version. */
static int check(const vigil_pkg *p, void *payload)
{
	(void)payload;
	if (!p->type || !p->name || !*p->name || !p->version || !*p->version || !p->location)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const vigil_cataloger *c;
		const char *path;
	} runs[] = {
		{&vigil_cataloger_npm, "/app/package-lock.json"},
		{&vigil_cataloger_npm, "/app/yarn.lock"},
		{&vigil_cataloger_npm, "/app/node_modules/@s/p/package.json"},
		{&vigil_cataloger_composer, "/app/vendor/composer/installed.json"},
		{&vigil_cataloger_dotnet, "/app/App.deps.json"},
	};
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		vigil_catalog__parse_buffer(runs[i].c, runs[i].path, data, size, check, NULL, NULL);
	return 0;
}
