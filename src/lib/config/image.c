/* image.c - CIS checks of an image's config, history and filesystem (to be written). */
#include "config/config.h"

const vigil_check_info vigil_config__checks_image[] = {{NULL}};
const vigil_check_info vigil_config__checks_host[] = {{NULL}};

int vigil_config_image_new(vigil_config_image **out, vigil_image *img,
			   const vigil_config_opts *opts)
{
	(void)img;
	(void)opts;
	*out = NULL;
	return VIGIL_EINVAL;
}

int vigil_config_image_finish(vigil_config_result **out, vigil_config_image *ci,
			      const vigil_distro *distro)
{
	(void)ci;
	(void)distro;
	*out = NULL;
	return VIGIL_EINVAL;
}

void vigil_config_image_free(vigil_config_image *ci)
{
	(void)ci;
}

int vigil_config_audit_host(vigil_config_result **out, vigil_ctx *ctx, const char *root,
			    const char *docker_inspect, const vigil_config_opts *opts)
{
	(void)root;
	(void)docker_inspect;
	(void)opts;
	*out = NULL;
	return vigil_error_set(ctx, VIGIL_EINVAL, "host audit is not built yet");
}
