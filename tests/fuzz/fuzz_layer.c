/* Fuzzes one layer: decompression sniffing, libarchive tar parsing, path cleaning,
 * whiteout records and the merge. The input is the layer blob. */
#include <stdlib.h>
#include <string.h>

#include "image/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_ctx *ctx;
	vigil_image *img;
	vigil_limits lim = VIGIL_LIMITS_INIT;
	vigil_open_opts oo = VIGIL_OPEN_OPTS_INIT;
	vigil_member m[2];
	if (vigil_ctx_new(&ctx) < 0)
		return 0;
	lim.max_bytes = 64 << 20;
	lim.max_files = 20000;
	vigil_ctx_set_limits(ctx, &lim);
	vigil_ctx_set_threads(ctx, 1);
	memset(m, 0, sizeof(m));
	/* the same blob twice: the second layer re-applies the first one's records */
	m[0].name = "l0";
	m[0].data = data;
	m[0].size = size;
	oo.all_layers = 1;
	if (vigil_image__open_mem(&img, ctx, "layers", m, 1, &oo) == 0) {
		if (vigil_image_read(img) == 0) {
			const vigil_file *f;
			vigil_image_lookup(&f, img, "/etc/os-release", 1);
		}
		vigil_image_free(img);
	}
	vigil_ctx_free(ctx);
	return 0;
}
