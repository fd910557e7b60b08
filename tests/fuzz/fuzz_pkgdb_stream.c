/*
 * Fuzzes the streamed package databases (dpkg status, apk installed: records cut at blank
 * lines with line and record caps) and the late read of a database behind a symlink. The
 * first input byte picks the layout, the rest is the database content:
 *   even: /var/lib/dpkg/status and /lib/apk/db/installed hold it
 *   odd:  /var/lib/dpkg -> /opt/db and /lib/apk -> ../opt/apk, the content behind them
 * The harness writes the layer tar itself.
 */
#include <stdlib.h>
#include <string.h>

#include "image/image.h"

static void tar_add(vigil_buf *b, const char *name, char type, const char *link,
		    const uint8_t *data, size_t n)
{
	uint8_t h[512];
	unsigned sum = 0;
	static const uint8_t zero[512];
	memset(h, 0, sizeof(h));
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)n);
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = (uint8_t)type;
	if (link)
		snprintf((char *)h + 157, 100, "%s", link);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	vigil_buf_put(b, h, 512);
	if (n) {
		vigil_buf_put(b, data, n);
		vigil_buf_put(b, zero, (512 - n % 512) % 512);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_ctx *ctx;
	vigil_image *img;
	vigil_inventory *inv;
	vigil_limits lim = VIGIL_LIMITS_INIT;
	vigil_buf t = VIGIL_BUF_INIT;
	vigil_member m;
	static const uint8_t zero[1024];
	if (size < 1)
		return 0;
	int linked = data[0] & 1;
	data++, size--;
	tar_add(&t, "var/", '5', NULL, NULL, 0);
	tar_add(&t, "var/lib/", '5', NULL, NULL, 0);
	tar_add(&t, "lib/", '5', NULL, NULL, 0);
	if (linked) {
		tar_add(&t, "var/lib/dpkg", '2', "/opt/db", NULL, 0);
		tar_add(&t, "lib/apk", '2', "../opt/apk", NULL, 0);
		tar_add(&t, "opt/", '5', NULL, NULL, 0);
		tar_add(&t, "opt/db/", '5', NULL, NULL, 0);
		tar_add(&t, "opt/db/status", '0', NULL, data, size);
		tar_add(&t, "opt/apk/", '5', NULL, NULL, 0);
		tar_add(&t, "opt/apk/db/", '5', NULL, NULL, 0);
		tar_add(&t, "opt/apk/db/installed", '0', NULL, data, size);
	} else {
		tar_add(&t, "var/lib/dpkg/", '5', NULL, NULL, 0);
		tar_add(&t, "var/lib/dpkg/status", '0', NULL, data, size);
		tar_add(&t, "lib/apk/", '5', NULL, NULL, 0);
		tar_add(&t, "lib/apk/db/", '5', NULL, NULL, 0);
		tar_add(&t, "lib/apk/db/installed", '0', NULL, data, size);
	}
	vigil_buf_put(&t, zero, sizeof(zero));
	if (vigil_ctx_new(&ctx) < 0)
		goto done;
	lim.max_file_size = 4096; /* the streamed databases pass it; others would not */
	vigil_ctx_set_limits(ctx, &lim);
	vigil_ctx_set_threads(ctx, 1);
	memset(&m, 0, sizeof(m));
	m.name = "l0";
	m.data = t.data;
	m.size = t.len;
	if (vigil_image__open_mem(&img, ctx, "layers", &m, 1, NULL) == 0) {
		if (vigil_inventory_new(&inv, img, NULL) == 0) {
			if (vigil_image_read(img) == 0)
				vigil_inventory_finish(inv);
			vigil_inventory_free(inv);
		}
		vigil_image_free(img);
	}
	vigil_ctx_free(ctx);
done:
	vigil_buf_free(&t);
	return 0;
}
