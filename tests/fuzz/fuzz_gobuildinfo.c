/* Fuzzes the Go and Rust binary catalogers. The first byte chooses how the rest is
 * used: 0 the whole ELF file; 1 the .go.buildinfo section of a 64-bit little-endian
 * ELF; 2 the same in a 32-bit big-endian ELF (pointer format reaches other sections);
 * 3 the JSON of a .dep-v0 section (compressed here); 4 the raw .dep-v0 section. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../unit/catalog/binary_elfw.h"
#include "catalog/catalog.h"

static void run(const uint8_t *p, size_t n)
{
	vigil_catalog__parse_buffer(&vigil_cataloger_gobin, "/usr/bin/app", p, n, NULL, NULL, NULL);
	vigil_catalog__parse_buffer(&vigil_cataloger_rustbin, "/usr/bin/app", p, n, NULL, NULL,
				    NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *elf = NULL, *c = NULL;
	size_t n;
	if (size < 1)
		return 0;
	int mode = data[0] % 5;
	data++, size--;
	if (mode == 0) {
		run(data, size);
		return 0;
	}
	if (mode == 1 || mode == 2) {
		elfw_sec s[] = {{".text", "\xc3", 1}, {".go.buildinfo", data, size}};
		if (elfw_build(&elf, &n, mode == 1, mode == 2, s, 2) == 0)
			run(elf, n);
		free(elf);
		return 0;
	}
	uLongf cl = compressBound((uLong)size);
	const uint8_t *sec = data;
	size_t sl = size;
	if (mode == 3) {
		if (!(c = malloc(cl)) || compress(c, &cl, data, (uLong)size) != Z_OK) {
			free(c);
			return 0;
		}
		sec = c;
		sl = cl;
	}
	elfw_sec s[] = {{".dep-v0", sec, sl}};
	if (elfw_build(&elf, &n, 1, 0, s, 1) == 0)
		run(elf, n);
	free(elf);
	free(c);
	return 0;
}
