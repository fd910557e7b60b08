/* dockerfile.c - Dockerfile and Kubernetes checks (to be written). */
#include "config/config.h"

const vigil_check_info vigil_config__checks_dockerfile[] = {{NULL}};
const vigil_check_info vigil_config__checks_k8s[] = {{NULL}};

int vigil_config_scan_path(vigil_config_result **out, vigil_ctx *ctx, const char *path,
			   const vigil_config_opts *opts)
{
	(void)path;
	(void)opts;
	*out = NULL;
	return vigil_error_set(ctx, VIGIL_EINVAL, "configuration checks are not built yet");
}

int vigil_config_scan_buffer(vigil_config_result **out, vigil_ctx *ctx, const char *kind,
			     const char *name, const char *buf, size_t len,
			     const vigil_config_opts *opts)
{
	(void)kind;
	(void)name;
	(void)buf;
	(void)len;
	(void)opts;
	*out = NULL;
	return vigil_error_set(ctx, VIGIL_EINVAL, "configuration checks are not built yet");
}
