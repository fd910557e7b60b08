/*
 * BerkeleyDB hash databases: the Packages file of rpm <= 4.15 (RHEL/CentOS <= 8, Amazon
 * Linux 2), read page by page without libdb. Page 0 is the metadata (magic 0x061561,
 * page size, last page, in the byte order of the machine that wrote it). Hash pages
 * hold key/data item pairs through an index of 16-bit offsets; a header blob is the
 * data item, inline (H_KEYDATA) or, as nearly always, in a chain of overflow pages
 * (H_OFFPAGE). Every offset is checked against its page, every chain against the file,
 * and no overflow page is read twice, so the work is linear in the file size.
 */
#include <stdlib.h>
#include <string.h>

#include "rpm_db.h"

#define HASH_MAGIC 0x061561u
#define P_HASH_UNSORTED 2
#define P_OVERFLOW 7
#define P_HASHMETA 8
#define P_HASH 13
#define H_KEYDATA 1
#define H_OFFPAGE 3
#define PAGE_HEADER 26	   /* lsn, pgno, prev, next, entries, hf_offset, level, type */
#define PAGE_CHECKSUM 20   /* follows the page header when the file has checksums */
#define META_CHKSUM_FLAG 1 /* DBMETA_CHKSUM in the metadata's metaflags */

typedef struct bdb {
	const uint8_t *data;
	uint32_t pagesize, npages;
	uint32_t header; /* bytes before a page's index or overflow data */
	int big_endian;
	uint8_t *used; /* one bit per page: already read as part of an overflow chain */
	vigil_buf value;
} bdb;

static uint32_t u32(const bdb *b, const uint8_t *p)
{
	return b->big_endian ? vigil_rpm__be32(p) : vigil_rpm__le32(p);
}

static uint16_t u16(const bdb *b, const uint8_t *p)
{
	return b->big_endian ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* Reads the metadata page into b. VIGIL_EFORMAT when it is not a hash database this
 * reader can walk (encrypted ones included). */
static int open_meta(bdb *b, const uint8_t *data, size_t len)
{
	memset(b, 0, sizeof(*b));
	b->data = data;
	if (len < 512)
		return VIGIL_EFORMAT;
	if (vigil_rpm__le32(data + 12) == HASH_MAGIC)
		b->big_endian = 0;
	else if (vigil_rpm__be32(data + 12) == HASH_MAGIC)
		b->big_endian = 1;
	else
		return VIGIL_EFORMAT;
	uint32_t ps = u32(b, data + 20);
	if (ps < 512 || ps > 65536 || (ps & (ps - 1)) != 0 || len < ps)
		return VIGIL_EFORMAT;
	if (data[24] != 0 || data[25] != P_HASHMETA) /* encryption; page type */
		return VIGIL_EFORMAT;
	b->pagesize = ps;
	b->header = PAGE_HEADER + ((data[26] & META_CHKSUM_FLAG) ? PAGE_CHECKSUM : 0);
	uint64_t last = u32(b, data + 32);
	uint64_t have = len / ps;
	b->npages = (uint32_t)(last + 1 < have ? last + 1 : have);
	return 0;
}

/* Collects the overflow chain starting at `pgno` that holds `tlen` bytes into
 * b->value. Returns 0, VIGIL_ENOMEM, or VIGIL_EFORMAT for a chain that leaves the
 * file, loops, reuses a page, or does not add up to tlen. */
static int read_chain(bdb *b, uint32_t pgno, uint32_t tlen)
{
	uint32_t room = b->pagesize - b->header;
	int error;
	b->value.len = 0;
	if (tlen == 0 || tlen / room >= b->npages)
		return VIGIL_EFORMAT;
	if ((error = vigil_buf_grow(&b->value, tlen)) < 0)
		return error;
	while (b->value.len < tlen) {
		if (pgno == 0 || pgno >= b->npages || (b->used[pgno / 8] & (1u << (pgno % 8))))
			return VIGIL_EFORMAT;
		b->used[pgno / 8] |= (uint8_t)(1u << (pgno % 8));
		const uint8_t *page = b->data + (size_t)pgno * b->pagesize;
		uint32_t n = u16(b, page + 22); /* hf_offset: the bytes this page holds */
		if (page[25] != P_OVERFLOW || n == 0 || n > room || n > tlen - b->value.len)
			return VIGIL_EFORMAT;
		if ((error = vigil_buf_put(&b->value, page + b->header, n)) < 0)
			return error;
		pgno = u32(b, page + 16);
	}
	return 0;
}

/* Item `i` of a hash page: its bytes [*start, *start + *n). -1 when out of the page. */
static int item(const bdb *b, const uint8_t *page, uint32_t entries, uint32_t i,
		const uint8_t **start, uint32_t *n)
{
	uint32_t lo = b->header + 2 * entries;
	uint32_t off = u16(b, page + b->header + 2 * i);
	uint32_t end = i == 0 ? b->pagesize : u16(b, page + b->header + 2 * (i - 1));
	if (off < lo || end > b->pagesize || end <= off)
		return -1;
	*start = page + off;
	*n = end - off;
	return 0;
}

/* Hands the data items of one hash page to vigil_rpm__add. */
static int read_page(bdb *b, vigil_rpm_db *db, const uint8_t *page)
{
	uint32_t entries = u16(b, page + 20);
	int error;
	if (entries % 2 != 0 || entries > (b->pagesize - b->header) / 2) {
		vigil_catalog__skipped(db->r, "hash page with a bad index");
		return 0;
	}
	for (uint32_t i = 0; i < entries; i += 2) {
		const uint8_t *key, *val;
		uint32_t kn, vn;
		if (item(b, page, entries, i, &key, &kn) < 0 ||
		    item(b, page, entries, i + 1, &val, &vn) < 0) {
			vigil_catalog__skipped(db->r, "hash item outside its page");
			continue;
		}
		/* record 0 keeps rpm's next instance number, not a header */
		if (key[0] == H_KEYDATA && kn == 5 && vigil_rpm__le32(key + 1) == 0)
			continue;
		if (val[0] == H_KEYDATA) {
			error = vigil_rpm__add(db, val + 1, vn - 1);
		} else if (val[0] == H_OFFPAGE && vn >= 12) {
			error = read_chain(b, u32(b, val + 4), u32(b, val + 8));
			if (error == VIGIL_EFORMAT) {
				vigil_catalog__skipped(db->r, "broken overflow page chain");
				continue;
			}
			if (error == 0)
				error = vigil_rpm__add(db, b->value.data, b->value.len);
		} else {
			vigil_catalog__skipped(db->r, "hash item of an unexpected kind");
			continue;
		}
		if (error < 0)
			return error;
	}
	return 0;
}

int vigil_rpm__read_bdb(vigil_rpm_db *db, const uint8_t *data, size_t len)
{
	bdb b;
	int error;
	if ((error = open_meta(&b, data, len)) < 0)
		return error;
	if (!(b.used = calloc((size_t)b.npages / 8 + 1, 1)))
		return VIGIL_ENOMEM;
	for (uint32_t pgno = 1; pgno < b.npages && error == 0; pgno++) {
		const uint8_t *page = data + (size_t)pgno * b.pagesize;
		if (page[25] == P_HASH || page[25] == P_HASH_UNSORTED)
			error = read_page(&b, db, page);
	}
	free(b.used);
	vigil_buf_free(&b.value);
	return error;
}
