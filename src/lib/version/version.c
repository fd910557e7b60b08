/* version.c - version comparison (placeholder: byte order until the comparators land). */
#include <string.h>

#include "internal.h"

vigil_vscheme vigil_version_scheme(const char *type_or_ecosystem)
{
	(void)type_or_ecosystem;
	return VIGIL_VS_GENERIC;
}

int vigil_version_compare(int *out, vigil_vscheme scheme, const char *a, const char *b)
{
	(void)scheme;
	*out = strcmp(a, b);
	return 0;
}

int vigil_version_satisfies(int *out, vigil_vscheme scheme, const char *version,
			    const char *constraint)
{
	(void)scheme;
	(void)version;
	(void)constraint;
	*out = 0;
	return VIGIL_EFORMAT;
}
