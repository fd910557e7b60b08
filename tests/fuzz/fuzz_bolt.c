/* Fuzzes the read-only bbolt reader of `vigil watch` (containerd's meta.db, bolt.c): any
 * file gives a value (a NUL-free string that fits), "absent" or an error, in bounded time
 * and memory. The lookups are the ones containers.c makes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *data, size_t size, const char *const *path, size_t depth,
		const char *key)
{
	char out[256];
	int r;
	memset(out, 'x', sizeof(out));
	r = vigil_rt__bolt_get_buf(data, size, path, depth, key, out, sizeof(out));
	if (r < -1 || r > 1)
		abort();
	if (r == 0 && strnlen(out, sizeof(out)) == sizeof(out))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const c1[] = {"v1", "default", "containers", "c1"};
	static const char *const i1[] = {"v1", "default", "images",
					 "docker.io/vigil/alpine320:test", "target"};
	static const char *const v1[] = {"v1"};
	one(data, size, c1, 4, "image");
	one(data, size, i1, 5, "digest");
	one(data, size, v1, 1, "version");
	one(data, size, NULL, 0, "v1");
	return 0;
}
