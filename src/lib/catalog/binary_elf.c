/*
 * ELF reading for the binary catalogers (see binary_elf.h). 32- and 64-bit, either
 * byte order; nothing is trusted: every table entry is checked to lie in the file.
 */
#include <string.h>

#include "binary_elf.h"
#include "util/util.h"

enum { PT_LOAD_ = 1, SHT_NOBITS_ = 8, SHN_XINDEX_ = 0xffff };

uint64_t vigil_elf__uint(const vigil_elf *e, const uint8_t *p, int size)
{
	uint64_t v = 0;
	for (int i = 0; i < size; i++) {
		int k = e->be ? i : size - 1 - i;
		v = v << 8 | p[k];
	}
	return v;
}

/* Whether [off, off + len) lies inside the file. */
static int in_file(const vigil_elf *e, uint64_t off, uint64_t len)
{
	return off <= e->n && len <= e->n - off;
}

/* Whether a table of `num` entries of `size` bytes at `off` lies inside the file. */
static int table_ok(const vigil_elf *e, uint64_t off, uint64_t num, uint64_t size)
{
	if (num == 0)
		return 1;
	if (size == 0 || num > UINT64_MAX / size)
		return 0;
	return in_file(e, off, num * size);
}

/* Reads field `idx` of a section header: sh_name, sh_type, sh_flags, sh_addr,
 * sh_offset, sh_size, sh_link (the order of the ELF spec). */
static uint64_t sh_field(const vigil_elf *e, const uint8_t *sh, int idx)
{
	static const int off64[] = {0, 4, 8, 16, 24, 32, 40}, sz64[] = {4, 4, 8, 8, 8, 8, 4};
	static const int off32[] = {0, 4, 8, 12, 16, 20, 24}, sz32[] = {4, 4, 4, 4, 4, 4, 4};
	return e->is64 ? vigil_elf__uint(e, sh + off64[idx], sz64[idx])
		       : vigil_elf__uint(e, sh + off32[idx], sz32[idx]);
}

enum { SH_NAME, SH_TYPE, SH_FLAGS, SH_ADDR, SH_OFFSET, SH_SIZE, SH_LINK };

int vigil_elf__open(vigil_elf *e, const uint8_t *p, size_t n)
{
	memset(e, 0, sizeof(*e));
	e->p = p;
	e->n = n;
	if (n < 52 || memcmp(p, "\177ELF", 4) != 0 || (p[4] != 1 && p[4] != 2) ||
	    (p[5] != 1 && p[5] != 2))
		return VIGIL_EFORMAT;
	e->is64 = p[4] == 2;
	e->be = p[5] == 2;
	if (e->is64 && n < 64)
		return VIGIL_EFORMAT;
	uint64_t shstrndx;
	if (e->is64) {
		e->phoff = vigil_elf__uint(e, p + 32, 8);
		e->shoff = vigil_elf__uint(e, p + 40, 8);
		e->phentsize = (uint32_t)vigil_elf__uint(e, p + 54, 2);
		e->phnum = vigil_elf__uint(e, p + 56, 2);
		e->shentsize = (uint32_t)vigil_elf__uint(e, p + 58, 2);
		e->shnum = vigil_elf__uint(e, p + 60, 2);
		shstrndx = vigil_elf__uint(e, p + 62, 2);
	} else {
		e->phoff = vigil_elf__uint(e, p + 28, 4);
		e->shoff = vigil_elf__uint(e, p + 32, 4);
		e->phentsize = (uint32_t)vigil_elf__uint(e, p + 42, 2);
		e->phnum = vigil_elf__uint(e, p + 44, 2);
		e->shentsize = (uint32_t)vigil_elf__uint(e, p + 46, 2);
		e->shnum = vigil_elf__uint(e, p + 48, 2);
		shstrndx = vigil_elf__uint(e, p + 50, 2);
	}
	if (e->phentsize < (e->is64 ? 56u : 32u) || !table_ok(e, e->phoff, e->phnum, e->phentsize))
		e->phnum = 0;
	if (e->shentsize < (e->is64 ? 64u : 40u) || e->shoff == 0 ||
	    !in_file(e, e->shoff, e->shentsize)) {
		e->shnum = 0;
		return 0;
	}
	/* extended numbering: the real counts are in section 0 */
	const uint8_t *sh0 = p + e->shoff;
	if (e->shnum == 0)
		e->shnum = sh_field(e, sh0, SH_SIZE);
	if (shstrndx == SHN_XINDEX_)
		shstrndx = sh_field(e, sh0, SH_LINK);
	if (!table_ok(e, e->shoff, e->shnum, e->shentsize)) {
		e->shnum = 0;
		return 0;
	}
	if (shstrndx < e->shnum) {
		const uint8_t *sh = p + e->shoff + shstrndx * e->shentsize;
		uint64_t off = sh_field(e, sh, SH_OFFSET), size = sh_field(e, sh, SH_SIZE);
		if (sh_field(e, sh, SH_TYPE) != SHT_NOBITS_ && in_file(e, off, size)) {
			e->shstr = p + off;
			e->shstr_len = size;
		}
	}
	return 0;
}

