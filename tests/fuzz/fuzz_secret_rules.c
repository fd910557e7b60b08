/* Fuzzes the secret rule loader (custom rules YAML, regex validation in both engines)
 * and, when the rules load, runs them over the input itself. */
#include "secret/secret_int.h"

static int on_hit(const vigil_secret__hit *h, void *payload)
{
	char red[48], hash[17];
	(void)payload;
	vigil_secret__redact(red, sizeof(red), h->secret, h->secret_len);
	vigil_secret__hash16(hash, h->secret, h->secret_len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_ctx *ctx = NULL;
	vigil_secret_rules *rules = NULL;
	vigil_secret__worker *w = NULL;
	vigil_secret_opts o = VIGIL_SECRET_OPTS_INIT;
	o.replace_builtin = 1;
	o.cache_dir = "";
	if (vigil_ctx_new(&ctx) < 0)
		return 0;
	if (vigil_secret__rules_load_buffer(&rules, ctx, &o, data, size) == 0 &&
	    vigil_secret__worker_new(&w, rules) == 0) {
		vigil_secret__worker_begin(w, "/fuzz/input.conf", 0, on_hit, NULL);
		vigil_secret__worker_feed(w, data, size);
		vigil_secret__worker_end(w);
		vigil_secret__worker_begin(w, NULL, 1, on_hit, NULL);
		vigil_secret__worker_feed(w, data, size < 4096 ? size : 4096);
		vigil_secret__worker_end(w);
	}
	vigil_secret__worker_free(w);
	vigil_secret_rules_free(rules);
	vigil_ctx_free(ctx);
	return 0;
}
