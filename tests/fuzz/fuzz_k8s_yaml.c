/* Fuzzes the YAML loader and every Kubernetes check. */
#include <stdlib.h>

#include "config/yamlload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const regs[] = {"registry.example.com", NULL};
	vigil_config_opts opts = VIGIL_CONFIG_OPTS_INIT;
	vigil_config_result *r = NULL;
	vigil_ystream *y = NULL;
	vigil_ctx *ctx;
	if (vigil_ctx_new(&ctx) < 0)
		return 0;
	static const char *const settings[] = {"VGL-K8S-037", "min_uid", "5000", "VGL-K8S-046",
					       "min_port",    "80",	 NULL};
	opts.allowed_registries = regs;
	opts.k8s_version = "1.26";
	opts.settings = settings;
	vigil_yaml__load(&y, ctx, (const char *)data, size);
	vigil_yaml__free(y);
	if (vigil_config_scan_buffer(&r, ctx, "kubernetes", "m.yaml", (const char *)data, size,
				     &opts) == 0)
		vigil_config_result_free(r);
	vigil_ctx_free(ctx);
	return 0;
}