int vigil_elf__section(const vigil_elf *e, const char *name, vigil_elf_range *out)
{
	size_t nl = strlen(name);
	if (!e->shstr)
		return 0;
	for (uint64_t i = 0; i < e->shnum; i++) {
		const uint8_t *sh = e->p + e->shoff + i * e->shentsize;
		uint64_t at = sh_field(e, sh, SH_NAME);
		if (at >= e->shstr_len || e->shstr_len - at < nl + 1 ||
		    memcmp(e->shstr + at, name, nl + 1) != 0)
			continue;
		uint64_t off = sh_field(e, sh, SH_OFFSET), size = sh_field(e, sh, SH_SIZE);
		if (sh_field(e, sh, SH_TYPE) == SHT_NOBITS_ || !in_file(e, off, size))
			continue;
		out->p = e->p + off;
		out->n = (size_t)size;
		out->addr = sh_field(e, sh, SH_ADDR);
		return 1;
	}
	return 0;
}

int vigil_elf__vaddr(const vigil_elf *e, uint64_t addr, uint64_t len, const uint8_t **out)
{
	for (uint64_t i = 0; i < e->phnum; i++) {
		const uint8_t *ph = e->p + e->phoff + i * e->phentsize;
		uint64_t type = vigil_elf__uint(e, ph, 4), off, vaddr, filesz;
		if (type != PT_LOAD_)
			continue;
		if (e->is64) {
			off = vigil_elf__uint(e, ph + 8, 8);
			vaddr = vigil_elf__uint(e, ph + 16, 8);
			filesz = vigil_elf__uint(e, ph + 32, 8);
		} else {
			off = vigil_elf__uint(e, ph + 4, 4);
			vaddr = vigil_elf__uint(e, ph + 8, 4);
			filesz = vigil_elf__uint(e, ph + 16, 4);
		}
		if (addr < vaddr || addr - vaddr >= filesz || len > filesz - (addr - vaddr))
			continue;
		uint64_t at = addr - vaddr;
		if (at > UINT64_MAX - off || !in_file(e, off + at, len))
			continue;
		*out = e->p + off + at;
		return 1;
	}
	if (e->phnum)
		return 0;
	for (uint64_t i = 0; i < e->shnum; i++) {
		const uint8_t *sh = e->p + e->shoff + i * e->shentsize;
		uint64_t sa = sh_field(e, sh, SH_ADDR), off = sh_field(e, sh, SH_OFFSET),
			 size = sh_field(e, sh, SH_SIZE);
		if (sa == 0 || sh_field(e, sh, SH_TYPE) == SHT_NOBITS_ || addr < sa ||
		    addr - sa >= size || len > size - (addr - sa))
			continue;
		uint64_t at = addr - sa;
		if (at > UINT64_MAX - off || !in_file(e, off + at, len))
			continue;
		*out = e->p + off + at;
		return 1;
	}
	return 0;
}
