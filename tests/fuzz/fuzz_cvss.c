/* Fuzzes the CVSS v3.x and v4.0 vector parsers and scorers (the input as one vector). */
#include <stdlib.h>
#include <string.h>

#include "vulndb/lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	double v = vigil_cvss_base_score(s);
	if (v > 10.0 || (v < 0 && v != -1))
		abort(); /* a score is 0.0-10.0, or -1 */
	vigil_cvss3_base_score(s);
	vigil_cvss4_base_score(s);
	free(s);
	return 0;
}
