/* Fuzzes the matcher's reading of a database statement: the first line is the installed
 * version, the second the fixed version, the rest the ranges JSON (OSV ranges or
 * constraint lists), evaluated under every version scheme. */
#include <stdlib.h>
#include <string.h>

#include "match/match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *version, *fixed, *ranges, *nl;
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	version = buf;
	fixed = (nl = strchr(version, '\n')) ? (*nl = '\0', nl + 1) : buf + size;
	ranges = (nl = strchr(fixed, '\n')) ? (*nl = '\0', nl + 1) : buf + size;
	vigil_db_affected a = {
		"CVE-1", "fixed", *fixed ? fixed : NULL, *ranges ? ranges : NULL, NULL, "feed", 0};
	for (int s = VIGIL_VS_DPKG; s <= VIGIL_VS_NUGET; s++)
		vigil_match__affects((vigil_vscheme)s, version, &a, NULL, 0);
	a.status = "unfixed";
	vigil_match__affects(VIGIL_VS_GENERIC, version, &a, NULL, 0);
	free(buf);
	return 0;
}
