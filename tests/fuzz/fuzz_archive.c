/* Fuzzes a whole image archive file (docker-archive or oci-archive, plain or
 * compressed): the outer tar reader, format detection, manifests, config, layers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_ctx *ctx;
	vigil_image *img;
	vigil_limits lim = VIGIL_LIMITS_INIT;
	char path[64];
	int fd = memfd_create("fuzz-archive", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size || vigil_ctx_new(&ctx) < 0) {
		close(fd);
		return 0;
	}
	lim.max_bytes = 64 << 20;
	lim.max_files = 20000;
	lim.max_json_size = 1 << 20;
	vigil_ctx_set_limits(ctx, &lim);
	vigil_ctx_set_threads(ctx, 2);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (vigil_image_open(&img, ctx, path, NULL) == 0) {
		vigil_image_read(img);
		vigil_image_free(img);
	}
	vigil_ctx_free(ctx);
	close(fd);
	return 0;
}
