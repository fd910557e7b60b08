/*
 * Fuzzes version comparison and constraint matching. Input: one byte choosing the
 * scheme (low nibble) and whether the rest is "version\nconstraint" (bit 4) or two
 * versions "a\nb". Checks reflexivity (compare(a, a) == 0) and antisymmetry
 * (compare(a, b) == -compare(b, a)); any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *b;
	vigil_vscheme scheme;
	int satisfies, ab, ba, aa, ok;

	if (size < 1 || size > 65536)
		return 0;
	scheme = (vigil_vscheme)((data[0] & 0x0f) % (VIGIL_VS_NUGET + 1));
	satisfies = (data[0] & 0x10) != 0;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	b = strchr(buf, '\n');
	if (b)
		*b++ = '\0';
	else
		b = buf + strlen(buf);
	if (satisfies) {
		vigil_version_satisfies(&ok, scheme, buf, b);
		if (ok != 0 && ok != 1)
			abort();
	} else {
		vigil_version_compare(&aa, scheme, buf, buf);
		vigil_version_compare(&ab, scheme, buf, b);
		vigil_version_compare(&ba, scheme, b, buf);
		if (aa != 0 || ab != -ba)
			abort();
	}
	free(buf);
	return 0;
}
