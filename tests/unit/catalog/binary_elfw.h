/* A tiny ELF writer for the binary catalogers' tests and fuzzers: 32- or 64-bit, either
 * byte order, one PT_LOAD segment mapping the whole file at ELFW_BASE, and the given
 * sections (16-byte aligned, the first at ELFW_FIRST(is64)). Not for untrusted use. */
#ifndef VIGIL_TEST_BINARY_ELFW_H
#define VIGIL_TEST_BINARY_ELFW_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ELFW_BASE 0x400000u
#define ELFW_FIRST(is64) ((is64) ? 128u : 96u) /* file offset of the first section */

typedef struct elfw_sec {
	const char *name;
	const void *data;
	size_t len;
} elfw_sec;

static inline void elfw_put(uint8_t *p, uint64_t v, int n, int be)
{
	for (int i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

/* Builds the file into a malloc'd buffer (*out, *outlen). 0, or -1 out of memory. */
static inline int elfw_build(uint8_t **out, size_t *outlen, int is64, int be, const elfw_sec *secs,
			     size_t nsec)
{
	size_t ehs = is64 ? 64 : 52, phs = is64 ? 56 : 32, shs = is64 ? 64 : 40;
	size_t off = ELFW_FIRST(is64), strsz = 1, total;
	size_t secoff[16];
	if (nsec > 14)
		return -1;
	for (size_t i = 0; i < nsec; i++) {
		secoff[i] = off;
		off = (off + secs[i].len + 15) & ~(size_t)15;
		strsz += strlen(secs[i].name) + 1;
	}
	strsz += sizeof(".shstrtab");
	size_t stroff = off, shoff = (stroff + strsz + 15) & ~(size_t)15;
	total = shoff + shs * (nsec + 2);
	uint8_t *p = calloc(1, total);
	if (!p)
		return -1;
	memcpy(p, "\177ELF", 4);
	p[4] = is64 ? 2 : 1;
	p[5] = be ? 2 : 1;
	p[6] = 1;
	elfw_put(p + 16, 2, 2, be);  /* ET_EXEC */
	elfw_put(p + 18, 62, 2, be); /* machine: any */
	elfw_put(p + 20, 1, 4, be);
	if (is64) {
		elfw_put(p + 32, ehs, 8, be);
		elfw_put(p + 40, shoff, 8, be);
		elfw_put(p + 52, ehs, 2, be);
		elfw_put(p + 54, phs, 2, be);
		elfw_put(p + 56, 1, 2, be);
		elfw_put(p + 58, shs, 2, be);
		elfw_put(p + 60, nsec + 2, 2, be);
		elfw_put(p + 62, nsec + 1, 2, be);
		uint8_t *ph = p + ehs;
		elfw_put(ph, 1, 4, be);
		elfw_put(ph + 4, 5, 4, be);
		elfw_put(ph + 16, ELFW_BASE, 8, be);
		elfw_put(ph + 24, ELFW_BASE, 8, be);
		elfw_put(ph + 32, total, 8, be);
		elfw_put(ph + 40, total, 8, be);
	} else {
		elfw_put(p + 28, ehs, 4, be);
		elfw_put(p + 32, shoff, 4, be);
		elfw_put(p + 40, ehs, 2, be);
		elfw_put(p + 42, phs, 2, be);
		elfw_put(p + 44, 1, 2, be);
		elfw_put(p + 46, shs, 2, be);
		elfw_put(p + 48, nsec + 2, 2, be);
		elfw_put(p + 50, nsec + 1, 2, be);
		uint8_t *ph = p + ehs;
		elfw_put(ph, 1, 4, be);
		elfw_put(ph + 8, ELFW_BASE, 4, be);
		elfw_put(ph + 12, ELFW_BASE, 4, be);
		elfw_put(ph + 16, total, 4, be);
		elfw_put(ph + 20, total, 4, be);
	}
	size_t name = 1;
	for (size_t i = 0; i <= nsec; i++) {
		const char *nm = i < nsec ? secs[i].name : ".shstrtab";
		size_t nl = strlen(nm);
		uint8_t *sh = p + shoff + shs * (i + 1);
		size_t so = i < nsec ? secoff[i] : stroff, sl = i < nsec ? secs[i].len : strsz;
		memcpy(p + stroff + name, nm, nl + 1);
		if (i < nsec && secs[i].len)
			memcpy(p + so, secs[i].data, sl);
		elfw_put(sh, name, 4, be);
		elfw_put(sh + 4, i < nsec ? 1 : 3, 4, be); /* PROGBITS, STRTAB */
		if (is64) {
			elfw_put(sh + 16, i < nsec ? ELFW_BASE + so : 0, 8, be);
			elfw_put(sh + 24, so, 8, be);
			elfw_put(sh + 32, sl, 8, be);
		} else {
			elfw_put(sh + 12, i < nsec ? ELFW_BASE + so : 0, 4, be);
			elfw_put(sh + 16, so, 4, be);
			elfw_put(sh + 20, sl, 4, be);
		}
		name += nl + 1;
	}
	*out = p;
	*outlen = total;
	return 0;
}

#endif
