/* Fuzzes the Dockerfile parser and every Dockerfile check. */
#include <stdlib.h>

#include "config/dfparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const regs[] = {"registry.example.com", NULL};
	vigil_config_opts opts = VIGIL_CONFIG_OPTS_INIT;
	vigil_config_result *r = NULL;
	vigil_ctx *ctx;
	vigil_df *df = NULL;
	if (vigil_ctx_new(&ctx) < 0)
		return 0;
	static const char *const settings[] = {"VGL-DF-050", "required", "a.b,org.x", NULL};
	opts.allowed_registries = regs;
	opts.settings = settings;
	if (vigil_df__parse(&df, ctx, (const char *)data, size) == 0)
		vigil_df__free(df);
	if (vigil_config_scan_buffer(&r, ctx, "dockerfile", "Dockerfile", (const char *)data, size,
				     &opts) == 0)
		vigil_config_result_free(r);
	vigil_ctx_free(ctx);
	return 0;
}
