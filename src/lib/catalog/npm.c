/* Stub: to be written. */
#include "catalog.h"

static int want_none(const vigil_file *f, const uint8_t *head, size_t len)
{
	(void)f, (void)head, (void)len;
	return VIGIL_WANT_NO;
}

const vigil_cataloger vigil_cataloger_npm = {"npm", 0, want_none, NULL, 0};
