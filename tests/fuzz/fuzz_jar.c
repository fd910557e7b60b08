/* Fuzzes the Java cataloger on whole archives. First byte even: the input is the jar.
 * Odd: the input is a list of entries "name\0content\0..." written into a fresh zip
 * (valid CRCs, so entry contents reach the parsers; contents may be zips themselves,
 * which exercises nesting). */
#include <stdint.h>
#include <string.h>

#include "../unit/catalog/java_zipw.h"
#include "catalog/catalog.h"

static int count(const vigil_pkg *p, void *payload)
{
	size_t *n = payload;
	*n += strlen(p->name) + strlen(p->version) + strlen(p->location);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;
	if (size < 1)
		return 0;
	int build = data[0] & 1;
	data++, size--;
	if (!build) {
		vigil_catalog__parse_buffer(&vigil_cataloger_java, "/srv/app.war", data, size,
					    count, &n, NULL);
		return 0;
	}
	zipw z;
	memset(&z, 0, sizeof(z));
	const uint8_t *p = data, *end = data + size;
	for (int k = 0; k < 64 && p < end; k++) {
		const uint8_t *nul = memchr(p, 0, (size_t)(end - p));
		if (!nul)
			break;
		char name[256];
		size_t nl =
			(size_t)(nul - p) < sizeof(name) - 1 ? (size_t)(nul - p) : sizeof(name) - 1;
		memcpy(name, p, nl);
		name[nl] = '\0';
		p = nul + 1;
		const uint8_t *cend = memchr(p, 0, (size_t)(end - p));
		/* a nested zip's content runs to the end of the input */
		if (nl > 4 && memcmp(name + nl - 4, ".jar", 4) == 0)
			cend = NULL;
		if (!cend)
			cend = end;
		zipw_add(&z, name, p, (size_t)(cend - p), k & 1);
		p = cend < end ? cend + 1 : end;
	}
	zipw_finish(&z);
	if (!z.oom)
		vigil_catalog__parse_buffer(&vigil_cataloger_java, "/srv/app.war", z.buf, z.len,
					    count, &n, NULL);
	zipw_free(&z);
	return 0;
}
