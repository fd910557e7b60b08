/* Fuzzes the detection pass with the built-in rules: every rule's confirmation and
 * checks (checksums, macaroons, JWT and Sentry payloads) and the Kubernetes Secret
 * manifest reader (data: values decoded and scanned again), on the input as a file fed
 * in uneven chunks, the same after comment lines that put its start a little before the
 * end of the scanner's 256 KiB buffer (so a Secret's data: block goes on past it and is
 * copied as the stream goes), and as a config string. */
#include <string.h>

#include "secret/secret_int.h"

static int on_hit(const vigil_secret__hit *h, void *payload)
{
	char red[48], hash[17];
	(void)payload;
	vigil_secret__redact(red, sizeof(red), h->secret, h->secret_len);
	vigil_secret__hash16(hash, h->secret, h->secret_len);
	return 0;
}

static vigil_ctx *ctx;
static vigil_secret_rules *rules;

__attribute__((destructor)) static void done(void)
{
	vigil_secret_rules_free(rules);
	vigil_ctx_free(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_secret__worker *w = NULL;
	size_t chunk = size > 0 ? (size_t)data[0] * 7 + 1 : 1;
	if (!rules) {
		vigil_secret_opts o = VIGIL_SECRET_OPTS_INIT;
		o.enable_generic = 1;
		o.cache_dir = "";
		if ((!ctx && vigil_ctx_new(&ctx) < 0) ||
		    vigil_secret_rules_load(&rules, ctx, &o) < 0)
			return 0;
	}
	if (vigil_secret__worker_new(&w, rules) < 0)
		return 0;
	vigil_secret__worker_begin(w, "/fuzz/deploy/secret.yaml", 0, on_hit, NULL);
	for (size_t off = 0; off < size; off += chunk)
		vigil_secret__worker_feed(w, data + off, size - off < chunk ? size - off : chunk);
	vigil_secret__worker_end(w);
	{
		static uint8_t pad[VIGIL_SECRET_BLOCK];
		size_t n = VIGIL_SECRET_BLOCK - 2400 - (size > 1 ? (size_t)data[1] * 8 : 0);
		if (!pad[0])
			for (size_t i = 0; i < sizeof(pad); i++)
				pad[i] = i % 64 == 63 ? '\n' : i % 64 == 0 ? '#' : 'x';
		pad[n - 1] = '\n';
		vigil_secret__worker_begin(w, "/fuzz/deploy/secret.yaml", 0, on_hit, NULL);
		vigil_secret__worker_feed(w, pad, n);
		pad[n - 1] = (n - 1) % 64 == 63 ? '\n' : (n - 1) % 64 == 0 ? '#' : 'x';
		for (size_t off = 0; off < size; off += chunk)
			vigil_secret__worker_feed(w, data + off,
						  size - off < chunk ? size - off : chunk);
		vigil_secret__worker_end(w);
	}
	vigil_secret__worker_begin(w, NULL, 1, on_hit, NULL);
	vigil_secret__worker_feed(w, data, size < 4096 ? size : 4096);
	vigil_secret__worker_end(w);
	vigil_secret__worker_free(w);
	return 0;
}
