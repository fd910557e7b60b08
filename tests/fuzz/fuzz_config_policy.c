/* Fuzzes the `checks:` policy reader of vigil config (skip, severity, allowed
 * registries, per-check settings). The reader takes a path, so the input goes through
 * a memfd. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_config_opts opts = VIGIL_CONFIG_OPTS_INIT;
	vigil_ctx *ctx = NULL;
	char path[64];
	int fd = memfd_create("config-policy", 0);
	if (fd < 0 || vigil_ctx_new(&ctx) < 0)
		goto done;
	if (write(fd, data, size) != (ssize_t)size)
		goto done;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (vigil_config_policy_load(&opts, ctx, path) == 0) {
		vigil_config__setting(&opts, "VGL-DF-050", "required");
		vigil_config__setting(&opts, "VGL-K8S-037", "min_uid");
		vigil_config_policy_free(&opts);
	}
done:
	vigil_ctx_free(ctx);
	if (fd >= 0)
		close(fd);
	return 0;
}
