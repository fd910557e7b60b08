/* Fuzzes the Distribution notification envelope parser of `vigil serve`. */
#include <stdint.h>
#include <string.h>

#include "vigil.h"
#include "vigil/serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_push(const vigil_serve_push *p, void *payload)
{
	size_t *n = payload;
	/* everything reported must be usable as-is */
	*n += strlen(p->host) + strlen(p->repository) + strlen(p->digest) +
	      (p->tag ? strlen(p->tag) : 0) + strlen(p->media_type);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;
	vigil_serve_parse_envelope((const char *)data, size, on_push, &n);
	return 0;
}
