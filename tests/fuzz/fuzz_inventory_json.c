/* Fuzzes the inventory JSON loader behind `vigil scan --rematch` (the file is untrusted:
 * serve stores and reloads inventories), then walks the loaded packages. The loader reads
 * a file, so the input goes through a memfd. */
#include <stdio.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_ctx *ctx = NULL;
	vigil_scan_result *r = NULL;
	char path[64];
	int fd = memfd_create("inventory", 0);
	if (fd < 0 || vigil_ctx_new(&ctx) < 0)
		goto done;
	if (write(fd, data, size) != (ssize_t)size)
		goto done;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (vigil_scan_result_load_inventory(&r, ctx, path, NULL) == 0) {
		const vigil_inventory *inv = vigil_scan_result_inventory(r);
		size_t n = 0;
		for (size_t i = 0; i < vigil_inventory_count(inv); i++)
			n += strlen(vigil_inventory_pkg(inv, i)->name);
		const vigil_distro *d = vigil_inventory_distro(inv);
		n += d->id ? strlen(d->id) : 0;
		if (n == (size_t)-1 || vigil_scan_result_count(r) != 0)
			abort();
	}
done:
	vigil_scan_result_free(r);
	vigil_ctx_free(ctx);
	if (fd >= 0)
		close(fd);
	return 0;
}
