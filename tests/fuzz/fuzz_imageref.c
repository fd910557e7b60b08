/*
 * Fuzzes the image reference parser: any input either fails cleanly or parses to a
 * reference whose canonical form parses again to the same reference (round trip).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), canon[8192];
	vigil_ref *r = NULL, *r2 = NULL;
	const char *why;
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (vigil_ref_parse(&r, s, &why) == 0) {
		vigil_ref_format(r, canon, sizeof(canon));
		if (vigil_ref_parse(&r2, canon, &why) != 0 || !same(r->host, r2->host) ||
		    !same(r->repo, r2->repo) || !same(r->tag, r2->tag) ||
		    !same(r->digest, r2->digest)) {
			fprintf(stderr, "round trip failed: '%s' -> '%s'\n", s, canon);
			abort();
		}
	} else if (!why) {
		abort(); /* a refusal always says why */
	}
	/* the same text as a mirror rule: checked, and applied to a reference of its host */
	if (vigil_registry_mirror_check(s, &why) == 0) {
		vigil_ref *hub = NULL, *m = NULL;
		if (vigil_ref_parse(&hub, "alpine:1", &why) == 0 &&
		    vigil_reg__mirror_ref(&m, s, hub) == 1 && (!m->host || !m->repo || !m->tag))
			abort();
		vigil_ref_free(m);
		vigil_ref_free(hub);
	} else if (!why) {
		abort();
	}
	vigil_ref_free(r);
	vigil_ref_free(r2);
	free(s);
	return 0;
}
