/* Shared by the trust fuzzers (fuzz_trust, fuzz_attest): a fixed image manifest and
 * public key, and an in-memory signature source whose answers are copied out with the
 * verifier's size limit applied. */
#ifndef VIGIL_TRUST_FUZZ_H
#define VIGIL_TRUST_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trust/trust.h"

static const char IMAGE[] = "{\"schemaVersion\":2,\"mediaType\":\"application/"
			    "vnd.oci.image.manifest.v1+json\",\"config\":{},\"layers\":[]}";
static const char KEY[] = "-----BEGIN PUBLIC KEY-----\n"
			  "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEdaEenzQBVUia2GFD5V7Nhp9zdqGQ\n"
			  "19GR0aTvRUHg00qNeXi3zKyweRg+v8YxOuaLjRM9gH8ZkzT1hMIGBCxe7w==\n"
			  "-----END PUBLIC KEY-----\n";

/* the fuzzer's input, and a manifest a fuzzer may build around it */
typedef struct mem {
	const uint8_t *data;
	size_t size;
	char manifest[512];
} mem;

static inline int give(unsigned char **out, size_t *out_len, const void *p, size_t n, size_t max)
{
	if (n > max)
		return VIGIL_ELIMIT;
	if (!(*out = malloc(n ? n : 1)))
		return VIGIL_ENOMEM;
	memcpy(*out, p, n);
	*out_len = n;
	return 0;
}

/* the input itself is the referrers index */
static inline int m_referrers(unsigned char **out, size_t *out_len, const char *digest, size_t max,
			      void *payload)
{
	mem *m = payload;
	(void)digest;
	return give(out, out_len, m->data, m->size, max);
}

#endif
