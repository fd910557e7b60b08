/*
 * A bounds-checked reader of ELF files in memory, for the binary catalogers: the
 * header, section headers by name, and virtual addresses through the program
 * headers. Every offset and size read from the file is checked against its length.
 */
#ifndef VIGIL_CATALOG_BINARY_ELF_H
#define VIGIL_CATALOG_BINARY_ELF_H

#include <stddef.h>
#include <stdint.h>

typedef struct vigil_elf {
	const uint8_t *p;
	size_t n;
	int is64, be;
	uint64_t shoff, phoff;
	uint64_t shnum, phnum;
	uint32_t shentsize, phentsize;
	const uint8_t *shstr; /* section name table, NULL when there is none */
	uint64_t shstr_len;
} vigil_elf;

/* Bytes of a section (or segment) inside the file. */
typedef struct vigil_elf_range {
	const uint8_t *p;
	size_t n;
	uint64_t addr; /* its virtual address */
} vigil_elf_range;

/* Reads the ELF header of p[0..n). Returns 0, or VIGIL_EFORMAT when it is not a
 * well-formed ELF file (tables that do not fit the file are dropped, not errors). */
int vigil_elf__open(vigil_elf *e, const uint8_t *p, size_t n);

/* Finds the section called `name` whose bytes are in the file. 1 found, 0 not. */
int vigil_elf__section(const vigil_elf *e, const char *name, vigil_elf_range *out);

/* Finds the `len` bytes at virtual address `addr` in a loaded segment (or, without
 * program headers, a section). 1 found, 0 not (unmapped, or past the file's bytes). */
int vigil_elf__vaddr(const vigil_elf *e, uint64_t addr, uint64_t len, const uint8_t **out);

/* Reads an unsigned integer of `size` bytes (1, 2, 4 or 8) in the file's byte order;
 * the caller has checked the bounds. */
uint64_t vigil_elf__uint(const vigil_elf *e, const uint8_t *p, int size);

#endif
