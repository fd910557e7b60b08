/*
 * Fuzzes Maven inheritance (src/lib/catalog/lock_jvm.c, the finish pass): the input is up
 * to six POMs separated by "\n--8<--\n", placed at fixed paths of one filesystem (a
 * project, its modules and the local repository) so that <relativePath>, coordinates
 * and BOM imports can point at each other. Every package reported must have a type, a
 * name, a version and a location, and only known flags.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/lock.h"

static int check(const vigil_pkg *p, void *payload)
{
	(void)payload;
	if (!p->type || strcmp(p->type, "maven") || !p->name || !*p->name || !p->version ||
	    !*p->version || !p->location)
		abort();
	if (p->flags & ~(unsigned)(VIGIL_PKG_DIRECT | VIGIL_PKG_DEV | VIGIL_PKG_OPTIONAL))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"/app/pom.xml",		"/app/mod/pom.xml",
		"/app/mod/sub/pom.xml", "/root/.m2/repository/com/example/bom/1.0/bom-1.0.pom",
		"/app/other/pom.xml",	"/root/.m2/repository/com/example/parent/2/parent-2.pom",
	};
	static const char sep[] = "\n--8<--\n";
	const uint8_t *docs[6];
	size_t lens[6], n = 0;
	const uint8_t *p = data, *end = data + size;
	while (n < 6) {
		const uint8_t *s =
			n < 5 ? memmem(p, (size_t)(end - p), sep, sizeof(sep) - 1) : NULL;
		docs[n] = p;
		lens[n] = s ? (size_t)(s - p) : (size_t)(end - p);
		n++;
		if (!s)
			break;
		p = s + sizeof(sep) - 1;
	}
	vigil_catalog__finish_buffers(&vigil_cataloger_lock_jvm, paths, docs, lens, n, check, NULL);
	return 0;
}
