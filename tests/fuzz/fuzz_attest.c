/*
 * Fuzzes attestation checking (vigil_trust_verify_attestations): the input is the DSSE
 * envelope blob of the one layer of a `sha256-<hex>.att` manifest made here with the
 * input's digest, so every input reaches the envelope parser, the base64 decoder, DSSE's
 * pre-authentication encoding and the key check. The same input is also served as the
 * referrers index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust_fuzz.h"

static int m_manifest(unsigned char **out, size_t *out_len, const char *ref, size_t max,
		      void *payload)
{
	mem *m = payload;
	*out = NULL;
	if (!ref)
		return give(out, out_len, IMAGE, strlen(IMAGE), max);
	if (strncmp(ref, "sha256-", 7) == 0 && strstr(ref, ".att"))
		return give(out, out_len, m->manifest, strlen(m->manifest), max);
	return VIGIL_ENOTFOUND;
}

static int m_blob(unsigned char **out, size_t *out_len, const char *digest, size_t max,
		  void *payload)
{
	mem *m = payload;
	(void)digest;
	return give(out, out_len, m->data, m->size, max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_ctx *ctx = NULL;
	vigil_trust_key *key = NULL;
	vigil_trust_result *r = NULL;
	char dig[72];
	mem m = {data, size, ""};
	vigil_trust_source src = {m_manifest, m_blob, m_referrers, NULL, &m, "fuzz"};

	if (vigil_ctx_new(&ctx) < 0)
		return 0;
	if (vigil_sha256_buf(dig, data, size) == 0)
		snprintf(m.manifest, sizeof(m.manifest),
			 "{\"schemaVersion\":2,\"config\":{},\"layers\":[{\"mediaType\":"
			 "\"application/vnd.dsse.envelope.v1+json\",\"digest\":\"%s\","
			 "\"size\":%zu}]}",
			 dig, size);
	if (vigil_trust_key_parse(&key, ctx, KEY, strlen(KEY)) == 0 &&
	    vigil_trust_verify_attestations(&r, ctx, &src, NULL, key) == 0) {
		for (size_t i = 0; i < vigil_trust_result_count(r); i++) {
			const vigil_trust_sig *s = vigil_trust_result_get(r, i);
			if (!s->reason || (s->valid && !s->predicate_type))
				abort(); /* the fixed key signed nothing here */
		}
		(void)vigil_trust_result_notes(r);
	}
	vigil_trust_result_free(r);
	vigil_trust_key_free(key);
	vigil_ctx_free(ctx);
	return 0;
}
