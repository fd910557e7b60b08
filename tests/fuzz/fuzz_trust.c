/*
 * Fuzzes the trust parsers with the same bytes: the simple-signing payload, PEM public
 * keys, base64, image references, and the verifier itself through an in-memory source
 * that serves the input as the signature manifest (tag scheme) and as the referrers
 * index, with a fixed image manifest and payload blob.
 */
#include <stdlib.h>
#include <string.h>

#include "trust_fuzz.h"

static const char PAYLOAD[] = "{\"critical\":{\"identity\":{\"docker-reference\":\"r/x\"},"
			      "\"image\":{\"docker-manifest-digest\":\"sha256:"
			      "0000000000000000000000000000000000000000000000000000000000000000\"},"
			      "\"type\":\"cosign container image signature\"},\"optional\":null}";

static int m_manifest(unsigned char **out, size_t *out_len, const char *ref, size_t max,
		      void *payload)
{
	mem *m = payload;
	*out = NULL;
	if (!ref)
		return give(out, out_len, IMAGE, strlen(IMAGE), max);
	if (strncmp(ref, "sha256-", 7) == 0)
		return give(out, out_len, m->data, m->size, max);
	return VIGIL_ENOTFOUND;
}

static int m_blob(unsigned char **out, size_t *out_len, const char *digest, size_t max,
		  void *payload)
{
	(void)digest;
	(void)payload;
	return give(out, out_len, PAYLOAD, strlen(PAYLOAD), max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_ctx *ctx = NULL;
	vigil_trust_payload p;
	vigil_trust_key *k = NULL, *fixed = NULL;
	vigil_trust_result *r = NULL;
	unsigned char *dec = NULL;
	size_t dlen;
	char *s, reg[256], repo[512];
	int dig;
	mem m = {data, size, ""};
	vigil_trust_source src = {m_manifest, m_blob, m_referrers, NULL, &m, "fuzz"};

	if (vigil_ctx_new(&ctx) < 0)
		return 0;
	vigil_trust_payload_parse(&p, ctx, data, size);
	if (vigil_trust_key_parse(&k, ctx, (const char *)data, size) == 0)
		vigil_trust_key_verify(k, data, size, data, size);
	vigil_trust_key_free(k);
	if (vigil_trust__b64decode(&dec, &dlen, (const char *)data, size) == 0)
		free(dec);
	if ((s = malloc(size + 1))) {
		memcpy(s, data, size);
		s[size] = '\0';
		vigil_trust_parse_reference(reg, sizeof(reg), repo, sizeof(repo), &dig, s);
		free(s);
	}
	if (vigil_trust_key_parse(&fixed, ctx, KEY, strlen(KEY)) == 0 &&
	    vigil_trust_verify(&r, ctx, &src, NULL, fixed) == 0) {
		for (size_t i = 0; i < vigil_trust_result_count(r); i++)
			(void)vigil_trust_result_get(r, i)->reason;
		(void)vigil_trust_result_notes(r);
	}
	vigil_trust_result_free(r);
	vigil_trust_key_free(fixed);
	vigil_ctx_free(ctx);
	return 0;
}
