/* Fuzzes the text parsers of the Java cataloger: the input is a pom.properties or a
 * MANIFEST.MF (chosen by the first byte), parsed directly and inside a jar built in
 * memory, through the cataloger's parse hook. */
#include <stdint.h>
#include <string.h>

#include "../unit/catalog/java_zipw.h"
#include "catalog/catalog.h"
#include "catalog/java_meta.h"

static int kv(int section, const char *k, size_t kl, const char *v, size_t vl, void *payload)
{
	size_t *total = payload;
	/* touch every byte the parser hands out */
	for (size_t i = 0; i < kl; i++)
		*total += (unsigned char)k[i];
	for (size_t i = 0; i < vl; i++)
		*total += (unsigned char)v[i];
	*total += (size_t)section + (k[kl] == 0) + (v[vl] == 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total = 0;
	zipw z;
	if (size < 1)
		return 0;
	int manifest = data[0] & 1;
	data++, size--;
	if (manifest)
		vigil_java__manifest(data, size, kv, &total);
	else
		vigil_java__properties(data, size, kv, &total);
	memset(&z, 0, sizeof(z));
	zipw_add(&z, manifest ? "META-INF/MANIFEST.MF" : "META-INF/maven/g.id/art/pom.properties",
		 data, size, size > 64);
	zipw_finish(&z);
	if (!z.oom)
		vigil_catalog__parse_buffer(&vigil_cataloger_java, "/app/art-1.0.jar", z.buf, z.len,
					    NULL, NULL, NULL);
	zipw_free(&z);
	return 0;
}
